"""Placing an order: validated before money moves; charged and created in one transaction."""

from decimal import Decimal

import pytest

from snshelper.catalog.models import Platform, Service
from snshelper.orders import errors
from snshelper.orders.models import Order, Status
from snshelper.orders.services import place_order
from snshelper.wallet import selectors
from snshelper.wallet.errors import InsufficientFunds
from snshelper.wallet.models import LedgerTransaction

pytestmark = pytest.mark.django_db
D = Decimal
POST = "https://www.instagram.com/p/C0ffee123/"


def test_order_debits_the_price_and_starts_pending(funded, make_service):
    service = make_service(rate=D("90"))
    order = place_order(member=funded, service=service, link=POST, quantity=1000)
    assert order.status == Status.PENDING
    assert order.charge == D("90.00000")
    assert selectors.balance(funded) == D("910")
    assert [t.to_status for t in order.transitions.all()] == ["Pending"]


def test_price_is_rate_per_thousand_to_five_decimals(make_service):
    service = make_service(rate=D("0.27819"), min_quantity=1, step=1)
    assert service.price(1) == D("0.00028")
    assert service.price(3572) == D("0.99369")


@pytest.mark.parametrize(
    ("link", "platform"),
    [
        (POST, "instagram"),
        ("@somchai.shop", "instagram"),
        ("https://vt.tiktok.com/ZS8abc/", "tiktok"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://x.com/snshelper/status/1", "x"),
        ("https://www.facebook.com/snshelper/posts/1", "facebook"),
        ("https://lin.ee/abc123", "line"),
    ],
)
def test_links_that_fit_their_platform_are_accepted(link, platform):
    assert Platform.objects.get(code=platform).accepts(link)


@pytest.mark.parametrize(
    "link",
    [
        "https://www.tiktok.com/@someone/video/1",
        "https://instagram.com.evil.example/p/1",
        "not a link at all",
        "javascript:alert(1)",
    ],
)
def test_a_link_of_another_platform_is_refused_before_money_moves(funded, make_service, link):
    service = make_service(platform="instagram")
    with pytest.raises(errors.IncorrectLink):
        place_order(member=funded, service=service, link=link, quantity=1000)
    assert selectors.balance(funded) == D("1000") and not Order.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        (50, errors.QuantityTooSmall),
        (20_000, errors.QuantityTooLarge),
        (105, errors.QuantityNotInSteps),
        (None, errors.InvalidOrderFields),  # a quantity that is not a number: tests/test_orders_forms.py
    ],
)
def test_quantity_outside_the_rules_is_refused(funded, make_service, quantity, error):
    service = make_service(min_quantity=100, max_quantity=10_000, step=10)
    with pytest.raises(error):
        place_order(member=funded, service=service, link=POST, quantity=quantity)
    assert not Order.objects.exists()


def test_a_disabled_service_takes_no_orders_but_keeps_its_history(funded, make_service):
    service = make_service()
    old = place_order(member=funded, service=service, link=POST, quantity=100)
    Service.objects.filter(pk=service.pk).update(is_active=False)
    service.refresh_from_db()
    with pytest.raises(errors.IncorrectService):
        place_order(member=funded, service=service, link=POST + "x", quantity=100)
    assert Order.objects.get(pk=old.pk).service == service


def test_not_enough_funds_leaves_no_order_and_no_money_moved(member, make_service):
    service = make_service(rate=D("90"))
    with pytest.raises(InsufficientFunds):
        place_order(member=member, service=service, link=POST, quantity=1000)
    assert not Order.objects.exists() and not LedgerTransaction.objects.exists()


def test_a_retried_request_with_the_same_key_returns_the_first_order(funded, make_service):
    service = make_service()
    first = place_order(member=funded, service=service, link=POST, quantity=1000, idempotency_key="k1")
    again = place_order(member=funded, service=service, link=POST, quantity=1000, idempotency_key="k1")
    assert first.pk == again.pk and Order.objects.count() == 1
    assert selectors.balance(funded) == D("910")


def test_a_second_active_order_for_the_same_link_is_refused(funded, make_service):
    service = make_service()
    place_order(member=funded, service=service, link=POST, quantity=100)
    with pytest.raises(errors.ActiveOrderForLink):
        place_order(member=funded, service=service, link=POST, quantity=100)


def test_drip_feed_charges_quantity_times_runs(funded, make_service):
    service = make_service(rate=D("90"), dripfeed_allowed=True)
    order = place_order(member=funded, service=service, link=POST, quantity=100, runs=5, interval=30)
    assert (order.runs, order.interval, order.charge) == (5, 30, D("45"))
    plain = make_service(rate=D("90"))
    with pytest.raises(errors.InvalidOrderFields):
        place_order(member=funded, service=plain, link=POST, quantity=100, runs=5, interval=30)


def test_custom_comments_take_one_unit_per_comment_and_leave_blank_ones_out(funded, make_service):
    service = make_service(type=Service.Type.CUSTOM_COMMENTS, min_quantity=1, step=1, rate=D("300"))
    order = place_order(member=funded, service=service, link=POST, comments=["สวยมาก", "", " ชอบ ", "เยี่ยม"])
    assert order.quantity == 3 and order.comments == "สวยมาก\nชอบ\nเยี่ยม"
    assert order.charge == D("0.9")


def test_poll_orders_need_an_answer_number(funded, make_service):
    service = make_service(type=Service.Type.POLL)
    with pytest.raises(errors.InvalidOrderFields):
        place_order(member=funded, service=service, link=POST, quantity=100)
    order = place_order(member=funded, service=service, link=POST, quantity=100, answer_number=2)
    assert order.type_fields == {"answer_number": 2}


def test_package_orders_cost_the_package_price(funded, make_service):
    service = make_service(type=Service.Type.PACKAGE, rate=D("499"))
    order = place_order(member=funded, service=service, link=POST)
    assert (order.quantity, order.charge) == (1, D("499"))


def test_an_order_priced_beyond_any_balance_is_refused_before_anything_is_written(funded, make_service):
    huge = make_service(rate=Decimal("999999999"), max_quantity=100_000, step=1, dripfeed_allowed=True)
    with pytest.raises(InsufficientFunds):
        place_order(
            member=funded,
            service=huge,
            link="https://www.instagram.com/p/Abc/",
            quantity=10_000,
            runs=1000,
            interval=60,
        )
    with pytest.raises(errors.InvalidOrderFields):
        place_order(
            member=funded,
            service=huge,
            link="https://www.instagram.com/p/Abc/",
            quantity=100,
            runs=2_000_000_000,
            interval=1,
        )
    assert not Order.objects.exists()


def test_an_order_whose_price_rounds_to_nothing_is_placed_and_charges_nothing(funded, make_service):
    cheap = make_service(rate=D("0.00001"), min_quantity=1, step=1)
    order = place_order(member=funded, service=cheap, link=POST, quantity=1)
    assert (order.status, order.charge) == (Status.PENDING, D("0"))
    assert selectors.balance(funded) == D("1000") and not LedgerTransaction.objects.filter(
        kind="order_charge"
    )
