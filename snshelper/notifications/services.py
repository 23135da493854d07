"""The one notification service: every notice to a member (orders, top-ups, refills and cancels,
consultation replies, policy changes, data-request results, breaches) goes through ``notify``.

A notice always lands in the member's notification centre; it also goes out by email and by LINE
push when the member chose those channels (LINE only once they linked a LINE account and a channel
token is configured), in the member's language, through the queue, with retries and a record of
every attempt. A member who stopped the processing of their data gets only the notices the law or
the contract requires; a withdrawn or closed account gets none. Email is not used while the member's
address is being corrected (P10).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from snshelper.core import clock
from snshelper.notifications import channels, kinds
from snshelper.notifications.models import Channel, ChannelChoice, Delivery, DeliveryStatus, Notification

BATCH = 100  # deliveries handed to one job
LOST_AFTER = timedelta(minutes=2)  # a first attempt not made by then: its job was lost


def _choice(member) -> ChannelChoice:
    return ChannelChoice.objects.filter(member=member).first() or ChannelChoice(member=member)


def _suspended(member) -> bool:
    from snshelper.privacy import requests

    return requests.processing_suspended(member)


def _channels_for(member, declared) -> list[str]:
    choice = _choice(member)
    wanted = []
    if declared.routine and not choice.order_updates:
        return wanted  # the notification centre only
    if choice.email and member.email:
        wanted.append(Channel.EMAIL)
    if choice.line and channels.line_configured() and channels.line_user_id(member):
        wanted.append(Channel.LINE)
    return wanted


def notify(*, member, kind: str, params: dict | None = None, link: str = "", event_key: str = ""):
    """Make the notice and queue its deliveries after the caller's transaction commits. Returns the
    notice, or None when this member gets no such notice (closed account, processing stopped, or
    the same event was notified before)."""
    declared = kinds.kind(kind)
    if not member.is_active or member.withdrawn_at is not None:
        return None
    if not declared.required and _suspended(member):
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                member=member,
                kind=kind,
                params=params or {},
                link=link,
                required=declared.required,
                event_key=event_key,
            )
            deliveries = [
                Delivery(notification=notification, channel=channel, retry_key=uuid.uuid4())
                for channel in _channels_for(member, declared)
            ]
            for delivery in deliveries:  # an address under correction: refused now, said at once
                if delivery.channel == Channel.EMAIL and (refusal := _email_refusal(member)):
                    delivery.status, delivery.last_error = DeliveryStatus.REFUSED, refusal
            deliveries = Delivery.objects.bulk_create(deliveries)
    except IntegrityError:
        if event_key and Notification.objects.filter(member=member, event_key=event_key).exists():
            return None  # notified before: once per event
        raise
    _queue([delivery.pk for delivery in deliveries if delivery.status == DeliveryStatus.PENDING])
    return notification


def notify_many(
    *, members, kind: str, params: dict | None = None, link: str = "", event_key: str = ""
) -> list:
    """``notify`` for each member (a policy change, a breach): the notices made."""
    made = []
    for member in members:
        notification = notify(member=member, kind=kind, params=params, link=link, event_key=event_key)
        if notification is not None:
            made.append(notification)
    return made


def _queue(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def enqueue():
        from snshelper.notifications import tasks

        for start in range(0, len(delivery_ids), BATCH):
            tasks.deliver_notices(delivery_ids[start : start + BATCH])

    transaction.on_commit(enqueue)


# --- Delivery ---------------------------------------------------------------------------------


def _refusal(delivery: Delivery) -> str:
    """Why this delivery must not go out now, or ""."""
    notification = delivery.notification
    member = notification.member
    if not member.is_active or member.withdrawn_at is not None:
        return "The account is closed."
    if not notification.required and _suspended(member):
        return "The member stopped the processing of their data."
    choice = _choice(member)
    if kinds.kind(notification.kind).routine and not choice.order_updates:
        return "The member keeps order status updates to the notification centre."
    if delivery.channel == Channel.EMAIL:
        if not choice.email:
            return "The member turned email notices off."
        return _email_refusal(member)
    if delivery.channel == Channel.LINE:
        if not choice.line:
            return "The member turned LINE notices off."
        if not channels.line_configured():
            return "No LINE channel is configured."
        if not channels.line_user_id(member):
            return "The member's LINE account is no longer linked."
    return ""


def _email_refusal(member) -> str:
    from snshelper.privacy import corrections

    if corrections.is_under_correction(member, "accounts.Member.email"):
        return "The member's email address is being corrected."
    return ""


def _retry_delay(attempts: int) -> timedelta | None:
    schedule = settings.NOTICE_RETRY_MINUTES
    if attempts > len(schedule):
        return None
    return timedelta(minutes=schedule[attempts - 1])


def deliver(delivery_id: int) -> str | None:
    """Try one delivery that is due. Returns its status afterwards (None: nothing to do)."""
    now = clock.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__member")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return None
        refusal = _refusal(delivery)
        if refusal:
            delivery.status, delivery.last_error, delivery.next_attempt_at = (
                DeliveryStatus.REFUSED,
                refusal,
                None,
            )
            delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
            return delivery.status
        delivery.attempts += 1
        try:
            if delivery.channel == Channel.EMAIL:
                channels.send_email(delivery.notification)
            else:
                channels.send_line(
                    delivery.notification,
                    to=channels.line_user_id(delivery.notification.member),
                    retry_key=str(delivery.retry_key or uuid.uuid4()),
                )
        except channels.DeliveryFailed as error:
            delivery.last_error = str(error)[:300]
            delay = _retry_delay(delivery.attempts)
            if delay is None:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                delivery.next_attempt_at = now + delay
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = DeliveryStatus.SENT, now, None
            delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
        return delivery.status


def deliver_due(*, limit: int = 1000) -> int:
    """Deliveries waiting for their next attempt (or whose job was lost); returns how many tried."""
    now = clock.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, notification__created_at__lte=now - LOST_AFTER)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        deliver(pk)
    return len(due)


# --- The member's side ------------------------------------------------------------------------


def mark_read(*, member, notification_ids=None) -> int:
    """Mark the member's notices read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=clock.now())


def open_notice(*, member, notification_id: int) -> Notification:
    notification = Notification.objects.get(member=member, pk=notification_id)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def choose_channels(*, member, email: bool, line: bool, order_updates: bool = True) -> ChannelChoice:
    choice, _ = ChannelChoice.objects.update_or_create(
        member=member,
        defaults={"email": email, "line": line, "order_updates": order_updates, "updated_at": clock.now()},
    )
    return choice
