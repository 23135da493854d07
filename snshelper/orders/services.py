"""Writes for orders: placing them (money and order in one transaction) and moving them
through the state machine (refunds exactly once)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.catalog import pricing
from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core import clock, events, parse
from snshelper.core.bulk_update import update_rows
from snshelper.orders import errors, signals
from snshelper.orders import notices as order_notices
from snshelper.orders.models import (
    ACTIVE,
    MOVERS,
    MOVES,
    OPEN_REFILL,
    Actor,
    CancelRequest,
    DripFeedRun,
    Order,
    OrderTransition,
    RefillRequest,
    RefillStatus,
    Status,
    Subscription,
)
from snshelper.wallet import errors as wallet_errors
from snshelper.wallet import ledger, memos
from snshelper.wallet import services as wallet
from snshelper.wallet.models import MONEY

QUANTUM = Decimal("0.00001")
MAX_RUNS = 1000
MAX_INTERVAL_MINUTES = 30 * 1440
MAX_CHARGE = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])


MAX_MENTION = 500  # characters of one username, hashtag or media link


def _check_orderable(service: Service) -> None:
    if not service.orderable:
        raise errors.IncorrectService


def _quantity_and_fields(
    service: Service,
    *,
    quantity: int | None,
    comments: Sequence[str],
    usernames: Sequence[str],
    hashtags: Sequence[str],
    singles: dict[str, str],
    answer_number: int | None,
) -> tuple[int, str, dict]:
    """The per-run quantity, the comments and the type fields each service type needs (an order
    keeps only the fields its type takes)."""
    if service.type == Service.Type.SUBSCRIPTIONS:
        raise errors.InvalidOrderFields(
            _("This is a subscription service: give a username, min, max and posts to subscribe.")
        )
    if service.type == Service.Type.PACKAGE:
        return 1, "", {}
    if service.type == Service.Type.CUSTOM_COMMENTS:
        comments = parse.lines(comments)
        if not comments:
            raise errors.missing("comments")
        return pricing.units(service=service, quantity=quantity, comments=comments), "\n".join(comments), {}
    if service.type == Service.Type.MENTIONS:
        # Every mention kind of API v2: lists one per line (usernames, hashtags) and single
        # targets (username, hashtag, media). Without a quantity, the list's lines are the quantity.
        usernames, hashtags = parse.lines(usernames), parse.lines(hashtags)
        mentions = {
            name: "\n".join(items) for name, items in (("usernames", usernames), ("hashtags", hashtags))
        }
        for name, value in singles.items():
            if len(value.strip()) > MAX_MENTION:
                raise errors.InvalidOrderFields
            mentions[name] = value.strip()
        mentions = {name: value for name, value in mentions.items() if value}
        units = pricing.units(service=service, quantity=quantity, usernames=usernames, hashtags=hashtags)
        if units is None:
            raise errors.missing("quantity" if mentions else "usernames")
        return units, "", mentions
    fields = {}
    if service.type == Service.Type.POLL:
        if not answer_number:
            raise errors.missing("answer_number")
        fields = {"answer_number": answer_number}
    if quantity is None:
        raise errors.missing("quantity")
    return quantity, "", fields


def _check_quantity(service: Service, quantity: int) -> None:
    if service.type == Service.Type.PACKAGE:
        return
    if quantity < service.min_quantity:
        raise errors.QuantityTooSmall
    if quantity > service.max_quantity:
        raise errors.QuantityTooLarge
    if quantity % service.step:
        raise errors.QuantityNotInSteps


def _drip_feed(service: Service, runs: int | None, interval: int | None) -> tuple[int | None, int | None]:
    if runs is None and interval is None:
        return None, None
    if not service.dripfeed_allowed:
        raise errors.InvalidOrderFields(_("Drip-feed is not available for this service."))
    if not runs or runs < 2 or not interval:
        raise errors.InvalidOrderFields(_("Drip-feed needs at least 2 runs and an interval in minutes."))
    if runs > MAX_RUNS or interval > MAX_INTERVAL_MINUTES:
        raise errors.InvalidOrderFields(
            _("Drip-feed takes at most %(runs)d runs, at most %(days)d days apart.")
            % {"runs": MAX_RUNS, "days": MAX_INTERVAL_MINUTES // 1440}
        )
    return runs, interval


def place_order(
    *,
    member,
    service: Service,
    link: str,
    quantity: int | None = None,
    runs: int | None = None,
    interval: int | None = None,
    comments: Sequence[str] = (),
    usernames: Sequence[str] = (),
    hashtags: Sequence[str] = (),
    username: str = "",
    hashtag: str = "",
    media: str = "",
    answer_number: int | None = None,
    idempotency_key: str = "",
) -> Order:
    """Validate, price, and in ONE transaction debit the wallet and create the order Pending.

    The fields are API v2's, read already (a page's form, the APIs): ``quantity`` is per run;
    ``comments`` (Custom Comments), ``usernames``, ``hashtags``, ``username``, ``hashtag``,
    ``media`` (Mentions) and ``answer_number`` (Poll) count only for their service type. The
    charge is ``catalog.pricing``'s, as the new-order page shows it. With an idempotency key, a
    retried request returns the first order and charges nothing.
    """
    _check_orderable(service)
    link = link.strip()
    if not link or len(link) > 500 or not service.platform.accepts(link):
        raise errors.IncorrectLink
    quantity, comment_text, fields = _quantity_and_fields(
        service,
        quantity=quantity,
        comments=comments,
        usernames=usernames,
        hashtags=hashtags,
        singles={"username": username, "hashtag": hashtag, "media": media},
        answer_number=answer_number,
    )
    _check_quantity(service, quantity)
    runs, interval = _drip_feed(service, runs, interval)
    charge = pricing.charge(service=service, quantity=quantity, runs=runs)
    if charge >= MAX_CHARGE:  # more than any balance can hold: refused before anything is written
        raise wallet_errors.InsufficientFunds

    with transaction.atomic():
        held = ledger.lock_wallet(member)  # serialises this member's orders: the checks below hold
        if idempotency_key:
            earlier = Order.objects.filter(member=member, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return earlier
        if (
            service.one_active_order_per_link
            and Order.objects.filter(member=member, service=service, link=link, status__in=ACTIVE).exists()
        ):
            raise errors.ActiveOrderForLink
        now = clock.now()
        order = Order.objects.create(
            member=member,
            service=service,
            link=link,
            quantity=quantity,
            runs=runs,
            interval=interval,
            comments=comment_text,
            type_fields=fields,
            rate=service.rate,
            charge=charge,
            idempotency_key=idempotency_key,
            created_at=now,
            updated_at=now,
        )
        if charge > 0:  # a few units of a very cheap service round to nothing: nothing to post
            wallet.charge(
                member=member,
                amount=charge,
                idempotency_key=f"order:{order.pk}:charge",  # a new order's key: never posted before
                memo=memos.build(memos.ORDER_CHARGE, order=order.pk),
                held=held,
            )
        OrderTransition.objects.create(order=order, from_status="", to_status=Status.PENDING, at=now)
        signals.order_placed.send(sender=Order, order=order)  # in this transaction (forwarding)
    return order


def refund_due(order: Order, to_status: str, remains: int | None) -> Decimal:
    """Partial: remains × unit price (never more than is left); Canceled: all that is left."""
    left = order.charge - order.refunded
    if to_status == Status.CANCELED:
        return left
    if to_status == Status.PARTIAL:
        share = (order.charge * remains / order.total_quantity).quantize(QUANTUM, rounding=ROUND_DOWN)
        return min(share, left)
    return Decimal(0)


# The order fields a move writes.
_MOVED = ["status", "start_count", "remains", "refunded", "updated_at"]


@dataclass(frozen=True)
class _Refund:
    """A move's refund, as ``wallet.refund`` and ``wallet.refund_many`` post it: exactly once per
    order, whoever moved it (the key is the order's)."""

    member_id: int
    amount: Decimal
    idempotency_key: str
    memo: memos.Memo


@dataclass(frozen=True)
class _Move:
    transition: OrderTransition | None  # the history row, not saved; None: the same status, new counts
    refund: _Refund | None = None


def _move(
    order: Order,
    *,
    to: str,
    actor: Actor,
    by=None,
    reason: str = "",
    start_count: int | None = None,
    remains: int | None = None,
    now,
) -> _Move | None:
    """THE state machine, for one locked order: what moving it to ``to`` changes, or None if
    nothing. Every move of an order goes through here: ``transition`` (staff, the drip-feed, cancel
    requests, subscriptions) and ``apply_provider_statuses`` (the status sync, a batch).

    Raises ``TransitionNotAllowed`` when ``MOVES`` does not give ``actor`` the move, and
    ``InvalidOrderFields`` for a Partial without a count of what remains (0 < remains < quantity).
    Otherwise ``order`` is updated in place (status, counts, amount refunded, time) and the move's
    history row (who, when, why, the counts then) and refund come back, neither yet written.
    Counts not given are the ones the order holds; Completed means nothing remains, Canceled
    that nothing was delivered. Moving to the status the order has changes nothing, except that a
    provider reports the counts of an active order as it works on it."""
    if actor not in MOVERS:
        raise errors.TransitionNotAllowed
    start_count = order.start_count if start_count is None else start_count
    remains = order.remains if remains is None else remains
    if to == order.status:
        if (
            actor != Actor.PROVIDER
            or to not in ACTIVE
            or (start_count, remains) == (order.start_count, order.remains)
        ):
            return None
        order.start_count, order.remains, order.updated_at = start_count, remains, now
        return _Move(transition=None)
    if actor not in MOVES.get((order.status, to), ()):
        raise errors.TransitionNotAllowed
    if to == Status.PARTIAL and (remains is None or not 0 < remains < order.total_quantity):
        raise errors.InvalidOrderFields(_("A partial order needs the number of units that remain."))
    if to == Status.COMPLETED:
        remains = 0
    if to == Status.CANCELED:
        remains = order.total_quantity
    amount = refund_due(order, to, remains)
    refund = None
    if amount > 0:
        memo = memos.build(memos.ORDER_REFUND, order=order.pk, outcome=str(to).lower())
        refund = _Refund(order.member_id, amount, f"order:{order.pk}:refund", memo)
        order.refunded += amount
    history = OrderTransition(
        order=order,
        from_status=order.status,
        to_status=to,
        by=by,
        reason=reason[:300],
        start_count=start_count,
        remains=remains,
        at=now,
    )
    order.status, order.start_count, order.remains, order.updated_at = to, start_count, remains, now
    return _Move(transition=history, refund=refund)


@transaction.atomic
def transition(
    *,
    order: Order,
    to: str,
    actor: Actor = Actor.STAFF,
    by=None,
    reason: str = "",
    start_count: int | None = None,
    remains: int | None = None,
) -> Order:
    """Move one order along the state machine (``_move``) as ``actor``, ``by`` a person if any:
    its refund posted (once), its history row written, its status notice sent on commit.

    Moving to the status it already has changes nothing (status syncs repeat themselves)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    move = _move(
        order,
        to=to,
        actor=actor,
        by=by,
        reason=reason,
        start_count=start_count,
        remains=remains,
        now=clock.now(),
    )
    if move is None:
        return order
    if move.refund is not None:
        wallet.refund(
            member=order.member,
            amount=move.refund.amount,
            idempotency_key=move.refund.idempotency_key,
            memo=move.refund.memo,
            by=by,
        )
    order.save(update_fields=_MOVED)
    if move.transition is not None:
        move.transition.save()
        events.send_on_commit(
            signals.order_transitions_recorded, sender=OrderTransition, transition_ids=[move.transition.pk]
        )
    if to == Status.IN_PROGRESS and order.runs and not _by_provider(order) and not order.drip_runs.exists():
        _schedule_runs(order)  # a provider runs its own drip-feed
    return order


def _by_provider(order: Order) -> bool:
    return Service.objects.filter(pk=order.service_id, fulfilment=Service.Fulfilment.PROVIDER).exists()


@dataclass(frozen=True)
class StatusUpdate:
    """What a provider says of one of our orders."""

    order_id: int
    status: str
    start_count: int | None = None
    remains: int | None = None


def _provider_target(order: Order, update: StatusUpdate) -> str:
    """How we read a provider's status: a Partial with nothing delivered is a cancel."""
    if (
        update.status == Status.PARTIAL
        and update.remains is not None
        and update.remains >= order.total_quantity
    ):
        return Status.CANCELED
    return update.status


@dataclass
class Applied:
    """What a batch of provider reports did: how many orders changed, and the reports the state
    machine refused (order id → its error: a move the table does not allow, a Partial without a
    usable count), left as they were."""

    changed: int = 0
    refused: dict[int, errors.OrderError] = field(default_factory=dict)


@transaction.atomic(savepoint=False)  # all or nothing with the caller's batch
def apply_provider_statuses(updates: list[StatusUpdate], *, reason: str = "Provider status") -> Applied:
    """Apply a batch of provider reports through the state machine (``_move``, as the provider),
    order by order, as ``transition`` would one at a time.

    The same statements for a batch of ten orders or a thousand (a status sync writes the
    answers of several provider calls at once): one locked read of the orders, in primary-key
    order, one update of them, one insert of their transitions (who: the provider, when, why, the
    counts), then the Partial and Canceled refunds posted together (``wallet.refund_many``: each
    exactly once, under the key ``transition`` would use, on row-locked wallets; orders before
    wallets, as ``transition`` locks them: no deadlock). A report the state machine refuses (a
    final order said to be running again, a Partial without a usable remains: left for staff)
    changes nothing and is counted in ``refused``."""
    applied = Applied()
    if not updates:
        return applied
    locked = {
        order.pk: order
        for order in Order.objects.select_for_update()
        .filter(pk__in=[u.order_id for u in updates])
        .only("id", "member_id", "quantity", "runs", "charge", "refunded", "status", "start_count", "remains")
        .order_by("pk")
    }
    now, changed, history, refunds = clock.now(), {}, [], []
    for update in updates:
        order = locked.get(update.order_id)
        if order is None:
            continue
        try:
            move = _move(
                order,
                to=_provider_target(order, update),
                actor=Actor.PROVIDER,
                reason=reason,
                start_count=update.start_count,
                remains=update.remains,
                now=now,
            )
        except errors.OrderError as refusal:
            applied.refused[order.pk] = refusal
            continue
        if move is None:
            continue
        changed[order.pk] = order
        if move.transition is not None:
            history.append(move.transition)
        if move.refund is not None:
            refund = move.refund
            refunds.append((refund.member_id, refund.amount, refund.idempotency_key, refund.memo))
    if changed:
        update_rows(Order, list(changed.values()), _MOVED)
        OrderTransition.objects.bulk_create(history)
        events.send_on_commit(  # one job, after commit
            signals.order_transitions_recorded, sender=OrderTransition, transition_ids=[t.pk for t in history]
        )
        wallet.refund_many(refunds)  # last: members' wallets stay locked only for the ledger's part
    applied.changed = len(changed)
    return applied


def _count(value: int | None, *, required: bool) -> int | None:
    if required and value is None:
        raise errors.InvalidOrderFields(_("Enter a whole number."))
    return value


def fulfil(
    *,
    order: Order,
    action: str,
    by,
    start_count: int | None = None,
    remains: int | None = None,
    reason: str = "",
) -> Order:
    """Marketing staff work the manual queue: start, complete, partial or cancel an order."""
    if action == "start":
        to, counts = Status.IN_PROGRESS, {"start_count": _count(start_count, required=True)}
    elif action == "complete":
        to, counts = Status.COMPLETED, {}
    elif action == "partial":
        to, counts = Status.PARTIAL, {"remains": _count(remains, required=True)}
    elif action == "cancel":
        if not reason.strip():
            raise errors.InvalidOrderFields(_("Give the member a reason for cancelling."))
        to, counts = Status.CANCELED, {}
    else:
        raise errors.InvalidOrderFields
    return transition(order=order, to=to, actor=Actor.STAFF, by=by, reason=reason, **counts)


# --- Refill and cancel requests --------------------------------------------------------------


def refill_deadline(order: Order):
    """The end of the refill window: refill_days after the order completed (None if none)."""
    if order.service.refill_days is None or order.status != Status.COMPLETED:
        return None
    completed = order.transitions.filter(to_status=Status.COMPLETED).order_by("-at").first()
    finished = completed.at if completed else order.updated_at
    return finished + timedelta(days=order.service.refill_days)


@transaction.atomic
def request_refill(*, member, order: Order) -> RefillRequest:
    """One open refill at a time, for a completed order inside its service's refill window."""
    order = Order.objects.select_for_update().select_related("service").get(pk=order.pk, member=member)
    if Subscription.objects.filter(order=order).exists():
        raise errors.RefillNotAvailable  # a subscription's child orders are refilled, not the subscription
    deadline = refill_deadline(order)
    if deadline is None or clock.now() > deadline:
        raise errors.RefillNotAvailable
    if order.refills.filter(status__in=OPEN_REFILL).exists():
        raise errors.RefillNotAvailable(_("A refill of this order is already in progress."))
    return RefillRequest.objects.create(order=order, requested_at=clock.now())


@transaction.atomic
def handle_refill(*, refill: RefillRequest, to: str, by, reason: str = "") -> RefillRequest:
    """Staff (or, later, the provider) move a refill along; the member sees the outcome."""
    refill = RefillRequest.objects.select_for_update().get(pk=refill.pk)
    if refill.status == to:
        return refill
    if refill.status not in OPEN_REFILL or to not in RefillStatus.values:
        raise errors.TransitionNotAllowed
    if to == RefillStatus.REJECTED and not reason.strip():
        raise errors.InvalidOrderFields(_("Give the member a reason."))
    refill.status, refill.handled_by, refill.handled_at = to, by, clock.now()
    refill.reason = reason.strip()[:300]
    refill.save(update_fields=["status", "handled_by", "handled_at", "reason"])
    order_notices.notify_refill(refill)
    return refill


@transaction.atomic
def request_cancel(*, member, order: Order) -> CancelRequest:
    """Ask to cancel an order of a cancellable service that has not started."""
    order = Order.objects.select_for_update().select_related("service").get(pk=order.pk, member=member)
    if not order.service.cancel_allowed or order.status != Status.PENDING:
        raise errors.CancelNotAvailable
    if order.cancel_requests.filter(status=CancelRequest.Status.PENDING).exists():
        raise errors.CancelNotAvailable(_("You already asked to cancel this order."))
    return CancelRequest.objects.create(order=order, requested_at=clock.now())


@transaction.atomic
def handle_cancel(*, cancel_request: CancelRequest, accept: bool, by, reason: str = "") -> CancelRequest:
    """Accepting cancels the order (full refund, once); rejecting needs a reason."""
    cancel_request = CancelRequest.objects.select_for_update().get(pk=cancel_request.pk)
    if cancel_request.status != CancelRequest.Status.PENDING:
        return cancel_request
    if accept:
        transition(  # the member's request, accepted: whoever accepts it, a move of the request
            order=cancel_request.order,
            to=Status.CANCELED,
            actor=Actor.SYSTEM,
            by=by,
            reason=reason or "Canceled on request",
        )
        cancel_request.status = CancelRequest.Status.ACCEPTED
    else:
        if not reason.strip():
            raise errors.InvalidOrderFields(_("Give the member a reason."))
        cancel_request.status = CancelRequest.Status.REJECTED
    cancel_request.handled_by, cancel_request.handled_at = by, clock.now()
    cancel_request.reason = reason.strip()[:300]
    cancel_request.save(update_fields=["status", "handled_by", "handled_at", "reason"])
    order_notices.notify_cancel(cancel_request)
    return cancel_request


# --- Mass orders -----------------------------------------------------------------------------

MASS_ORDER_MAX_LINES = 500


@dataclass(frozen=True)
class MassOrderLine:
    """One line of a mass order, ``service ID | link | quantity``, as the page's form read it."""

    number: int  # the line's number in the text, blank lines counted
    text: str
    service_id: int | None = None  # None: not a number
    link: str = ""
    quantity: int | None = None
    unreadable: str = ""  # why the line could not be read, when it could not


@dataclass(frozen=True)
class MassOrderResult:
    number: int
    text: str
    order: Order | None = None
    error: str = ""


def place_mass_order(
    *, member, lines: Sequence[MassOrderLine], idempotency_key: str
) -> list[MassOrderResult]:
    """One order per line. Every line is validated and placed on its own (each atomic): one bad
    line refuses that line only. Retrying the same submission (same key) returns the same orders
    and charges nothing again."""
    if not lines:
        raise errors.InvalidOrderFields(_("Enter at least one line: service ID | link | quantity."))
    if len(lines) > MASS_ORDER_MAX_LINES:
        raise errors.InvalidOrderFields(
            _("At most %(count)d lines at once.") % {"count": MASS_ORDER_MAX_LINES}
        )
    services = catalog.orderable_services().in_bulk({line.service_id for line in lines} - {None})
    results = []
    for line in lines:
        if line.unreadable:
            results.append(MassOrderResult(line.number, line.text, error=str(line.unreadable)))
            continue
        try:
            service = services.get(line.service_id)
            if service is None:
                raise errors.IncorrectService
            order = place_order(
                member=member,
                service=service,
                link=line.link,
                quantity=line.quantity,
                idempotency_key=f"{idempotency_key}:{line.number}",
            )
        except (errors.OrderError, wallet_errors.WalletError) as error:
            results.append(MassOrderResult(line.number, line.text, error=str(error.message)))
        else:
            results.append(MassOrderResult(line.number, line.text, order=order))
    return results


# --- Drip-feed -------------------------------------------------------------------------------


def _schedule_runs(order: Order) -> None:
    """Run k is due at the start + (k - 1) x interval; the queue releases each when due."""
    start = clock.now()
    DripFeedRun.objects.bulk_create(
        DripFeedRun(order=order, number=k, due_at=start + timedelta(minutes=order.interval * (k - 1)))
        for k in range(1, order.runs + 1)
    )
    release_due_runs()


def release_due_runs() -> int:
    """Mark scheduled runs whose time has come as due (a periodic job of the queue)."""
    return DripFeedRun.objects.filter(status=DripFeedRun.Status.SCHEDULED, due_at__lte=clock.now()).update(
        status=DripFeedRun.Status.DUE
    )


@transaction.atomic
def deliver_run(*, run: DripFeedRun, by) -> DripFeedRun:
    """Staff delivered one run; the last run completes the order."""
    run = DripFeedRun.objects.select_for_update().select_related("order").get(pk=run.pk)
    if run.status == DripFeedRun.Status.DONE:
        return run
    if run.status != DripFeedRun.Status.DUE:
        raise errors.TransitionNotAllowed(_("This run is not due yet."))
    run.status, run.done_at, run.done_by = DripFeedRun.Status.DONE, clock.now(), by
    run.save(update_fields=["status", "done_at", "done_by"])
    order = Order.objects.select_for_update().get(pk=run.order_id)
    order.runs_done = order.drip_runs.filter(status=DripFeedRun.Status.DONE).count()
    order.save(update_fields=["runs_done"])
    if order.runs_done == order.runs:
        transition(
            order=order, to=Status.COMPLETED, actor=Actor.SYSTEM, by=by, reason="All drip-feed runs delivered"
        )
    return run
