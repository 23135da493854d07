"""Consultations: a member's question or complaint to our support team, its messages (the member's,
staff replies, staff-only notes) and their attachments; and the canned replies staff start from.

Status moves only along ``TRANSITIONS`` (``services`` applies it); complaints and disputes carry
``is_complaint`` and are kept under the 5-year complaint rule, others under their own rule.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class Topic(models.TextChoices):
    ORDER = "order", _("An order")
    PAYMENT = "payment", _("A payment or top-up")
    REFILL_CANCEL = "refill_cancel", _("A refill or cancellation")
    PRIVACY = "privacy", _("My personal data")
    COMPLAINT = "complaint", _("A complaint")
    OTHER = "other", _("Something else")


class Status(models.TextChoices):
    WAITING = "waiting", _("Waiting for our answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# from → the statuses it may move to (the one table of allowed moves).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.WAITING: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.WAITING, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.WAITING}),  # reopened
}


class Consultation(models.Model):
    number = models.CharField(_("number"), max_length=12, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("member"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("order"),
    )
    top_up = models.ForeignKey(
        "wallet.TopUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("top-up"),
    )
    subject = models.CharField(_("subject"), max_length=150)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    is_complaint = models.BooleanField(
        _("complaint or dispute"),
        default=False,
        help_text=_("Kept 5 years after it is closed, under the complaint rule."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultations",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("opened"), default=clock.now, db_index=True)
    due_at = models.DateTimeField(_("first answer due"))
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    updated_at = models.DateTimeField(_("last activity"), default=clock.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["member", "-updated_at"], name="consultation_member"),
            models.Index(fields=["status", "due_at"], name="consultation_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | ~Q(status="closed"),
                name="consultation_closed_has_time",
            )
        ]

    def __str__(self):
        return self.number


class Message(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("consultation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    from_staff = models.BooleanField(_("from our staff"), default=False)
    # A staff-only note: never shown to the member, never notified.
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
        constraints = [
            models.CheckConstraint(condition=Q(internal=False) | Q(from_staff=True), name="notes_are_staffs")
        ]

    def __str__(self):
        return f"{self.consultation_id}: {self.pk}"


class Attachment(models.Model):
    """A file attached to a message: checked by signature, scanned when ClamAV is configured, stored
    under a random name outside the web root and served only to its member and to staff who may."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to="consultations/")
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    content_type = models.CharField(_("file type"), max_length=32)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded"), default=clock.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name or str(self.pk)


class CannedReply(models.Model):
    """A prepared answer staff insert into a reply, in the member's language."""

    title = models.CharField(_("title"), max_length=100)
    body_th = models.TextField(_("text in Thai"))
    body_en = models.TextField(_("text in English"))
    body_ko = models.TextField(_("text in Korean"))
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("changed"), default=clock.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title

    def body_in(self, language: str) -> str:
        """The text in ``language`` (Thai, the default language, when it has none)."""
        return getattr(self, f"body_{(language or 'th')[:2]}", "") or self.body_th
