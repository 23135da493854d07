"""API v2 as a reseller's script sees it: plain httpx against the running app (live_server).

One test per action and per error message of API-V2.md, with the exact JSON shapes and string
types, the three body encodings and ``api_token``; a refused ``add`` charges nothing.
"""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import polib
import pytest
from django.utils import translation

from snshelper.api import services as api_services
from snshelper.catalog.models import Service
from snshelper.orders import services as order_services
from snshelper.orders.errors import IncorrectLink
from snshelper.orders.models import CancelRequest, DripFeedRun, Order, RefillRequest, Status
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True)

POST = "https://www.instagram.com/p/Cx1/"


class Reseller:
    """A reseller's script: one URL, one key, form-encoded POSTs (as most panels send)."""

    def __init__(self, url: str, key: str):
        self.url, self.key = url, key

    def post(self, action: str, **fields) -> httpx.Response:
        return httpx.post(self.url, data={"key": self.key, "action": action, **fields}, timeout=20)

    def __call__(self, action: str, **fields):
        response = self.post(action, **fields)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/json"
        return response.json()


@pytest.fixture
def api(live_server, funded):
    return Reseller(f"{live_server.url}/api/v2", api_services.create_key(member=funded, name="panel").secret)


@pytest.fixture
def followers(make_service):
    """Thai followers: ฿90 per 1,000, 100 to 10,000 in steps of 10."""
    return make_service(rate=Decimal("90"), refill_days=30, cancel_allowed=True, dripfeed_allowed=True)


def place(member, service, link=POST, quantity=1000, **fields) -> Order:
    return order_services.place_order(member=member, service=service, link=link, quantity=quantity, **fields)


def balance(member) -> Decimal:
    return wallet_selectors.balance(member)


# --- services and balance --------------------------------------------------------------------


def test_services_lists_what_can_be_ordered_in_the_field_shape(api, make_service, followers):
    make_service(name_th="ปิดแล้ว", is_active=False)
    comments = make_service(
        type=Service.Type.CUSTOM_COMMENTS, rate=Decimal("0.27819"), name_th="คอมเมนต์", average_minutes=90
    )

    answer = api("services")

    assert answer == [
        {
            "service": followers.pk,
            "name": "ผู้ติดตามคนไทย",  # the member's language (Thai by default)
            "type": "Default",
            "category": "ผู้ติดตาม",
            "rate": "90.00",
            "min": "100",
            "max": "10000",
            "refill": True,
            "cancel": True,
            "dripfeed": True,
            "step": "10",
            "desc": "",
        },
        {
            "service": comments.pk,
            "name": "คอมเมนต์",
            "type": "Custom Comments",
            "category": "ผู้ติดตาม",
            "rate": "0.27819",
            "min": "100",
            "max": "10000",
            "refill": False,
            "cancel": False,
            "dripfeed": False,
            "step": "10",
            "desc": "",
            "average_time": "90",
        },
    ]


def test_balance_answers_the_members_balance_and_currency(api, funded, settings):
    wallet.charge(member=funded, amount=Decimal("0.15708"), idempotency_key="spent")

    # Two decimals, as the member's balance page shows it (issue 17); the ledger keeps 999.84292.
    assert api("balance") == {"balance": "999.84", "currency": settings.CURRENCY}
    assert settings.CURRENCY == "THB"


# --- add -------------------------------------------------------------------------------------


def test_add_default_order_debits_the_price_and_answers_the_order_id(api, funded, followers):
    answer = api("add", service=followers.pk, link=POST, quantity=1000)

    order = Order.objects.get()
    assert answer == {"order": order.pk}
    assert (order.member, order.quantity, order.charge, order.status) == (
        funded,
        1000,
        Decimal("90"),
        "Pending",
    )
    assert balance(funded) == Decimal("910")


def test_add_drip_feed_charges_runs_times_quantity(api, funded, followers):
    answer = api("add", service=followers.pk, link=POST, quantity=500, runs=3, interval=30)

    order = Order.objects.get(pk=answer["order"])
    assert (order.quantity, order.runs, order.interval) == (500, 3, 30)
    assert order.charge == Decimal("135")  # 3 × 500 × 90 / 1000
    assert balance(funded) == Decimal("865")


