"""Orders on their way to providers and back: forwarding, reconciliation, status sync, refill
and cancel requests passed on.

The rule that shapes this module: an ``add`` whose reply was lost is never repeated blindly. A
forwarding row says ``sending`` (committed) before the request leaves; only an answer moves it on.
No answer → ``unconfirmed``: looked up with the same idempotency key when the provider honours
such keys, otherwise put to staff with what is known.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from snshelper.core import clock, events
from snshelper.core.bulk_update import update_rows
from snshelper.notifications import services as notices
from snshelper.orders import errors as order_errors
from snshelper.orders import services as orders
from snshelper.orders.models import (
    ACTIVE,
    OPEN_REFILL,
    Actor,
    CancelRequest,
    Order,
    RefillRequest,
    RefillStatus,
)
from snshelper.privacy import restrictions as corrections
from snshelper.providers import signals
from snshelper.providers.client import NoAnswer, ProviderClient, ProviderError, Refused, Unreachable
from snshelper.providers.models import (
    ForwardedCancel,
    ForwardedRefill,
    Forwarding,
    PassedOn,
    Provider,
    ProviderCall,
)
from snshelper.staff.roles import ADMINISTRATOR, MARKETING

State = Forwarding.State
# Order fields a provider needs, and nothing else: no name, email, phone or bank data leaves us.
TYPE_FIELDS = ("usernames", "hashtags", "username", "hashtag", "media", "answer_number")
MISSING_BEFORE_STAFF = 3  # "Incorrect order ID" answers in a row before staff are asked to look


# --- Talking to a provider -------------------------------------------------------------------


class Calls:
    """Collects how each call went; written in one query when the work is done."""

    def __init__(self, provider: Provider):
        self.provider, self.rows = provider, []

    def __call__(self, call):
        self.rows.append(
            ProviderCall(
                provider=self.provider,
                action=call.action,
                ok=call.ok,
                outcome=call.outcome,
                milliseconds=call.milliseconds,
                at=clock.now(),
            )
        )

    def flush(self):
        if self.rows:
            ProviderCall.objects.bulk_create(self.rows)
            self.rows = []


class connect:  # noqa: N801 - used as a context manager: `with connect(provider) as client:`
    """A client for the provider whose calls are logged (for the error rate) when done."""

    def __init__(self, provider: Provider):
        self.calls = Calls(provider)
        self.client = ProviderClient(
            url=provider.api_url,
            key=provider.api_key,
            timeout=float(provider.timeout_seconds),
            on_call=self.calls,
        )

    def __enter__(self) -> ProviderClient:
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        self.calls.flush()


def idempotency_key(order_id: int) -> str:
    """The key we send with ``add``: the same for every attempt at one order, and distinct
    between installations sharing one provider account."""
    installation = hashlib.sha256(f"{settings.SECRET_KEY}:providers".encode()).hexdigest()[:10]
    return f"sh-{installation}-{order_id}"


def add_params(order: Order) -> dict:
    """What ``add`` sends: the provider's service id and the order's own fields, nothing more."""
    service = order.service.provider_service
    params = {"service": service.external_id, "link": order.link}
    if order.service.type == "Custom Comments":
        params["comments"] = order.comments
    elif order.service.type != "Package":
        params["quantity"] = order.quantity
    if order.runs:
        params.update(runs=order.runs, interval=order.interval)
    for name in TYPE_FIELDS:
        if order.type_fields.get(name) not in (None, ""):
            params[name] = order.type_fields[name]
    params["idempotency_key"] = idempotency_key(order.pk)
    return params


# --- Forwarding ------------------------------------------------------------------------------


def enqueue(order: Order) -> Forwarding | None:
    """Inside the order's own transaction: record that it must go to its provider, and queue the
    job once the transaction commits. Manual services need nothing: the staff queue lists them."""
    if not order.service.by_provider:
        return None
    forwarding = Forwarding.objects.create(
        order=order, provider=order.service.provider_service.provider, next_attempt_at=clock.now()
    )
    events.send_on_commit(signals.forwarding_due, sender=Forwarding, order_id=order.pk)
    return forwarding


CORRECTION_WAIT = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at 30 minutes."""
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 1800))


