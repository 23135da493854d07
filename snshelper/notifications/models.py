"""Notices to members: one row per notice (the on-site notification centre), one delivery row per
extra channel it goes out on (email, LINE) with its attempts — the record of delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class Notification(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    # What the notice's text is filled with: numbers, amounts and statuses, never free text the
    # member did not write to us.
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    required = models.BooleanField(
        _("required by law or contract"),
        default=True,
        help_text=_("Sent even to a member who stopped the processing of their data."),
    )
    # A notice about one event is made once, whoever asks twice (retries, re-runs).
    event_key = models.CharField(_("event"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), default=clock.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["member", "read_at"], name="notice_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "event_key"], condition=~Q(event_key=""), name="notice_once_per_event"
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.member_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    LINE = "line", _("LINE")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed after every retry")
    REFUSED = "refused", _("Not sent")


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notice")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # LINE's X-Line-Retry-Key: a push retried after a lost answer is not delivered twice.
    retry_key = models.UUIDField(_("retry key"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")
        ]

    def __str__(self):
        return f"{self.channel}: {self.status}"


class ChannelChoice(models.Model):
    """The channels a member chose for their notices besides the notification centre (which always
    holds them). No row: the defaults (email on, LINE on once linked)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_channels",
        verbose_name=_("member"),
    )
    email = models.BooleanField(_("by email"), default=True)
    line = models.BooleanField(_("by LINE"), default=True)
    order_updates = models.BooleanField(
        _("order status updates by email and LINE"),
        default=True,
        help_text=_("Off: order status changes stay in the notification centre only."),
    )
    updated_at = models.DateTimeField(_("changed"), default=clock.now)

    class Meta:
        verbose_name = _("notice channels")
        verbose_name_plural = _("notice channels")

    def __str__(self):
        return f"{self.member_id}: email={self.email} line={self.line}"