def test_add_custom_comments_counts_one_unit_per_line(api, funded, make_service):
    service = make_service(type=Service.Type.CUSTOM_COMMENTS, rate=Decimal("1000"), min_quantity=2, step=1)

    answer = api("add", service=service.pk, link=POST, comments="สวยมาก\n\nชอบครับ\nน่ารัก\n")

    order = Order.objects.get(pk=answer["order"])
    assert (order.quantity, order.comments, order.charge) == (3, "สวยมาก\nชอบครับ\nน่ารัก", Decimal("3"))


@pytest.mark.parametrize(
    ("fields", "quantity", "kept"),
    [
        ({"usernames": "somchai\nsomsri\nmalee"}, 3, {"usernames": "somchai\nsomsri\nmalee"}),  # custom list
        (
            {"quantity": "200", "usernames": "somchai\nsomsri", "hashtags": "#thai\n#food"},
            200,
            {"usernames": "somchai\nsomsri", "hashtags": "#thai\n#food"},
        ),  # mentions with hashtags
        ({"quantity": "300", "hashtag": "#bangkok"}, 300, {"hashtag": "#bangkok"}),  # hashtag
        ({"quantity": "400", "username": "somchai"}, 400, {"username": "somchai"}),  # user followers
        (
            {"quantity": "500", "media": "https://www.instagram.com/p/Media1/"},
            500,
            {"media": "https://www.instagram.com/p/Media1/"},
        ),  # media likers
    ],
    ids=["custom-list", "with-hashtags", "hashtag", "user-followers", "media-likers"],
)
def test_add_mentions_takes_every_mention_kind(api, make_service, fields, quantity, kept):
    service = make_service(type=Service.Type.MENTIONS, rate=Decimal("100"), min_quantity=1, step=1)

    answer = api("add", service=service.pk, link=POST, **fields)

    order = Order.objects.get(pk=answer["order"])
    assert (order.quantity, order.type_fields) == (quantity, kept)
    assert order.charge == service.price(quantity)


def test_add_package_charges_the_package_price(api, funded, make_service):
    service = make_service(type=Service.Type.PACKAGE, rate=Decimal("250"))

    answer = api("add", service=service.pk, link=POST)

    assert Order.objects.get(pk=answer["order"]).charge == Decimal("250")
    assert balance(funded) == Decimal("750")


def test_add_poll_records_the_answer_number(api, make_service):
    service = make_service(type=Service.Type.POLL)

    answer = api("add", service=service.pk, link=POST, quantity=100, answer_number=2)

    assert Order.objects.get(pk=answer["order"]).type_fields == {"answer_number": 2}


def test_add_with_the_same_idempotency_key_places_one_order_and_charges_once(api, funded, followers):
    first = api("add", service=followers.pk, link=POST, quantity=1000, idempotency_key="retry-7")
    again = api("add", service=followers.pk, link=POST, quantity=1000, idempotency_key="retry-7")

    assert first == again
    assert Order.objects.count() == 1 and balance(funded) == Decimal("910")


def test_add_subscription_opens_it_and_status_answers_the_subscription_shape(api, funded, make_service):
    service = make_service(type=Service.Type.SUBSCRIPTIONS, rate=Decimal("90"))

    answer = api(
        "add",
        service=service.pk,
        username="somchai.shop",
        min=100,
        max=200,
        posts=5,
        delay=30,
        expiry="31/12/2099",
    )

    order = Order.objects.get(pk=answer["order"])
    assert order.subscription.username == "somchai.shop" and (
        order.subscription.min,
        order.subscription.max,
    ) == (
        100,
        200,
    )
    assert balance(funded) == Decimal("1000")  # each post is charged when it is ordered
    assert api("status", order=order.pk) == {
        "status": "Active",
        "expiry": "31/12/2099",
        "posts": "0",
        "orders": [],
    }


def test_cancel_of_a_subscription_ends_it(api, funded, make_service):
    service = make_service(type=Service.Type.SUBSCRIPTIONS, rate=Decimal("90"))
    answer = api("add", service=service.pk, username="somchai.shop", min=100, max=200, posts=5)

    assert api("cancel", orders=str(answer["order"])) == [{"order": answer["order"], "cancel": 1}]
    assert api("status", order=answer["order"])["status"] == "Canceled"


