"""API v2 takes what clients in the field send (GET, any body encoding, any declared charset,
subscriptions without ``posts``) and answers strictly: JSON, the field's shapes and words.

Each test reproduces a defect of issue 16 as a client met it, against the running app."""

from decimal import Decimal
from urllib.parse import urlencode

import httpx
import pytest

from snshelper.api import services as api_services
from snshelper.catalog.models import Service
from snshelper.orders import subscriptions
from snshelper.orders.models import Order
from snshelper.wallet import selectors as wallet_selectors

pytestmark = pytest.mark.django_db(transaction=True)

POST = "https://www.instagram.com/p/Cx1/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def url(live_server):
    return f"{live_server.url}/api/v2"


@pytest.fixture
def key(funded):
    return api_services.create_key(member=funded, name="panel").secret


@pytest.fixture
def followers(make_service):
    """฿90 per 1,000, 100 to 10,000 in steps of 10 (as most demo services)."""
    return make_service(rate=Decimal("90"))


def _json(response: httpx.Response):
    assert response.headers["Content-Type"] == "application/json", response.text
    return response.json()


# --- GET -------------------------------------------------------------------------------------


def test_get_with_key_and_action_in_the_query_works_like_post(url, key, followers):
    answer = httpx.get(url, params={"key": key, "action": "balance"})

    assert (answer.status_code, _json(answer)) == (200, {"balance": "1000.00", "currency": "THB"})
    listed = httpx.get(url, params={"api_token": key, "action": "services"})
    assert [row["service"] for row in _json(listed)] == [followers.pk]


def test_an_order_placed_by_get_is_charged_once_like_a_post(url, key, funded, followers):
    answer = _json(
        httpx.get(
            url, params={"key": key, "action": "add", "service": followers.pk, "link": POST, "quantity": 100}
        )
    )

    assert Order.objects.get(pk=answer["order"]).charge == Decimal("9.00")
    assert wallet_selectors.balance(funded) == Decimal("991")


def test_other_methods_still_answer_json(url, key):
    response = httpx.put(url, data={"key": key, "action": "balance"})

    assert (response.status_code, _json(response)) == (405, {"error": "Incorrect request"})
    assert response.headers["Allow"] == "GET, POST"


# --- Charsets --------------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["ISO-8859-1", "latin-1", "UTF8", "us-ascii", "utf-8", "windows-874"])
def test_form_bodies_in_any_declared_charset_are_decoded(url, key, charset):
    body = f"key={key}&action=balance".encode(charset.replace("windows-", "cp"))

    response = httpx.post(url, content=body, headers={"Content-Type": f"{FORM}; charset={charset}"})

    assert (response.status_code, _json(response)) == (200, {"balance": "1000.00", "currency": "THB"})


def test_a_utf16_form_body_is_decoded(url, key):
    body = f"key={key}&action=balance".encode("utf-16")

    response = httpx.post(url, content=body, headers={"Content-Type": f"{FORM}; charset=utf-16"})

    assert (response.status_code, _json(response)) == (200, {"balance": "1000.00", "currency": "THB"})


def test_a_thai_link_sent_in_tis620_reaches_the_order_as_thai(url, key, make_service):
    service = make_service(platform="facebook", rate=Decimal("90"))
    link = "https://www.facebook.com/ร้านสมชาย"
    encoded = urlencode(
        {"key": key, "action": "add", "service": service.pk, "link": link, "quantity": 100},
        encoding="tis-620",
    )

    response = httpx.post(url, content=encoded, headers={"Content-Type": f"{FORM}; charset=tis-620"})

    assert Order.objects.get(pk=_json(response)["order"]).link == link


@pytest.mark.parametrize(
    "content_type, body",
    [
        (f"{FORM}; charset=no-such-charset", b"key=x&action=balance"),
        (f"{FORM}; charset=us-ascii", "key=x&action=balance&link=ร้าน".encode()),
        (f"{FORM}; charset=utf-8", b"key=x&action=balance&link=%ff%fe"),
        (f"{FORM}; charset=utf-8", b"key=x&action=balance&link=\xff\xfe"),
        ("application/json; charset=utf-8", b'{"key": "x", "action": "balance", "link": "\xff"}'),
        ("application/json; charset=nope", b'{"key": "x"}'),
        ("multipart/form-data; boundary=zz; charset=nope", b"--zz\r\n"),
    ],
)
def test_an_undecodable_body_gets_incorrect_request_in_json_never_html(url, content_type, body):
    response = httpx.post(url, content=body, headers={"Content-Type": content_type})

    assert (response.status_code, _json(response)) == (400, {"error": "Incorrect request"})


