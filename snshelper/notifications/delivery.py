"""Delivering notices: one delivery at a time, by email or LINE push, with retries and a record of
every attempt; what a member's choices and open requests refuse is refused here, at sending time.
The queue's jobs (``tasks.py``) call this module; ``services.notify`` queues them."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from snshelper.core import clock
from snshelper.notifications import channels, kinds, selectors
from snshelper.notifications.models import Channel, Delivery, DeliveryStatus
from snshelper.privacy import restrictions

LOST_AFTER = timedelta(minutes=2)  # a first attempt not made by then: its job was lost


def _refusal(delivery: Delivery) -> str:
    """Why this delivery must not go out now, or ""."""
    notification = delivery.notification
    member = notification.member
    if not member.is_active or member.withdrawn_at is not None:
        return "The account is closed."
    if not notification.required and restrictions.processing_suspended(member):
        return "The member stopped the processing of their data."
    choice = selectors.channel_choice(member)
    if kinds.kind(notification.kind).routine and not choice.order_updates:
        return "The member keeps order status updates to the notification centre."
    if delivery.channel == Channel.EMAIL:
        if not choice.email:
            return "The member turned email notices off."
        return email_refusal(member)
    if delivery.channel == Channel.LINE:
        if not choice.line:
            return "The member turned LINE notices off."
        if not channels.line_configured():
            return "No LINE channel is configured."
        if not channels.line_user_id(member):
            return "The member's LINE account is no longer linked."
    return ""


def email_refusal(member) -> str:
    if restrictions.is_under_correction(member, "accounts.Member.email"):
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