# --- status ----------------------------------------------------------------------------------


def test_status_answers_charge_counts_and_status_as_strings(api, funded, followers, settings):
    order = place(funded, followers, quantity=1000)
    order_services.transition(order=order, to=Status.IN_PROGRESS, start_count=3572)
    order_services.transition(order=order, to=Status.PARTIAL, remains=157)

    answer = api("status", order=order.pk)

    assert answer == {
        "charge": "90.00",
        "start_count": "3572",
        "status": "Partial",
        "remains": "157",
        "currency": "THB",
    }


def test_status_of_a_pending_order_starts_at_zero_with_everything_remaining(api, funded, followers):
    order = place(funded, followers, quantity=1000)

    assert api("status", order=order.pk) == {
        "charge": "90.00",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "THB",
    }


def test_status_of_a_drip_feed_order_carries_runs_done_and_delivered_run_ids(api, funded, followers, clock):
    order = place(funded, followers, quantity=500, runs=3, interval=30)
    order_services.transition(order=order, to=Status.IN_PROGRESS, start_count=10)
    first = DripFeedRun.objects.get(order=order, number=1)
    order_services.deliver_run(run=first, by=None)

    answer = api("status", order=order.pk)

    assert answer["status"] == "In progress" and answer["charge"] == "135.00"
    assert answer["runs"] == "1" and answer["orders"] == [first.pk]
    clock.advance(timedelta(minutes=30))
    order_services.release_due_runs()
    second = DripFeedRun.objects.get(order=order, number=2)
    order_services.deliver_run(run=second, by=None)
    assert api("status", order=order.pk)["orders"] == [first.pk, second.pk]


def test_multiple_status_is_keyed_by_id_with_an_error_for_each_unknown_id(
    api, funded, followers, make_member
):
    mine = place(funded, followers)
    stranger = make_member()
    wallet.credit_top_up(member=stranger, amount=Decimal("100"), idempotency_key="s")
    theirs = place(stranger, followers)

    answer = api("status", orders=f"{mine.pk}, {theirs.pk},abc,999999999999999999999")

    assert list(answer) == [str(mine.pk), str(theirs.pk), "abc", "999999999999999999999"]
    assert answer[str(mine.pk)]["status"] == "Pending"
    assert answer[str(theirs.pk)] == {"error": "Incorrect order ID"}
    assert answer["abc"] == answer["999999999999999999999"] == {"error": "Incorrect order ID"}


def test_multiple_status_takes_at_most_100_ids(api, funded, followers):
    order = place(funded, followers)

    assert len(api("status", orders=",".join([str(order.pk)] * 100))) == 1
    assert api("status", orders=",".join(str(n) for n in range(1, 102))) == {
        "error": "Incorrect request: at most 100 ids at once"
    }


def test_incorrect_order_id(api, funded, followers, make_member):
    other = make_member()
    wallet.credit_top_up(member=other, amount=Decimal("100"), idempotency_key="o")
    theirs = place(other, followers)

    assert api("status", order=theirs.pk) == {"error": "Incorrect order ID"}
    assert api("status", order="nope") == {"error": "Incorrect order ID"}
    assert api("status") == {"error": "Incorrect order ID"}


# --- refill and refill_status ----------------------------------------------------------------


def completed(member, service, **fields) -> Order:
    order = place(member, service, **fields)
    return order_services.transition(order=order, to=Status.COMPLETED)


def test_refill_answers_the_refill_id_as_a_string(api, funded, followers):
    order = completed(funded, followers)

    answer = api("refill", order=order.pk)

    refill = RefillRequest.objects.get(order=order)
    assert answer == {"refill": str(refill.pk)}
    assert refill.status == "Pending"


def test_multiple_refill_answers_a_list_with_an_error_per_refused_order(api, funded, followers):
    done = completed(funded, followers)
    pending = place(funded, followers, link="https://www.instagram.com/p/Other/")

    answer = api("refill", orders=f"{done.pk},{pending.pk},0")

    refill = RefillRequest.objects.get(order=done)
    assert answer == [
        {"order": done.pk, "refill": refill.pk},
        {"order": pending.pk, "refill": {"error": "Refill not available"}},
        {"order": "0", "refill": {"error": "Incorrect order ID"}},
    ]


