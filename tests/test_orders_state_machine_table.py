"""The order state machine as one table: every (from, to, actor) is either a move with its effects
(status, counts, the refund through the ledger exactly once, a history row saying who and why)
or refused with ``TransitionNotAllowed``, the same for staff, the provider status sync (a batch),
the drip-feed, cancel requests and subscriptions (the system), members and resellers (the API).

The expected table is written out here, apart from the code's: changing who may make which move
in ``orders.models.MOVES`` fails a case below."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from snshelper.api import services as api_keys
from snshelper.orders import errors, services
from snshelper.orders.models import Actor, CancelRequest, Order, OrderTransition, Status
from snshelper.orders.services import (
    StatusUpdate,
    apply_provider_statuses,
    place_order,
    transition,
)
from snshelper.wallet import memos, selectors
from snshelper.wallet.models import LedgerTransaction
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
D = Decimal

STATUSES = ["Pending", "Processing", "In progress", "Completed", "Partial", "Canceled"]

# Rows: the status an order has; columns: the status asked for, in STATUSES' order.
#   Y  the move is made, with its effects
#   =  the status it has: nothing changes, no error (retries, double clicks, repeated syncs)
#   c  the status it has: nothing moves, but the provider's counts of an active order are kept
#   x  refused: TransitionNotAllowed, nothing changes
#                      Pend Proc InPr Comp Part Canc
STAFF_OR_PROVIDER = """
    Pending       =    Y    Y    Y    Y    Y
    Processing    x    =    Y    Y    Y    Y
    In progress   x    Y    =    Y    Y    Y
    Completed     x    x    x    =    x    x
    Partial       x    x    x    x    =    x
    Canceled      x    x    x    x    x    =
"""
PROVIDER_SYNC = """
    Pending       c    Y    Y    Y    Y    Y
    Processing    x    c    Y    Y    Y    Y
    In progress   x    Y    c    Y    Y    Y
    Completed     x    x    x    =    x    x
    Partial       x    x    x    x    =    x
    Canceled      x    x    x    x    x    =
"""
# A subscription starts (Pending → In progress) and ends (→ Completed or Canceled); a cancel request
# accepted cancels an active order; the last drip-feed run completes a started one.
SYSTEM = """
    Pending       =    x    Y    x    x    Y
    Processing    x    =    x    x    x    Y
    In progress   x    x    =    Y    x    Y
    Completed     x    x    x    =    x    x
    Partial       x    x    x    x    =    x
    Canceled      x    x    x    x    x    =
"""
# Members and resellers never move an order: they ask for a cancel, which staff accept (SYSTEM).
NOBODY = """
    Pending       x    x    x    x    x    x
    Processing    x    x    x    x    x    x
    In progress   x    x    x    x    x    x
    Completed     x    x    x    x    x    x
    Partial       x    x    x    x    x    x
    Canceled      x    x    x    x    x    x