def _claim(order_id: int) -> Forwarding | None:
    """Move a forwarding to ``sending`` and commit that before anything leaves us. Only a queued
    order, or an unconfirmed one at a provider that honours idempotency keys, is claimed."""
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update(of=("self",))
            .select_related("provider", "order__service__provider_service")
            .filter(pk=order_id, state__in=(State.QUEUED, State.UNCONFIRMED))
            .first()
        )
        if forwarding is None or forwarding.next_attempt_at > clock.now():
            return None
        if forwarding.state == State.UNCONFIRMED and not forwarding.provider.supports_idempotency:
            return None  # nothing can look it up safely: staff decide
        if forwarding.order.status != "Pending":  # canceled by staff meanwhile: nothing to send
            forwarding.state = State.ABANDONED
            forwarding.save(update_fields=["state"])
            return None
        if corrections.order_under_correction(forwarding.order):  # P10: not provided until corrected
            forwarding.next_attempt_at = clock.now() + CORRECTION_WAIT
            forwarding.last_error = "The member asked to correct this order's data: waiting for it."
            forwarding.save(update_fields=["next_attempt_at", "last_error"])
            return None
        if corrections.processing_suspended(forwarding.order.member_id):  # P9: held while stopped
            forwarding.next_attempt_at = clock.now() + CORRECTION_WAIT
            forwarding.last_error = "The member stopped the processing of their data: held until they resume."
            forwarding.save(update_fields=["next_attempt_at", "last_error"])
            return None
        forwarding.previous_state = forwarding.state
        forwarding.state = State.SENDING
        forwarding.attempts += 1
        forwarding.sent_at = forwarding.sent_at or clock.now()
        forwarding.save(update_fields=["state", "attempts", "sent_at"])
    return forwarding


def _record(forwarding: Forwarding, **changes) -> Forwarding:
    for name, value in changes.items():
        setattr(forwarding, name, value)
    Forwarding.objects.filter(pk=forwarding.pk, state=State.SENDING).update(**changes)
    return forwarding