def test_refill_not_available(api, funded, followers, make_service, clock):
    no_refill = completed(funded, make_service(refill_days=None))
    assert api("refill", order=no_refill.pk) == {"error": "Refill not available"}

    order = completed(funded, followers)
    clock.advance(timedelta(days=31))  # past the 30-day window
    assert api("refill", order=order.pk) == {"error": "Refill not available"}


def test_a_second_refill_while_one_is_open_is_not_available(api, funded, followers):
    order = completed(funded, followers)
    api("refill", order=order.pk)

    assert api("refill", order=order.pk) == {"error": "Refill not available"}
    assert RefillRequest.objects.filter(order=order).count() == 1


def test_refill_status_answers_the_refill_requests_status(api, funded, followers, make_staff):
    order = completed(funded, followers)
    refill = order_services.request_refill(member=funded, order=order)
    assert api("refill_status", refill=refill.pk) == {"status": "Pending"}

    staff, _ = make_staff("marketing")
    order_services.handle_refill(refill=refill, to="Completed", by=staff)
    assert api("refill_status", refill=refill.pk) == {"status": "Completed"}


def test_multiple_refill_status_lists_each_refill_or_refill_not_found(api, funded, followers, make_member):
    refill = order_services.request_refill(member=funded, order=completed(funded, followers))
    other = make_member()
    wallet.credit_top_up(member=other, amount=Decimal("100"), idempotency_key="o")
    theirs = order_services.request_refill(member=other, order=completed(other, followers))

    answer = api("refill_status", refills=f"{refill.pk},{theirs.pk}")

    assert answer == [
        {"refill": refill.pk, "status": "Pending"},
        {"refill": theirs.pk, "status": {"error": "Refill not found"}},
    ]
    assert api("refill_status", refill=theirs.pk) == {"error": "Refill not found"}


# --- cancel ----------------------------------------------------------------------------------


def test_cancel_records_a_cancel_request_per_order_in_the_multiple_shape(
    api, funded, followers, make_service
):
    cancellable = place(funded, followers)
    started = place(funded, followers, link="https://www.instagram.com/p/Started/")
    order_services.transition(order=started, to=Status.IN_PROGRESS, start_count=1)
    not_cancellable = place(funded, make_service(cancel_allowed=False))

    answer = api("cancel", orders=f"{cancellable.pk},{started.pk},{not_cancellable.pk},12345678")

    assert answer == [
        {"order": cancellable.pk, "cancel": 1},
        {"order": started.pk, "cancel": {"error": "Cancel not available"}},
        {"order": not_cancellable.pk, "cancel": {"error": "Cancel not available"}},
        {"order": 12345678, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert CancelRequest.objects.get().order == cancellable
    assert api("cancel", order=cancellable.pk) == [
        {"order": cancellable.pk, "cancel": {"error": "Cancel not available"}}  # already asked
    ]


# --- refusals of add: the field's messages, and nothing charged ------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"service": "999999"}, "Incorrect service ID"),
        ({"service": "abc"}, "Incorrect service ID"),
        ({"quantity": "50"}, "Quantity less than minimal"),
        ({"quantity": "20000"}, "Quantity more than maximal"),
        ({"quantity": "99999999999999999999999"}, "Quantity more than maximal"),
        ({"link": "https://example.com/not-instagram"}, "Incorrect link"),
        ({"link": ""}, "Incorrect link"),
    ],
    ids=["unknown-service", "service-not-a-number", "too-few", "too-many", "huge", "wrong-site", "no-link"],
)
def test_refused_add_answers_the_fields_message_and_charges_nothing(api, funded, followers, fields, message):
    request = {"service": str(followers.pk), "link": POST, "quantity": "1000", **fields}

    assert api("add", **request) == {"error": message}
    assert Order.objects.count() == 0 and balance(funded) == Decimal("1000")


