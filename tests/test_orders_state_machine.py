"""The order state machine: allowed moves only, each recorded; refunds exactly once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from snshelper.core import bulk_update
from snshelper.orders import errors
from snshelper.orders.models import TRANSITIONS, Status
from snshelper.orders.services import (
    StatusUpdate,
    apply_provider_statuses,
    place_order,
    transition,
)
from snshelper.wallet import selectors
from snshelper.wallet.models import LedgerTransaction

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def order(funded, make_service):
    service = make_service(rate=D("90"))
    return place_order(member=funded, service=service, link="@somchai.shop", quantity=1000)


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


# --- Provider reports, applied in batches (the status sync) ----------------------------------


def _report(order, status, start_count=None, remains=None):
    return StatusUpdate(order_id=order.pk, status=status, start_count=start_count, remains=remains)


def test_provider_reports_go_through_the_table_and_each_move_is_recorded(order, clock):
    assert apply_provider_statuses([_report(order, Status.IN_PROGRESS, start_count=3572)]).changed == 1
    started = clock.now()
    clock.advance(timedelta(minutes=5))
    assert apply_provider_statuses([_report(order, Status.PARTIAL, remains=157)]).changed == 1
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains, order.refunded) == (
        Status.PARTIAL,
        3572,
        157,
        D("14.13"),
    )
    history = [(t.from_status, t.to_status, t.by, t.reason, t.at) for t in order.transitions.all()][1:]
    assert history == [
        ("Pending", "In progress", None, "Provider status", started),
        ("In progress", "Partial", None, "Provider status", clock.now()),
    ]
    assert selectors.balance(order.member) == D("910") + D("14.13")


def test_a_report_repeated_or_raced_refunds_once(order, make_staff):
    canceled = [_report(order, Status.CANCELED)]
    assert apply_provider_statuses(canceled).changed == 1
    assert apply_provider_statuses(canceled).changed == 0  # the next sync says the same
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.CANCELED, by=staff)  # staff, a moment late
    assert (
        apply_provider_statuses([_report(order, Status.PARTIAL, remains=10)]).changed == 0
    )  # final stays final
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 1
    assert selectors.balance(order.member) == D("1000")
    assert order.transitions.filter(to_status=Status.CANCELED).count() == 1


def test_a_refund_already_paid_by_staff_is_not_paid_again_by_the_provider_report(order, make_staff):
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.CANCELED, by=staff, reason="Link deleted")
    assert apply_provider_statuses([_report(order, Status.CANCELED)]).changed == 0
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 1
    assert selectors.balance(order.member) == D("1000")


def test_reports_the_table_refuses_or_without_usable_remains_are_left_alone(order):
    for remains in (None, 0):  # a Partial needs what remains: left for staff
        assert apply_provider_statuses([_report(order, Status.PARTIAL, remains=remains)]).changed == 0
    assert apply_provider_statuses([_report(order, Status.COMPLETED)]).changed == 1
    assert apply_provider_statuses([_report(order, Status.IN_PROGRESS, start_count=5)]).changed == 0  # final
    order.refresh_from_db()
    assert (order.status, order.remains, order.refunded) == (Status.COMPLETED, 0, 0)
    assert selectors.balance(order.member) == D("910")


def test_a_partial_with_nothing_delivered_is_a_cancel_with_the_whole_charge_back(order):
    apply_provider_statuses([_report(order, Status.PARTIAL, remains=1000)])
    order.refresh_from_db()
    assert (order.status, order.remains, order.refunded) == (Status.CANCELED, 1000, order.charge)
    assert selectors.balance(order.member) == D("1000")


def _many_orders(make_member, make_service, count):
    from snshelper.wallet import services as wallet

    service = make_service(rate=D("90"), one_active_order_per_link=False)
    members = [make_member() for _ in range(4)]
    for m in members:
        wallet.credit_top_up(member=m, amount=D("100000"), idempotency_key=f"fund:{m.pk}")
    return [
        place_order(
            member=members[n % len(members)],
            service=service,
            link=f"https://www.instagram.com/p/P{n}/",
            quantity=1000,
        )
        for n in range(count)
    ]


def test_a_batch_costs_the_same_statements_for_ten_orders_or_a_hundred(make_member, make_service):
    """One lock, one update, one insert of transitions, the refunds posted together: the batch's
    size does not change the statements (under SQLite's 124 transitions an INSERT)."""
    placed = _many_orders(make_member, make_service, 110)
    counts = []
    for batch in (placed[:10], placed[10:]):
        reports = [
            _report(o, [Status.COMPLETED, Status.PARTIAL, Status.CANCELED][n % 3], remains=400)
            for n, o in enumerate(batch)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert apply_provider_statuses(reports).changed == len(batch)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 12, counts
    refunded = [o for batch in (placed[:10], placed[10:]) for n, o in enumerate(batch) if n % 3]
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == len(refunded)
    for o in placed:
        o.refresh_from_db()
        assert o.refunded == {"Completed": 0, "Partial": D("36"), "Canceled": D("90")}[o.status]
        assert o.transitions.count() == 2


def test_orders_are_written_right_when_a_statement_can_bind_only_a_few_values(
    make_member, make_service, monkeypatch
):
    """SQLite limits the values one statement binds: the rows go in as many statements as needed."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(bulk_update, "_sqlite_variables", lambda connection: 13)  # two orders a statement
    placed = _many_orders(make_member, make_service, 7)
    apply_provider_statuses(
        [_report(o, Status.PARTIAL, start_count=n, remains=100 + n) for n, o in enumerate(placed)]
    )
    for n, o in enumerate(placed):
        o.refresh_from_db()
        assert (o.status, o.start_count, o.remains) == (Status.PARTIAL, n, 100 + n)
        assert o.refunded == D("0.09") * (100 + n)