"""
TABLE = {
    Actor.STAFF: STAFF_OR_PROVIDER,
    Actor.PROVIDER: PROVIDER_SYNC,
    Actor.SYSTEM: SYSTEM,
    Actor.MEMBER: NOBODY,
    Actor.API: NOBODY,
}


def _cells(grid: str) -> dict[tuple[str, str], str]:
    cells = {}
    for line in grid.strip().splitlines():
        words = line.split()
        start, marks = " ".join(words[: -len(STATUSES)]), words[-len(STATUSES) :]
        cells.update(((start, to), mark) for to, mark in zip(STATUSES, marks, strict=True))
    assert len(cells) == len(STATUSES) ** 2, grid
    return cells


CASES = [
    pytest.param(actor, start, to, mark, id=f"{actor}:{start}->{to}")
    for actor, grid in TABLE.items()
    for (start, to), mark in _cells(grid).items()
]

QUANTITY, CHARGE = 1000, D("90")  # ฿90 per 1,000
# What a move does to the counts and the balance, worked out by hand: (remains, refund).
EFFECT = {
    "Processing": (None, D(0)),
    "In progress": (None, D(0)),
    "Completed": (0, D(0)),  # nothing remains, nothing back
    "Partial": (250, D("22.5")),  # 250 of 1,000 not delivered: 250 × ฿0.09 back
    "Canceled": (QUANTITY, CHARGE),  # nothing delivered: all of it back
}
SETUP_REFUND = {"Partial": D("36"), "Canceled": CHARGE}  # how the orders of those statuses got there


@pytest.fixture
def staff(make_staff):
    return make_staff("marketing")[0]


def _order_in(status: str, member, service) -> Order:
    order = place_order(member=member, service=service, link="@somchai.shop", quantity=QUANTITY)
    if status != "Pending":  # how the provider would have moved it there
        transition(order=order, to=status, actor=Actor.PROVIDER, remains=400 if status == "Partial" else None)
    order.refresh_from_db()
    return order


def _ask(actor, order, to, person):
    """``actor`` asks for the move through its own path: the provider in a batch of reports,
    everyone else one order at a time. Returns the error it was refused with, if any."""
    counts = {"start_count": 3572, "remains": 250 if to == "Partial" else None}
    if actor == Actor.PROVIDER:
        applied = apply_provider_statuses([StatusUpdate(order_id=order.pk, status=to, **counts)])
        return applied.refused.get(order.pk)
    try:
        transition(order=order, to=to, actor=actor, by=person, reason="Asked in the table", **counts)
    except errors.OrderError as error:
        return error
    return None


def _state(order: Order):
    order.refresh_from_db()
    return {
        "status": order.status,
        "start_count": order.start_count,
        "remains": order.remains,
        "refunded": order.refunded,
        "balance": selectors.balance(order.member),
        "refunds": LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:refund").count(),
        "history": order.transitions.count(),
    }


@pytest.mark.parametrize(("actor", "start", "to", "mark"), CASES)
def test_every_move_of_every_actor(actor, start, to, mark, funded, make_service, staff, clock):
    service = make_service(rate=CHARGE)
    order = _order_in(start, funded, service)
    person = {Actor.PROVIDER: None, Actor.MEMBER: funded, Actor.API: funded}.get(actor, staff)
    before = _state(order)
    assert before["refunded"] == SETUP_REFUND.get(start, 0)

    refusal = _ask(actor, order, to, person)

    after = _state(order)
    if mark == "x":
        assert type(refusal) is errors.TransitionNotAllowed
        assert after == before
        return
    assert refusal is None
    if mark == "=":
        assert after == before
        return
    if mark == "c":  # the provider's progress: its counts, no move, no money
        assert after == {**before, "start_count": 3572}
        return
    remains, refund = EFFECT[to]
    assert after == {
        "status": to,
        "start_count": 3572,
        "remains": remains,
        "refunded": refund,
        "balance": before["balance"] + refund,
        "refunds": 1 if refund else 0,
        "history": before["history"] + 1,
    }
    if refund:
        posted = LedgerTransaction.objects.get(idempotency_key=f"order:{order.pk}:refund")
        assert (posted.kind, memos.parse(posted.memo), posted.created_by) == (
            "order_refund",
            (memos.ORDER_REFUND, {"order": order.pk, "outcome": to.lower()}),
            person,
        )
    last = order.transitions.last()
    assert (last.from_status, last.to_status, last.by, last.start_count, last.remains, last.at) == (
        start,
        to,
        person,
        3572,
        remains,
        clock.now(),
    )
    assert last.reason == ("Provider status" if actor == Actor.PROVIDER else "Asked in the table")

    assert _ask(actor, order, to, person) is None  # the same move again: nothing more
    assert _state(order) == after


def test_the_table_covers_every_status_and_actor():
    assert set(STATUSES) == set(Status.values)
    assert set(TABLE) == set(Actor)


# --- The paths each actor takes -------------------------------------------------------------


def test_members_and_resellers_ask_to_cancel_and_staff_accepting_it_refunds_once(
    client, funded, make_service, staff
):
    """On the site, over API v2 and over API v1 a cancel is a request: the order stays Pending,
    nothing is refunded, until staff accept it (the request's move, by them, refunded once)."""
    service = make_service(rate=CHARGE, cancel_allowed=True, one_active_order_per_link=False)
    on_site, over_v2, over_v1 = (
        place_order(member=funded, service=service, link=f"@shop{n}", quantity=QUANTITY) for n in range(3)
    )
    secret = api_keys.create_key(member=funded, name="panel").secret
    sign_in(client, funded.email)
    client.post(f"/orders/{on_site.pk}/cancel/")
    client.post("/api/v2", {"key": secret, "action": "cancel", "orders": str(over_v2.pk)})
    client.post(
        f"/api/v1/orders/{over_v1.pk}/cancel",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    orders = [on_site, over_v2, over_v1]
    assert [o.cancel_requests.count() for o in orders] == [1, 1, 1]
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in orders])} == {"Pending"}
    assert selectors.balance(funded) == D("1000") - 3 * CHARGE

    for request in CancelRequest.objects.all():
        services.handle_cancel(cancel_request=request, accept=True, by=staff)
        services.handle_cancel(cancel_request=request, accept=True, by=staff)  # a double click
    assert selectors.balance(funded) == D("1000")
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 3
    moves = OrderTransition.objects.filter(to_status="Canceled")
    assert [(m.from_status, m.by, m.reason) for m in moves] == [("Pending", staff, "Canceled on request")] * 3