def test_not_enough_funds_on_balance_charges_nothing(api, funded, followers):
    answer = api("add", service=followers.pk, link=POST, quantity=10_000, runs=2, interval=10)  # ฿1,800

    assert answer == {"error": "Not enough funds on balance"}
    assert Order.objects.count() == 0 and balance(funded) == Decimal("1000")


def test_a_second_order_for_a_link_with_an_active_order_is_refused(api, funded, followers):
    api("add", service=followers.pk, link=POST, quantity=1000)

    answer = api("add", service=followers.pk, link=POST, quantity=1000)

    assert answer == {"error": "You already have an active order with this link"}
    assert Order.objects.count() == 1 and balance(funded) == Decimal("910")


@pytest.fixture
def catalogues(settings, tmp_path):
    """The Thai and Korean catalogues compiled for this test (the pages would speak them)."""
    for po_path in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        target = tmp_path / po_path.relative_to(settings.LOCALE_PATHS[0])
        target.parent.mkdir(parents=True)
        polib.pofile(str(po_path)).save_as_mofile(str(target.with_suffix(".mo")))
    settings.LOCALE_PATHS = [tmp_path]  # resets Django's loaded catalogues


def test_errors_are_in_english_whatever_the_members_language(api, funded, followers, catalogues):
    with translation.override("ko"):
        assert str(IncorrectLink.message) != "Incorrect link"  # what a Korean page would say
    funded.language = "th"
    funded.save(update_fields=["language"])
    headers = {"Accept-Language": "th", "Cookie": "snshelper_language=ko"}

    def add(**fields):
        data = {"key": api.key, "action": "add", "service": followers.pk, "link": POST, **fields}
        return httpx.post(api.url, data=data, headers=headers).json()

    assert add(link="https://example.com/x", quantity=1000) == {"error": "Incorrect link"}
    assert add() == {"error": "Incorrect request: quantity is missing"}
    assert add(quantity=10_000, runs=5, interval=10) == {"error": "Not enough funds on balance"}


# --- the request: key, action, bodies --------------------------------------------------------


def test_invalid_api_key(api):
    assert httpx.post(api.url, data={"key": "0" * 40, "action": "balance"}).json() == {
        "error": "Invalid API key"
    }
    assert httpx.post(api.url, data={"action": "balance"}).json() == {"error": "Invalid API key"}


def test_unknown_or_missing_action_is_an_incorrect_request(api):
    assert api("refund_everything") == {"error": "Incorrect request"}
    assert httpx.post(api.url, data={"key": api.key}).json() == {"error": "Incorrect request"}


def test_api_token_is_taken_instead_of_key(api, funded):
    response = httpx.post(api.url, data={"api_token": api.key, "action": "balance"})

    assert response.json() == {"balance": "1000.00", "currency": "THB"}


def test_a_json_body_is_taken(api, followers):
    response = httpx.post(
        api.url,
        json={"key": api.key, "action": "add", "service": followers.pk, "link": POST, "quantity": 1000},
    )

    assert response.status_code == 200
    assert response.json() == {"order": Order.objects.get().pk}


def test_a_multipart_body_is_taken(api, followers):
    response = httpx.post(
        api.url,
        data={
            "key": api.key,
            "action": "add",
            "service": str(followers.pk),
            "link": POST,
            "quantity": "1000",
        },
        files={"unused": ("note.txt", b"ignored")},  # makes httpx send multipart/form-data
    )

    assert response.request.headers["Content-Type"].startswith("multipart/form-data")
    assert response.json() == {"order": Order.objects.get().pk}


def test_the_url_with_a_trailing_slash_works_too(api):
    assert (
        httpx.post(api.url + "/", data={"key": api.key, "action": "balance"}).json()["balance"] == "1000.00"
    )


def test_a_malformed_json_body_is_a_400_incorrect_request(api):
    for body in (b'{"key": "abc", "action": ', b"[1, 2]", b"[" * 100_000, b"\xff\xfe{"):
        response = httpx.post(api.url, content=body, headers={"Content-Type": "application/json"})
        assert (response.status_code, response.json()) == (400, {"error": "Incorrect request"})


