"""The order state machine: allowed moves only, each recorded; refunds exactly once."""

from decimal import Decimal

import pytest

from snshelper.orders import errors
from snshelper.orders.models import TRANSITIONS, Status
from snshelper.orders.services import OrderRequest, place_order, transition
from snshelper.wallet import selectors
from snshelper.wallet.models import LedgerTransaction

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def order(funded, make_service):
    service = make_service(rate=D("90"))
    return place_order(member=funded, request=OrderRequest(service.pk, "@somchai.shop", 1000))


def test_partial_order_refunds_remains_once(order, make_staff):
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.IN_PROGRESS, by=staff, start_count=3572)
    done = transition(order=order, to=Status.PARTIAL, by=staff, remains=157, reason="Account went private")
    assert done.refunded == D("14.13")  # 157 × 0.09
    for _ in range(3):  # retries, syncs, double clicks
        transition(order=order, to=Status.PARTIAL, remains=157)
    assert selectors.balance(order.member) == D("910") + D("14.13")
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 1
    history = [(t.from_status, t.to_status, t.start_count, t.remains) for t in done.transitions.all()]
    assert history == [
        ("", "Pending", None, None),
        ("Pending", "In progress", 3572, None),
        ("In progress", "Partial", 3572, 157),
    ]


def test_canceled_order_refunds_the_whole_charge_once(order):
    transition(order=order, to=Status.CANCELED, reason="Link deleted")
    transition(order=order, to=Status.CANCELED)
    assert selectors.balance(order.member) == D("1000")
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 1


def test_completed_order_refunds_nothing(order):
    done = transition(order=order, to=Status.COMPLETED, start_count=10)
    assert (done.remains, done.refunded) == (0, 0)
    assert selectors.balance(order.member) == D("910")


@pytest.mark.parametrize("final", [Status.COMPLETED, Status.PARTIAL, Status.CANCELED])
def test_final_statuses_do_not_move_again(order, final):
    transition(order=order, to=final, remains=10 if final == Status.PARTIAL else None)
    for other in Status:
        if other != final:
            with pytest.raises(errors.TransitionNotAllowed):
                transition(order=order, to=other, remains=5)


def test_partial_needs_remains_within_the_quantity(order):
    for remains in (None, 0, 1000, 5000):
        with pytest.raises(errors.InvalidOrderFields):
            transition(order=order, to=Status.PARTIAL, remains=remains)
    assert selectors.balance(order.member) == D("910")


def test_the_transition_table_names_every_status():
    assert set(TRANSITIONS) == set(Status.values)
    assert all(targets <= set(Status.values) for targets in TRANSITIONS.values())
