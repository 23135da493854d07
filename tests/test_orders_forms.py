"""Typed input at the edges: text from pages and API clients is read once (``core.parse``, through
the order forms and API v2's fields) into numbers, lists and dates; the services take those. A
field that cannot be read is refused with the message the member or client always got, and
nothing is written."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from snshelper.api import v2
from snshelper.catalog.models import Service
from snshelper.core import parse
from snshelper.orders import errors
from snshelper.orders.forms import MassOrderForm
from snshelper.orders.models import Order, Status
from snshelper.orders.services import place_order
from snshelper.wallet import selectors
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
POST = "https://www.instagram.com/p/Forms123/"


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1000", 1000),
        (" 42 ", 42),
        ("007", 7),
        ("๑๐๐", 100),  # Thai digits
        (1000, 1000),  # a JSON number
        (30.0, 30),
        ("9" * 5000, parse.TOO_LARGE),  # read at once, and more than anything we keep
        ("", None),
        ("ten", None),
        ("-5", None),
        ("+5", None),
        ("5.0", None),
        ("1,000", None),
        ("1_000", None),
        ("²", None),
        (-1, None),
        (2.5, None),
        (True, None),
        (None, None),
    ],
)
def test_a_whole_number_is_decimal_digits_and_nothing_else(written, number):
    assert parse.whole_number(written) == number


def test_lines_are_the_non_blank_lines_stripped_from_a_text_or_a_list():
    assert parse.lines("somchai\n\n  somsri \r\n") == ["somchai", "somsri"]
    assert parse.lines(["a\nb", " ", "c"]) == ["a", "b", "c"]
    assert parse.lines(None) == []


@pytest.mark.parametrize(
    ("written", "day"),
    [("25/12/2026", date(2026, 12, 25)), ("2/6/2026", date(2026, 6, 2)), ("25/12/2569", date(2026, 12, 25))],
)
def test_a_date_is_day_month_year_and_a_buddhist_year_is_understood(written, day):
    assert parse.day_month_year(written) == day


@pytest.mark.parametrize("written", ["2026-12-25", "31/02/2027", "25/12/26", "tomorrow"])
def test_anything_else_is_not_a_date(written):
    assert parse.day_month_year(written) is None


# --- The new-order page and API v2 ----------------------------------------------------------------


@pytest.fixture
def member_client(client, funded):
    sign_in(client, funded.email)
    return client


def test_a_quantity_that_is_not_a_number_is_refused_by_the_page_and_by_api_v2(
    member_client, funded, make_service
):
    service = make_service(rate=Decimal("90"))
    form = {"service": service.pk, "link": POST, "quantity": "ten", "idempotency_key": "f"}
    page = member_client.post("/orders/new/", form).content.decode()
    assert "คำขอไม่ถูกต้อง" in page and f'value="{POST}"' in page  # "Incorrect request", input kept
    with translation.override("en"):
        with pytest.raises(errors.InvalidOrderFields) as refused:
            v2.add(funded, v2.Params({"service": str(service.pk), "link": POST, "quantity": "ten"}))
        assert str(refused.value.message) == "Incorrect request"
    assert not Order.objects.exists() and selectors.balance(funded) == Decimal("1000")


def test_the_live_price_of_mentions_without_a_quantity_counts_the_usernames(member_client, make_service):
    service = make_service(type=Service.Type.MENTIONS, rate=Decimal("100"), min_quantity=1, step=1)
    usernames = "somchai\n\nsomsri\nmalee\n"
    page = member_client.get(
        "/orders/price/", {"service": service.pk, "usernames": usernames}
    ).content.decode()
    assert "฿0.30<" in page  # 3 usernames × ฿100 / 1,000


def test_the_live_price_of_custom_comments_counts_each_run(member_client, make_service):
    service = make_service(type=Service.Type.CUSTOM_COMMENTS, rate=Decimal("1000"), min_quantity=1, step=1)
    query = {"service": service.pk, "comments": "สวยมาก\nชอบครับ", "runs": "3"}
    assert "฿6.00<" in member_client.get("/orders/price/", query).content.decode()  # 2 comments × 3 runs


def test_the_order_search_takes_a_number_or_any_text(member_client, funded, make_service):
    order = place_order(member=funded, service=make_service(), link=POST, quantity=100)
    assert f"#{order.pk}<" in member_client.get("/orders/", {"q": f"#{order.pk}"}).content.decode()
    for odd in ("²", "9" * 40):  # a superscript, a number beyond any id: no order, and no error
        response = member_client.get("/orders/", {"q": odd})
        assert response.status_code == 200 and f"#{order.pk}<" not in response.content.decode()


def test_an_order_keeps_only_the_fields_its_service_type_takes(funded, make_service):
    followers = make_service(rate=Decimal("90"))
    fields = {"service": str(followers.pk), "link": POST, "quantity": "100", "usernames": "somchai"}
    order = Order.objects.get(pk=v2.add(funded, v2.Params({**fields, "answer_number": "2"}))["order"])
    assert order.type_fields == {}


def test_a_mass_order_line_with_an_unreadable_quantity_is_refused_alone(make_service):
    service = make_service()
    form = MassOrderForm(
        {"orders": f"{service.pk} | {POST} | lots\nabc | {POST} | 100", "idempotency_key": "m"}
    )
    assert form.is_valid()
    first, second = form.cleaned_data["orders"]
    with translation.override("en"):
        assert (first.number, str(first.unreadable)) == (1, "Incorrect request")
    assert (second.service_id, second.quantity, second.unreadable) == (None, 100, "")  # Incorrect service ID


def test_a_refill_request_goes_back_only_to_our_own_pages(member_client, funded, make_service):
    service = make_service(refill_days=30)
    order = place_order(member=funded, service=service, link=POST, quantity=100)
    response = member_client.post(f"/orders/{order.pk}/refill/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/orders/{order.pk}/"
    response = member_client.post(f"/orders/{order.pk}/refill/", {"next": "/orders/"})
    assert response["Location"] == "/orders/"


# --- Marketing staff's queue ------------------------------------------------------------------------


def test_a_start_count_beyond_any_count_we_keep_changes_nothing(client, make_staff, funded, make_service):
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    order = place_order(member=funded, service=make_service(), link=POST, quantity=100)
    response = client.post(
        f"/staff/orders/{order.pk}/", {"action": "start", "start_count": "9" * 12}, follow=True
    )
    assert "กรุณากรอกจำนวนเต็ม" in response.content.decode()  # "Enter a whole number."
    assert Order.objects.get(pk=order.pk).status == Status.PENDING
