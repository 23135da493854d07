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

from django.db import IntegrityError, transaction

from snshelper.core import clock, events
from snshelper.notifications import channels, kinds, selectors, tasks
from snshelper.notifications import delivery as sending
from snshelper.notifications.models import Channel, ChannelChoice, Delivery, DeliveryStatus, Notification
from snshelper.privacy import restrictions

BATCH = 100  # deliveries handed to one job


def _channels_for(member, declared) -> list[str]:
    choice = selectors.channel_choice(member)
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
    if not declared.required and restrictions.processing_suspended(member):
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
                if delivery.channel == Channel.EMAIL and (refusal := sending.email_refusal(member)):
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
        for start in range(0, len(delivery_ids), BATCH):
            tasks.deliver_notices(delivery_ids[start : start + BATCH])

    events.queue_on_commit(enqueue)  # the queue down: deliver_due_notices finds them again


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