def test_a_multipart_body_in_another_charset_is_decoded(url, key):
    body = (
        f'--zz\r\nContent-Disposition: form-data; name="key"\r\n\r\n{key}\r\n'
        '--zz\r\nContent-Disposition: form-data; name="action"\r\n\r\nbalance\r\n--zz--\r\n'
    ).encode("latin-1")

    response = httpx.post(
        url, content=body, headers={"Content-Type": "multipart/form-data; boundary=zz; charset=latin-1"}
    )

    assert _json(response) == {"balance": "1000.00", "currency": "THB"}


# --- Subscriptions ---------------------------------------------------------------------------


@pytest.fixture
def subscription_service(make_service):
    return make_service(type=Service.Type.SUBSCRIPTIONS, rate=Decimal("90"))


@pytest.mark.parametrize("posts", [{"posts": "0"}, {}, {"posts": ""}])
def test_a_subscription_with_posts_0_or_none_is_unlimited(url, key, subscription_service, posts):
    """The field's published example sends ``posts=0``: new posts without a limit until expiry."""
    fields = {"key": key, "action": "add", "service": subscription_service.pk, "username": "somchai.shop"}

    answer = _json(httpx.post(url, data={**fields, "min": 100, "max": 200, "delay": 0, **posts}))

    subscription = Order.objects.get(pk=answer["order"]).subscription
    assert subscription.posts == subscriptions.MAX_POSTS and subscription.old_posts is None


def test_a_subscription_of_old_posts_only_still_takes_new_ones_without_limit(url, key, subscription_service):
    fields = {"key": key, "action": "add", "service": subscription_service.pk, "username": "somchai.shop"}

    answer = _json(httpx.post(url, data={**fields, "min": 100, "max": 200, "old_posts": 5}))

    subscription = Order.objects.get(pk=answer["order"]).subscription
    assert (subscription.posts, subscription.old_posts) == (subscriptions.MAX_POSTS, 5)


def test_a_limited_subscription_keeps_its_limit(url, key, subscription_service):
    fields = {"key": key, "action": "add", "service": subscription_service.pk, "username": "somchai.shop"}

    answer = _json(httpx.post(url, data={**fields, "min": 100, "max": 200, "posts": 7}))

    assert Order.objects.get(pk=answer["order"]).subscription.posts == 7


# --- Step ------------------------------------------------------------------------------------


def test_services_says_each_services_step_as_a_string_beside_the_standard_fields(url, key, make_service):
    make_service(step=100, min_quantity=100)

    (row,) = _json(httpx.post(url, data={"key": key, "action": "services"}))

    assert row["step"] == "100"
    standard = {
        "service": int,
        "name": str,
        "type": str,
        "category": str,
        "rate": str,
        "min": str,
        "max": str,
        "refill": bool,
        "cancel": bool,
        "dripfeed": bool,
    }
    assert {name: type(row[name]) for name in standard} == standard


def test_a_quantity_off_the_step_is_refused_in_words_the_field_reads(url, key, funded, followers):
    answer = _json(
        httpx.post(
            url, data={"key": key, "action": "add", "service": followers.pk, "link": POST, "quantity": 105}
        )
    )

    assert answer == {"error": "Incorrect request: quantity must be a multiple of 10"}
    assert wallet_selectors.balance(funded) == Decimal("1000")


def test_errors_stay_in_english_for_a_thai_member(url, key, funded, followers):
    funded.language = "th"
    funded.save(update_fields=["language"])

    answer = _json(
        httpx.post(
            url, data={"key": key, "action": "add", "service": followers.pk, "link": POST, "quantity": 1}
        )
    )

    assert answer == {"error": "Quantity less than minimal"}
