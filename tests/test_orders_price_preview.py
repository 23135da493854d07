"""The price the new-order page shows is the price the order is charged (issue 13): for every
service type, mentions listed with or without a quantity, custom comments and drip-feed runs. The
live price (GET /orders/price/), the page's order (POST /orders/new/ → place_order) and API v2's
add all go through ``catalog.pricing``; these properties hold them to it."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snshelper.api import v2
from snshelper.catalog.models import Service
from snshelper.orders.models import Order
from snshelper.orders.subscriptions import record_post
from snshelper.wallet import services as wallet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LINK = "https://www.instagram.com/p/Preview1/"


def to_cents(charge: Decimal) -> Decimal:
    """What the one money filter shows of a charge: two decimals, rounded half up (issue 17)."""
    return charge.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


PRICE = re.compile(r"<strong>฿([\d,.]+)</strong>")
EXAMPLES = settings(
    max_examples=12,  # for each service type
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RATES = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("1000"), places=5)
USERNAMES = st.lists(st.from_regex(r"[a-z][a-z0-9_.]{0,14}", fullmatch=True), max_size=25)
HASHTAGS = st.lists(st.from_regex(r"#[a-z0-9ก-ฮ]{1,12}", fullmatch=True), max_size=25)
COMMENTS = st.lists(
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40).filter(
        str.strip
    ),
    min_size=1,
    max_size=25,
)
DRIP_FEED = st.one_of(
    st.none(), st.tuples(st.integers(2, 20), st.integers(1, 1440))
)  # (runs, minutes between runs)


def _with_blank_lines(items: list[str]) -> str:
    """The textarea as a member fills it: one item a line, a blank line here and there."""
    return "\n".join(f"{item}\n" if n % 3 == 2 else item for n, item in enumerate(items))


@st.composite
def an_order(draw, kind: str) -> tuple[dict, dict]:
    """(the service's fields, the order form's fields): an order of ``kind`` ``place_order`` accepts."""
    step = draw(st.sampled_from([1, 10]))
    service = {
        "type": kind,
        "rate": draw(RATES),
        "step": step,
        "min_quantity": step,
        "max_quantity": 20_000,
        "dripfeed_allowed": True,
    }
    fields = {}
    quantity = step * draw(st.integers(1, 2_000))
    if kind == Service.Type.CUSTOM_COMMENTS:
        service["step"] = service["min_quantity"] = 1
        fields["comments"] = _with_blank_lines(draw(COMMENTS))
    elif kind == Service.Type.MENTIONS:
        usernames, hashtags = draw(USERNAMES), draw(HASHTAGS)
        if draw(st.booleans()) and (usernames or hashtags):  # the lines are the quantity
            service["step"] = service["min_quantity"] = 1
        else:
            fields["quantity"] = str(quantity)
        if usernames:
            fields["usernames"] = _with_blank_lines(usernames)
        if hashtags:
            fields["hashtags"] = _with_blank_lines(hashtags)
        if not (usernames or hashtags):
            fields["username"] = "somchai.shop"
    elif kind != Service.Type.PACKAGE:
        fields["quantity"] = str(quantity)
    if kind == Service.Type.POLL:
        fields["answer_number"] = str(draw(st.integers(1, 10)))
    drip_feed = draw(DRIP_FEED)
    if drip_feed:
        fields["runs"], fields["interval"] = (str(number) for number in drip_feed)
    return service, fields


@pytest.fixture
def member_client(client, member):
    sign_in(client, member.email)
    return client


def previewed(client, service: Service, fields: dict) -> Decimal:
    """The price the page shows for ``fields``, read off the live-price fragment."""
    page = client.get("/orders/price/", {"service": service.pk, **fields}).content.decode()
    found = PRICE.search(page)
    assert found, page
    return Decimal(found.group(1).replace(",", ""))


@pytest.mark.parametrize("kind", [kind for kind in Service.Type.values if kind != Service.Type.SUBSCRIPTIONS])
@EXAMPLES
@given(data=st.data())
def test_the_price_shown_is_the_price_charged_by_the_page_and_by_api_v2(
    member_client, member, make_service, kind, data
):
    service_fields, fields = data.draw(an_order(kind))
    with transaction.atomic():
        service = make_service(**service_fields)
        wallet.credit_top_up(member=member, amount=Decimal("10000000"), idempotency_key="preview")
        shown = previewed(member_client, service, fields)

        response = member_client.post(
            "/orders/new/", {"service": service.pk, "link": LINK, "idempotency_key": "page", **fields}
        )
        assert response.status_code == 302, response.content.decode()  # placed, not refused
        by_page = Order.objects.get(idempotency_key="page")
        answer = v2.add(member, v2.Params({"service": str(service.pk), "link": LINK + "api/", **fields}))
        by_api = Order.objects.get(pk=answer["order"])

        assert shown == to_cents(by_page.charge) and by_page.charge == by_api.charge
        assert by_page.quantity == by_api.quantity and by_page.runs == by_api.runs
        transaction.set_rollback(True)  # the next example starts from the same catalogue and balance


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rate=RATES, low=st.integers(1, 500), spread=st.integers(0, 500))
def test_a_subscriptions_price_per_post_is_what_each_posts_order_is_charged(
    member_client, member, make_service, make_staff, rate, low, spread
):
    high = low + spread
    fields = {"username": "@somchai.shop", "min": str(low), "max": str(high), "posts": "2"}
    with transaction.atomic():
        staff, _ = make_staff("marketing")
        service = make_service(type=Service.Type.SUBSCRIPTIONS, rate=rate, min_quantity=1, step=1)
        wallet.credit_top_up(member=member, amount=Decimal("10000000"), idempotency_key="preview")
        page = member_client.get("/orders/price/", {"service": service.pk, **fields}).content.decode()
        shown = [Decimal(price.replace(",", "")) for price in re.findall(r"฿([\d,.]+)", page)[:2]]

        response = member_client.post(
            "/orders/new/", {"service": service.pk, "idempotency_key": "sub", **fields}
        )
        assert response.status_code == 302, response.content.decode()
        subscription = Order.objects.get(idempotency_key="sub").subscription
        charged = [
            record_post(subscription=subscription, link=f"{LINK}{n}/", quantity=quantity, by=staff).charge
            for n, quantity in enumerate((low, high))
        ]

        assert shown == [to_cents(charge) for charge in charged]
        transaction.set_rollback(True)