class Connections:
    """One open client per provider for the length of a sweep (connections kept alive)."""

    def __init__(self):
        self.open: dict[int, tuple[connect, ProviderClient]] = {}

    def client_for(self, provider: Provider) -> ProviderClient:
        if provider.pk not in self.open:
            context = connect(provider)
            self.open[provider.pk] = (context, context.__enter__())
        return self.open[provider.pk][1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for context, _client in self.open.values():
            context.__exit__(None, None, None)


def forward(order_id: int, *, connections: Connections | None = None) -> Forwarding | None:
    """Send a queued order's ``add``; look up an unconfirmed one (providers honouring keys)."""
    forwarding = _claim(order_id)
    if forwarding is None:
        return None
    if connections is None:
        with Connections() as own:
            return _send(forwarding, own.client_for(forwarding.provider))
    return _send(forwarding, connections.client_for(forwarding.provider))


def _send(forwarding: Forwarding, client: ProviderClient) -> Forwarding:
    """Every way the call can end is recorded: sent, retry later, unconfirmed, refused, a
    conflicting order number, or (after ``PROVIDER_MAX_SEND_ATTEMPTS``) given up for staff."""
    looking_up = forwarding.previous_state == State.UNCONFIRMED
    now = clock.now()
    try:
        external_id = client.add(**add_params(forwarding.order))
    except Unreachable as error:
        return _retry(forwarding, State.UNCONFIRMED if looking_up else State.QUEUED, error.detail)
    except NoAnswer as error:
        return _retry(forwarding, State.UNCONFIRMED, error.detail)
    except Refused as error:
        if looking_up:  # the first request may still have made an order: never conclude "not there"
            return _retry(forwarding, State.UNCONFIRMED, error.detail)
        return _record(forwarding, state=State.REFUSED, last_error=error.detail)
    if (holder := _holder_of(forwarding, external_id)) is not None:
        return _conflict(forwarding, external_id, holder)
    try:
        with transaction.atomic():
            return _record(
                forwarding,
                state=State.SENT,
                external_id=external_id,
                confirmed_at=now,
                last_error="",
                provider_currency=forwarding.provider.currency,
            )
    except IntegrityError:  # another order took the number between the check and the write
        forwarding.state, forwarding.external_id = State.SENDING, ""
        return _conflict(forwarding, external_id, _holder_of(forwarding, external_id))


def _retry(forwarding: Forwarding, state: str, detail: str) -> Forwarding:
    """Try again after the backoff, or, once the attempts are spent, stop and tell staff."""
    if forwarding.attempts >= settings.PROVIDER_MAX_SEND_ATTEMPTS:
        _record(
            forwarding,
            state=State.ATTENTION,
            last_error=f"Gave up after {forwarding.attempts} attempts: {detail}"[:300],
        )
        _tell_staff(forwarding, "provider_order_gave_up", attempts=forwarding.attempts)
        return forwarding
    return _record(
        forwarding, state=state, last_error=detail, next_attempt_at=clock.now() + backoff(forwarding.attempts)
    )


def _holder_of(forwarding: Forwarding, external_id: str) -> int | None:
    """Our other order that already has this provider order number, if one does."""
    return (
        Forwarding.objects.filter(provider_id=forwarding.provider_id, external_id=external_id)
        .exclude(pk=forwarding.pk)
        .values_list("pk", flat=True)
        .first()
    )


def _conflict(forwarding: Forwarding, external_id: str, holder: int | None) -> Forwarding:
    """The provider answered an order number one of our orders already has: the order is not
    marked sent (status sync would mix the two up); it waits for staff, who are told."""
    _record(
        forwarding,
        state=State.CONFLICT,
        conflicting_external_id=external_id[:50],
        confirmed_at=clock.now(),
        last_error=(
            f"The provider answered order number {external_id}, which our order #{holder} already "
            "has: the provider restarted or renumbered, or the account is shared."
        )[:300],
    )
    _tell_staff(forwarding, "provider_order_conflict", external_id=external_id, other=f"#{holder}")
    return forwarding


def _tell_staff(forwarding: Forwarding, kind: str, **params) -> None:
    """A notice to each marketing and administrator staff member, once per order and kind."""
    staff = get_user_model().objects.filter(
        is_staff=True, is_active=True, groups__name__in=[MARKETING, ADMINISTRATOR]
    )
    notices.notify_many(
        members=staff.distinct(),
        kind=kind,
        params={"number": f"#{forwarding.pk}", "provider": forwarding.provider.name, **params},
        link=reverse("providers_staff:overview"),
        event_key=f"{kind}:{forwarding.pk}:{forwarding.attempts}",
    )


def stale_sending_cutoff(provider: Provider):
    return clock.now() - timedelta(seconds=float(provider.timeout_seconds) * 2 + 60)


def forward_due(limit: int = 500, *, on_batch=None, batch: int = 20) -> int:
    """The periodic sweep: queued orders whose time has come, unconfirmed ones to look up, and
    ``sending`` rows left by a worker that died mid-call (now unconfirmed: the call may have
    reached the provider). ``on_batch`` is called after every ``batch`` orders (the job's lease
    renewal)."""
    for provider in Provider.objects.filter(is_active=True):
        Forwarding.objects.filter(
            provider=provider, state=State.SENDING, sent_at__lt=stale_sending_cutoff(provider)
        ).update(
            state=State.UNCONFIRMED, last_error="worker stopped while sending", next_attempt_at=clock.now()
        )
    due = list(
        Forwarding.objects.filter(
            Q(state=State.QUEUED) | Q(state=State.UNCONFIRMED, provider__supports_idempotency=True),
            provider__is_active=True,
            next_attempt_at__lte=clock.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    with Connections() as connections:
        for done, order_id in enumerate(due, start=1):
            forward(order_id, connections=connections)
            if on_batch is not None and done % batch == 0:
                on_batch()
    return len(due)


# --- Staff decisions on orders that did not go through ---------------------------------------


# Forwardings staff may settle by hand (record the number, fulfil by hand, cancel and refund).
STAFF_SETTLE = (State.UNCONFIRMED, State.REFUSED, State.QUEUED, State.CONFLICT, State.ATTENTION)


@transaction.atomic
def _locked(order_id: int, states) -> Forwarding:
    forwarding = Forwarding.objects.select_for_update().get(pk=order_id)
    if forwarding.state not in states:
        raise order_errors.TransitionNotAllowed
    return forwarding


@transaction.atomic
def record_external_id(*, order_id: int, external_id: str, by) -> Forwarding:
    """Staff found the order at the provider (their panel): record its id; sync takes over."""
    forwarding = _locked(order_id, STAFF_SETTLE)
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 50:
        raise order_errors.InvalidOrderFields
    if (holder := _holder_of(forwarding, external_id)) is not None:
        raise order_errors.InvalidOrderFields(
            _("Our order #%(other)s already has the provider's order number %(number)s.")
            % {"other": holder, "number": external_id}
        )
    forwarding.state, forwarding.external_id = State.SENT, external_id
    forwarding.confirmed_at, forwarding.last_error = clock.now(), f"confirmed by staff #{by.pk}"
    forwarding.save(update_fields=["state", "external_id", "confirmed_at", "last_error"])
    return forwarding


@transaction.atomic
def send_again(*, order_id: int, by) -> Forwarding:
    """Staff checked that the provider does not have it (or fixed why it was refused): send it."""
    forwarding = _locked(order_id, (State.UNCONFIRMED, State.REFUSED, State.CONFLICT, State.ATTENTION))
    forwarding.state, forwarding.next_attempt_at = State.QUEUED, clock.now()
    forwarding.attempts = 0  # a fresh set of attempts
    forwarding.last_error = f"sent again by staff #{by.pk}"
    forwarding.save(update_fields=["state", "next_attempt_at", "attempts", "last_error"])
    events.send_on_commit(signals.forwarding_due, sender=Forwarding, order_id=order_id)
    return forwarding


@transaction.atomic
def cancel_unsent(*, order_id: int, by, reason: str) -> Forwarding:
    """The order will not reach the provider: cancel it with a full refund (once)."""
    forwarding = _locked(order_id, STAFF_SETTLE)
    orders.transition(
        order=forwarding.order,
        to="Canceled",
        actor=Actor.STAFF,
        by=by,
        reason=reason or forwarding.last_error,
    )
    forwarding.state = State.ABANDONED
    forwarding.save(update_fields=["state"])
    return forwarding


@transaction.atomic
def move_to_manual(*, order_id: int, by) -> Forwarding:
    """Our staff will fulfil it by hand instead: it joins the manual queue."""
    forwarding = _locked(order_id, STAFF_SETTLE)
    forwarding.state = State.MANUAL
    forwarding.last_error = f"moved to the manual queue by staff #{by.pk}"
    forwarding.save(update_fields=["state", "last_error"])
    return forwarding


# --- Status sync -----------------------------------------------------------------------------


@dataclass
class SyncResult:
    orders: int = 0
    calls: int = 0
    changed: int = 0
    refused: int = 0  # reports the order state machine did not allow: nothing changed
    missing: int = 0
    failed_calls: int = 0
    errors: list[str] = field(default_factory=list)


# Orders a write transaction takes: the answers of this many orders' calls (100 ids each) are
# written together. Each write is a locked read of the orders, an update of them, an insert of
# their transitions, the refunds and the forwarding counts, whatever the number of orders: with
# ten calls a write the sync stays under 5 statements per 100 orders even when every order moves.
ORDERS_PER_WRITE = 1000


def sync_statuses(
    provider: Provider, *, batch: int | None = None, per_write: int = ORDERS_PER_WRITE
) -> SyncResult:
    """Ask the provider about every active order it holds, ``batch`` ids a call (at most 100),
    and apply what it says through the order state machine, ``per_write`` orders a transaction.

    The orders are read without a lock before the calls (nothing is held while the provider
    answers); the write locks them again and applies only what still follows from the table."""
    batch = min(batch or settings.PROVIDER_STATUS_BATCH, 100)
    per_write = max(per_write, batch)
    result = SyncResult()
    last = 0
    with connect(provider) as client:
        while True:
            rows = list(
                Forwarding.objects.filter(
                    provider=provider, state=State.SENT, order__status__in=ACTIVE, pk__gt=last
                )
                .order_by("pk")
                .values_list(
                    "pk",
                    "external_id",
                    "provider_charge",
                    "missing_count",
                    "order__status",
                    "order__start_count",
                    "order__remains",
                )[:per_write]
            )
            if not rows:
                break
            last = rows[-1][0]
            answered = []
            for chunk in _chunks(rows, batch):
                result.orders += len(chunk)
                result.calls += 1
                try:
                    reports = client.statuses([row[1] for row in chunk])
                except ProviderError as error:
                    result.failed_calls += 1
                    result.errors.append(error.detail)
                    continue
                answered += [(row, reports.get(row[1])) for row in chunk]
            _apply(answered, result)
            if len(rows) < per_write:
                break  # that was the last of them: no need to read an empty page
    Provider.objects.filter(pk=provider.pk).update(statuses_synced_at=clock.now())
    return result


def _apply(answered, result: SyncResult) -> None:
    """Only what differs from what we hold is written, in one transaction: a sync that finds
    nothing new writes nothing (one read per ``per_write`` orders)."""
    updates, touched = [], []
    for row, report in answered:
        order_id, _external_id, charge, missing, status, start_count, remains = row
        if report is None or isinstance(report, str):
            result.missing += 1
            touched.append(Forwarding(pk=order_id, missing_count=missing + 1, provider_charge=charge))
            continue
        reported = (report.status, report.start_count, report.remains)
        if reported != (status, start_count, remains) and not (
            report.status == status and report.start_count in (None, start_count) and report.remains is None
        ):
            updates.append(
                orders.StatusUpdate(
                    order_id=order_id,
                    status=report.status,
                    start_count=report.start_count,
                    remains=report.remains,
                )
            )
        if missing or (report.charge is not None and report.charge != charge):
            touched.append(
                Forwarding(
                    pk=order_id,
                    missing_count=0,
                    provider_charge=report.charge if report.charge is not None else charge,
                )
            )
    if not updates and not touched:
        return
    with transaction.atomic():
        applied = orders.apply_provider_statuses(updates)
        result.changed += applied.changed
        result.refused += len(applied.refused)
        update_rows(Forwarding, touched, ["missing_count", "provider_charge"])


# --- Refill and cancel requests, passed on ---------------------------------------------------


def _chunks(items, size=100):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _answers(requests: list, ask):
    """Each request with the provider's answer for its order, 100 orders a call. A call that
    fails records nothing: the next sweep asks again (asking twice is harmless)."""
    for chunk in _chunks(requests):
        by_external = {request.order.forwarding.external_id: request for request in chunk}
        try:
            answers = ask(list(by_external))
        except ProviderError:
            continue
        for external_id, answer in answers.items():
            if external_id in by_external:
                yield by_external[external_id], answer


def _waiting(model, provider: Provider, status: str):
    return list(
        model.objects.filter(
            order__forwarding__provider=provider,
            order__forwarding__state=State.SENT,
            status=status,
            forwarded__isnull=True,
        ).select_related("order__forwarding")
    )


def forward_refills(provider: Provider) -> int:
    """Open refill requests of this provider's orders go to the provider, 100 a call."""
    sent = 0
    with connect(provider) as client:
        for refill, answer in _answers(
            _waiting(RefillRequest, provider, RefillStatus.PENDING), client.refills
        ):
            if isinstance(answer, ProviderError):
                ForwardedRefill.objects.create(
                    refill=refill, provider=provider, state=PassedOn.State.REFUSED, last_error=answer.detail
                )
                orders.handle_refill(refill=refill, to=RefillStatus.REJECTED, by=None, reason=answer.detail)
            else:
                ForwardedRefill.objects.create(
                    refill=refill,
                    provider=provider,
                    state=PassedOn.State.SENT,
                    external_id=answer,
                    sent_at=clock.now(),
                )
                sent += 1
    return sent


def sync_refills(provider: Provider) -> int:
    """The provider's word on each refill it holds moves our refill request along."""
    forwarded = list(
        ForwardedRefill.objects.filter(
            provider=provider, state=PassedOn.State.SENT, refill__status__in=OPEN_REFILL
        ).select_related("refill")
    )
    moved = 0
    with connect(provider) as client:
        for chunk in _chunks(forwarded):
            by_external = {f.external_id: f for f in chunk}
            try:
                answers = client.refill_statuses(list(by_external))
            except ProviderError:
                continue
            for external_id, answer in answers.items():
                row = by_external.get(external_id)
                if row is None or isinstance(answer, ProviderError) or answer == row.refill.status:
                    continue
                reason = "Refused by the provider" if answer == RefillStatus.REJECTED else ""
                orders.handle_refill(refill=row.refill, to=answer, by=None, reason=reason)
                moved += 1
    return moved


def forward_cancels(provider: Provider) -> int:
    """Members' cancel requests of this provider's orders go to it; an accepted one ends when the
    provider reports the order Canceled (the status sync refunds it, once)."""
    accepted = 0
    waiting = _waiting(CancelRequest, provider, CancelRequest.Status.PENDING)
    with connect(provider) as client:
        for request, answer in _answers(waiting, client.cancels):
            if isinstance(answer, ProviderError):
                ForwardedCancel.objects.create(
                    cancel_request=request,
                    provider=provider,
                    state=PassedOn.State.REFUSED,
                    last_error=answer.detail,
                )
                orders.handle_cancel(cancel_request=request, accept=False, by=None, reason=answer.detail)
            else:
                ForwardedCancel.objects.create(
                    cancel_request=request, provider=provider, state=PassedOn.State.SENT, sent_at=clock.now()
                )
                accepted += 1
    return accepted


def close_cancel_requests() -> int:
    """Cancel requests the provider accepted are closed once the order is Canceled (refunded by
    the status sync); if the order finished otherwise, the request is closed as not canceled."""
    closed = 0
    for request in CancelRequest.objects.filter(
        status=CancelRequest.Status.PENDING, forwarded__state=PassedOn.State.SENT
    ).exclude(order__status__in=ACTIVE):
        accepted = request.order.status == "Canceled"
        orders.handle_cancel(
            cancel_request=request,
            accept=accepted,
            by=None,
            reason="" if accepted else "The provider finished the order before it could be canceled",
        )
        closed += 1
    return closed