def test_every_handler_that_cancels_refunds_once_whoever_comes_first(funded, make_service, staff):
    """Staff's queue, the provider's reports and the accepted request, each run twice and racing
    one another: one refund, one Canceled row."""
    service = make_service(rate=CHARGE, cancel_allowed=True)
    order = place_order(member=funded, service=service, link="@somchai.shop", quantity=QUANTITY)
    request = services.request_cancel(member=funded, order=order)
    for _ in range(2):
        services.fulfil(order=order, action="cancel", by=staff, reason="Account is private")
        assert apply_provider_statuses([StatusUpdate(order_id=order.pk, status="Canceled")]).changed == 0
        report = apply_provider_statuses([StatusUpdate(order_id=order.pk, status="Partial", remains=10)])
        assert type(report.refused[order.pk]) is errors.TransitionNotAllowed  # final stays final
        services.handle_cancel(cancel_request=request, accept=True, by=staff)
    request.refresh_from_db()
    assert request.status == CancelRequest.Status.ACCEPTED
    order.refresh_from_db()
    assert (order.status, order.refunded, selectors.balance(funded)) == ("Canceled", CHARGE, D("1000"))
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 1
    assert order.transitions.filter(to_status="Canceled").count() == 1
    with pytest.raises(errors.TransitionNotAllowed):  # and staff cannot complete it afterwards
        services.fulfil(order=order, action="complete", by=staff)


def test_a_partial_refunds_once_whether_staff_or_the_provider_says_it_first(funded, make_service, staff):
    service = make_service(rate=CHARGE, one_active_order_per_link=False)
    first, second = (
        place_order(member=funded, service=service, link="@somchai.shop", quantity=QUANTITY) for _ in range(2)
    )
    for _ in range(2):
        services.fulfil(order=first, action="partial", by=staff, remains=250)
        apply_provider_statuses([StatusUpdate(order_id=first.pk, status="Partial", remains=250)])
        apply_provider_statuses([StatusUpdate(order_id=second.pk, status="Partial", remains=250)])
        services.fulfil(order=second, action="partial", by=staff, remains=100)  # already Partial
        with pytest.raises(errors.TransitionNotAllowed):
            services.fulfil(order=second, action="complete", by=staff)
    for order, by in ((first, staff), (second, None)):
        order.refresh_from_db()
        assert (order.status, order.remains, order.refunded) == ("Partial", 250, D("22.5"))
        assert [(t.to_status, t.by) for t in order.transitions.all()] == [("Pending", None), ("Partial", by)]
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 2


def test_a_provider_report_the_table_refuses_is_counted_by_the_sync_and_changes_nothing(funded, make_service):
    """The batch uses the same rules as one move: a refused report is the same error, kept per
    order, while the rest of the batch is applied."""
    service = make_service(rate=CHARGE, one_active_order_per_link=False)
    done, uncounted, started = (
        place_order(member=funded, service=service, link="@somchai.shop", quantity=QUANTITY) for _ in range(3)
    )
    transition(order=done, to="Completed", actor=Actor.PROVIDER)
    applied = apply_provider_statuses(
        [
            StatusUpdate(order_id=done.pk, status="In progress", start_count=5),  # final stays final
            StatusUpdate(order_id=uncounted.pk, status="Partial"),  # no count of what remains
            StatusUpdate(order_id=started.pk, status="In progress", start_count=5),
        ]
    )
    assert applied.changed == 1
    assert {pk: type(error) for pk, error in applied.refused.items()} == {
        done.pk: errors.TransitionNotAllowed,
        uncounted.pk: errors.InvalidOrderFields,
    }
    for order, status in ((done, "Completed"), (uncounted, "Pending"), (started, "In progress")):
        order.refresh_from_db()
        assert order.status == status and order.refunded == 0
    with pytest.raises(errors.TransitionNotAllowed):  # the same rules, one order at a time
        transition(order=done, to="In progress", actor=Actor.PROVIDER)
    with pytest.raises(errors.InvalidOrderFields):
        transition(order=uncounted, to="Partial", actor=Actor.PROVIDER)


def test_a_provider_reports_the_counts_of_active_orders_only(funded, make_service):
    service = make_service(rate=CHARGE)
    order = place_order(member=funded, service=service, link="@somchai.shop", quantity=QUANTITY)
    report = StatusUpdate(order_id=order.pk, status="Pending", start_count=0, remains=QUANTITY)
    assert apply_provider_statuses([report]).changed == 1
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains, order.transitions.count()) == (
        "Pending",
        0,
        1000,
        1,
    )
    apply_provider_statuses([StatusUpdate(order_id=order.pk, status="Partial", remains=300)])
    late = StatusUpdate(order_id=order.pk, status="Partial", start_count=9, remains=100)
    assert apply_provider_statuses([late]).changed == 0  # a final order's counts are what was refunded
    order.refresh_from_db()
    assert (order.start_count, order.remains, order.refunded) == (0, 300, D("27"))


# --- Every move names its actor --------------------------------------------------------------


def test_every_call_of_the_state_machine_in_the_project_names_its_actor():
    """``transition`` has a default actor (staff) for older callers; the project's own code says who
    moves the order, so the table's rows are the ones used."""
    root = Path(__file__).resolve().parent.parent / "snshelper"
    unnamed = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "transition" and "actor" not in {k.arg for k in node.keywords}:
                    unnamed.append(f"{path.relative_to(root)}:{node.lineno}")
    assert unnamed == []