def test_a_broken_multipart_body_is_a_400_incorrect_request(api):
    response = httpx.post(
        api.url, content=b"--x\r\nnot a part", headers={"Content-Type": "multipart/form-data"}
    )

    assert (response.status_code, response.json()) == (400, {"error": "Incorrect request"})


def test_bad_input_never_causes_a_server_error(api, funded, followers):
    nasty = [
        {
            "action": "add",
            "service": followers.pk,
            "link": POST,
            "quantity": 1000,
            "runs": 10**30,
            "interval": 5,
        },
        {"action": "add", "service": 10**40, "link": POST, "quantity": 1000},
        {
            "action": "add",
            "service": followers.pk,
            "link": "https://www.instagram.com/p/\x00/",
            "quantity": 1,
        },
        {"action": "add", "service": followers.pk, "link": {"nested": True}, "quantity": [1]},
        {"action": "add", "service": followers.pk, "link": POST, "quantity": "1" * 5000},
        {
            "action": "add",
            "service": followers.pk,
            "link": POST,
            "quantity": 1000,
            "idempotency_key": "k" * 300,
        },
        {"action": ["status"], "order": 1},
        {"action": "status", "orders": [1, {"x": 1}]},
        {"action": "status", "order": "²"},
        {"action": "refill_status", "refills": ""},
    ]
    for fields in nasty:
        response = httpx.post(api.url, json={"key": api.key, **fields})
        assert response.status_code == 200, (fields, response.text)
        assert set(response.json()) == {"error"}, (fields, response.text)
    assert Order.objects.count() == 0 and balance(funded) == Decimal("1000")
    assert httpx.post(api.url, json={"key": [api.key], "action": "balance"}).json() == {
        "error": "Incorrect request: key must be text or a number"
    }


def test_get_is_answered_like_post_and_other_methods_are_refused_in_json(api):
    response = httpx.get(api.url, params={"key": api.key, "action": "balance"})
    assert (response.status_code, response.json()) == (200, {"balance": "1000.00", "currency": "THB"})

    response = httpx.delete(api.url, params={"key": api.key, "action": "balance"})
    assert (response.status_code, response.json()) == (405, {"error": "Incorrect request"})


def test_too_many_requests_answers_429_with_retry_after(api, settings):
    settings.API_KEY_RATE = "3/60"

    answers = [api.post("balance") for _ in range(4)]

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[-1].json() == {"error": "Too many requests"}
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_answers_are_json_with_numbers_as_strings_where_the_field_sends_strings(api, funded, followers):
    order = place(funded, followers)
    raw = api.post("status", order=order.pk).text

    assert json.loads(raw) == {
        "charge": "90.00",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "THB",
    }
    assert '"charge": "90.00"' in raw


def test_our_own_provider_client_orders_from_us_end_to_end(api, funded, followers, make_staff):
    """The API v2 client we use upstream, pointed at our server: one SNS Helper can resell another's."""
    from snshelper.providers.client import ProviderClient, Refused

    with ProviderClient(url=api.url, key=api.key, timeout=20) as client:
        assert [row["service"] for row in client.services()] == [followers.pk]
        assert client.balance() == (Decimal("1000"), "THB")
        order_id = client.add(service=followers.pk, link=POST, quantity=1000, idempotency_key="up-1")
        assert client.add(service=followers.pk, link=POST, quantity=1000, idempotency_key="up-1") == order_id
        report = client.statuses([order_id, "999999"])
        assert (report[order_id].status, report[order_id].remains, report[order_id].charge) == (
            "Pending",
            1000,
            Decimal("90"),
        )
        assert report["999999"] == "Incorrect order ID"
        with pytest.raises(Refused, match="Quantity less than minimal"):
            client.add(service=followers.pk, link="https://www.instagram.com/p/Few/", quantity=1)

        order = Order.objects.get(pk=order_id)
        order_services.transition(order=order, to=Status.COMPLETED)
        refill_id = client.refills([order_id])[order_id]
        assert client.refill_statuses([refill_id]) == {refill_id: "Pending"}
        second = client.add(service=followers.pk, link="https://www.instagram.com/p/Two/", quantity=100)
        assert client.cancels([second]) == {second: None}
    assert balance(funded) == Decimal("901")  # ฿90 + ฿9, each charged once
