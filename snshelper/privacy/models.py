"""The privacy engine's records: policy versions and their notices, the destruction log and legal
holds, the withdrawn-member store, data-subject requests with their identity checks, exports and
steps, the disclosure register with correction notices, the officer's desk, and cookie choices.

Writes go through ``privacy.services`` (and the modules it names); pages read through
``privacy.selectors``.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from snshelper.core import clock
from snshelper.core.encryption import EncryptedTextField

MEMBER = settings.AUTH_USER_MODEL


def _token() -> str:
    return secrets.token_urlsafe(32)


# --- Policy versions and change notices (P19) -------------------------------------------------


class PolicyVersion(models.Model):
    """A published text of the policy: what it said, from when, and why it changed.

    ``texts`` holds the generated policy as published, per language ({"th": ..., "en": ...}), so an
    earlier version stays readable whatever the code says today.
    """

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"), default=clock.now)
    effective_at = models.DateTimeField(_("takes effect"))
    reasons = models.JSONField(_("reasons for the change"), default=dict, blank=True)
    summary = models.JSONField(_("what changes"), default=dict, blank=True)
    texts = models.JSONField(_("policy text"), default=dict)
    # What the settings promised in this version (periods, officer, cookies, recipients): the page
    # shows these, and the system check compares them with what runs (privacy_rights.policy.facts).
    facts = models.JSONField(_("settings promised"), default=dict, blank=True)
    published_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self):
        return f"v{self.number}"


class PolicyChangeNotice(models.Model):
    """A member told of a policy version: shown on the site until seen, and mailed."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="policy_notices")
    created_at = models.DateTimeField(default=clock.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="one_policy_notice_per_member")
        ]
        verbose_name = _("policy change notice")
        verbose_name_plural = _("policy change notices")
        indexes = [models.Index(fields=["member", "seen_at"])]

    def __str__(self):
        return f"{self.version} → {self.member}"


# --- Retention (P4, P6) -----------------------------------------------------------------------


class DestructionLog(models.Model):
    """What a retention sweep destroyed: the rule, the kind of record, how many, when — never
    the data itself, nor which records (their ids are not kept either)."""

    class Action(models.TextChoices):
        DELETED = "deleted", _("Deleted")
        ANONYMISED = "anonymised", _("Anonymised")

    rule = models.CharField(_("rule"), max_length=40)
    record_type = models.CharField(_("kind of record"), max_length=80)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    count = models.PositiveIntegerField(_("records"))
    ran_at = models.DateTimeField(_("time"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("destruction log entry")
        verbose_name_plural = _("destruction log")

    def __str__(self):
        return f"{self.rule}: {self.count} {self.record_type} {self.action}"


class LegalHold(models.Model):
    """Suspends destruction: of everything about one member, or of one named record."""

    member = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.CASCADE, related_name="legal_holds"
    )
    record_type = models.CharField(_("kind of record"), max_length=80, blank=True)  # "app.Model"
    record_id = models.CharField(_("record"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(MEMBER, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(default=clock.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.CharField(_("reason for release"), max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self):
        return f"hold {self.pk}"


# --- Withdrawn members (P5) -------------------------------------------------------------------


class WithdrawnMember(models.Model):
    """What must be kept of a member who withdrew, apart from the ordinary tables.

    Only the privacy officer reads it. ``kept`` is one encrypted JSON document; the hashes are
    keyed (HMAC) so a new sign-up can be matched without holding clear data to search.
    """

    member_id = models.CharField(_("member ID"), max_length=16, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrew"))
    contract_ended_at = models.DateTimeField(_("contract ended"))
    destroy_after = models.DateTimeField(_("destroyed after"), db_index=True)
    email_hash = models.CharField(_("email address (keyed hash)"), max_length=64, db_index=True)
    phone_hash = models.CharField(_("phone number (keyed hash)"), max_length=64, blank=True, db_index=True)
    kept = EncryptedTextField(_("kept data"))

    class Meta:
        ordering = ["-withdrawn_at"]
        verbose_name = _("withdrawn member")
        verbose_name_plural = _("withdrawn members")
        default_permissions = ()
        permissions = [("read_withdrawn_store", "Read the withdrawn-member store")]

    def __str__(self):
        return self.member_id


class WithdrawnRecord(models.Model):
    """One record kept of a withdrawn member, on its own clock (P5): it leaves the store when its
    own rule ends — a payment 5 years from the payment, a complaint 5 years from its closing —
    counted from the record's own date, not from the withdrawal. ``data`` is the row, encrypted."""

    withdrawn = models.ForeignKey(WithdrawnMember, on_delete=models.CASCADE, related_name="records")
    record_type = models.CharField(_("kind of record"), max_length=80)  # "app.Model"
    rule = models.CharField(_("rule"), max_length=40)
    counted_from = models.DateTimeField(_("counted from"))
    destroy_after = models.DateTimeField(_("destroyed after"), db_index=True)
    data = EncryptedTextField(_("kept record"))

    class Meta:
        ordering = ["withdrawn", "record_type", "id"]
        verbose_name = _("withdrawn member's kept record")
        verbose_name_plural = _("withdrawn members' kept records")
        default_permissions = ()

    def __str__(self):
        return f"{self.record_type} ({self.rule})"


class SignupMatch(models.Model):
    """A new member whose email or phone matches a withdrawn member's (by keyed hash)."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="withdrawn_matches")
    withdrawn = models.ForeignKey(WithdrawnMember, on_delete=models.CASCADE, related_name="matches")
    matched_on = models.CharField(max_length=16)  # "email" or "phone"
    created_at = models.DateTimeField(default=clock.now)
    reviewed_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sign-up matching a withdrawn member")
        verbose_name_plural = _("sign-ups matching withdrawn members")

    def __str__(self):
        return f"{self.member} ~ {self.withdrawn.member_id}"


# --- Data-subject requests (P9–P12) -----------------------------------------------------------


class IdentityCheck(models.Model):
    """An emailed one-time code that, with the password again, proves it is the member."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="identity_checks")
    code_hash = models.CharField(_("code (stored as a one-way hash)"), max_length=128)
    created_at = models.DateTimeField(_("sent at"), default=clock.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")

    def __str__(self):
        return f"identity check {self.pk}"


class RefusalGround(models.TextChoices):
    """The only grounds the policy allows for refusing view, deletion or suspension (P12)."""

    LAW = "law", _("① A law requires it, or we cannot otherwise meet a legal obligation")
    HARM = (
        "harm",
        _("② It could harm another person's life or body, or unfairly harm their property or interests"),
    )
    CONTRACT = (
        "contract",
        _("③ The contract cannot be performed without this data, and you have not said you want to end it"),
    )


class DataSubjectRequest(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("See my data")
        CORRECT = "correct", _("Correct my data")
        DELETE = "delete", _("Delete my data")
        SUSPEND = "suspend", _("Stop processing my data")

    class Status(models.TextChoices):
        OPEN = "open", _("Received")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn by you")

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("received"), default=clock.now)
    due_at = models.DateTimeField(_("answer due"))
    verified_at = models.DateTimeField(_("identity verified"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # What the request is about: a registered field ("app.Model.field"), and which record of it
    # when it is not the member record itself. Empty for a request about all of the member's data.
    target = models.CharField(_("data"), max_length=120, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    requested_value = EncryptedTextField(_("correct value"), blank=True, default="")
    details = models.TextField(_("details"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=16, choices=RefusalGround.choices, blank=True
    )
    handled_by = models.ForeignKey(MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < clock.now()


class RequestStep(models.Model):
    """Every step of a request, for the record: who did what, when (never the data itself)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


def export_expiry():
    return clock.now() + timedelta(days=settings.PRIVACY_EXPORT_DAYS)


class DataExport(models.Model):
    """The answer to a "view" request: a file prepared by the queue, downloadable until it expires."""

    request = models.OneToOneField(DataSubjectRequest, on_delete=models.CASCADE, related_name="export")
    token = models.CharField(max_length=64, unique=True, default=_token)
    path = models.CharField(_("file"), max_length=300, blank=True)  # under MEDIA_ROOT/exports, random name
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=export_expiry, db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("copy of your data")
        verbose_name_plural = _("copies of your data")

    def __str__(self):
        return f"export {self.pk}"


class ProcessingSuspension(models.Model):
    """Processing of a member's data stopped at their request (P9), until lifted."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="suspensions")
    request = models.ForeignKey(DataSubjectRequest, null=True, on_delete=models.SET_NULL, related_name="+")
    since = models.DateTimeField(_("stopped since"), default=clock.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stop of processing")
        verbose_name_plural = _("stops of processing")

    def __str__(self):
        return f"suspension {self.pk}"


# --- Disclosures (P7, P11) --------------------------------------------------------------------


class Disclosure(models.Model):
    """A provision of personal data to a third party, as the law requires: the only way out."""

    recipient = models.CharField(_("recipient"), max_length=200)
    recipient_contact = models.CharField(_("recipient's contact"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    fields = models.JSONField(_("data provided"), default=list)  # ["accounts.Member.email", ...]
    members = models.ManyToManyField(MEMBER, related_name="disclosures")
    disclosed_at = models.DateTimeField(_("provided on"))
    recorded_by = models.ForeignKey(MEMBER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=clock.now)
    bundle = EncryptedTextField(_("provided data"), blank=True, default="")

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self):
        return f"{self.recipient} {self.disclosed_at:%Y-%m-%d}"


class CorrectionNotice(models.Model):
    """A recipient of earlier-provided data told of its correction (P11)."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="correction_notices")
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(DataSubjectRequest, null=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=clock.now)
    text = models.TextField(_("notice"))
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")

    def __str__(self):
        return f"correction notice {self.pk}"


# --- The privacy officer's desk (P8) ----------------------------------------------------------


class PrivacyInquiry(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question about my personal data")
        COMPLAINT = "complaint", _("Complaint about how my personal data is handled")

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="privacy_inquiries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("received"), default=clock.now)
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("privacy inquiry")
        verbose_name_plural = _("privacy inquiries")

    def __str__(self):
        return self.subject

    @property
    def is_overdue(self) -> bool:
        return self.answered_at is None and self.due_at < clock.now()


class DeadlineAlert(models.Model):
    """The privacy officer alerted (on the desk, and by mail) that a request or a question nears its
    answer deadline: once for each alert day (``PRIVACY_DEADLINE_ALERT_DAYS``) of each one."""

    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    inquiry = models.ForeignKey(
        PrivacyInquiry, null=True, blank=True, on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    day = models.PositiveSmallIntegerField(_("day after receipt"))
    created_at = models.DateTimeField(default=clock.now)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "day"],
                condition=models.Q(request__isnull=False),
                name="one_alert_per_request_day",
            ),
            models.UniqueConstraint(
                fields=["inquiry", "day"],
                condition=models.Q(inquiry__isnull=False),
                name="one_alert_per_inquiry_day",
            ),
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, inquiry__isnull=True)
                | models.Q(request__isnull=True, inquiry__isnull=False),
                name="deadline_alert_about_one_thing",
            ),
        ]

    def __str__(self):
        return f"deadline alert {self.pk} (day {self.day})"


# --- Cookies (P13) ----------------------------------------------------------------------------


class CookieChoice(models.Model):
    """A signed-in member's choice about optional cookies, and the policy version they saw."""

    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="cookie_choice")
    accepted = models.BooleanField(_("optional cookies accepted"))
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    chosen_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("cookie choice")
        verbose_name_plural = _("cookie choices")

    def __str__(self):
        return "accepted" if self.accepted else "refused"


# --- Breaches (P18) ---------------------------------------------------------------------------


class BreachIncident(models.Model):
    """A loss, leak, forgery or damage of personal data, as the privacy officer records it: what
    happened, when it was found, what data and whom it touched, what we did and offer. The 72-hour
    deadlines count from ``found_at`` (``privacy.breaches.deadlines``)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident status", "Open")
        CLOSED = "closed", pgettext_lazy("incident status", "Closed")

    title = models.CharField(_("title"), max_length=200)
    found_at = models.DateTimeField(_("found at"))
    occurred_from = models.DateTimeField(_("happened from"), null=True, blank=True)
    occurred_until = models.DateTimeField(_("happened until"), null=True, blank=True)
    what_happened = models.TextField(_("what happened"))
    how = models.TextField(_("how it happened"), blank=True)
    categories = models.JSONField(_("data concerned"), default=list)  # registry.Category values
    likely_consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    remedies = models.TextField(_("remedies for members"), blank=True)
    what_members_can_do = models.TextField(_("what members can do"), blank=True)
    contact = models.CharField(_("whom to contact"), max_length=300, blank=True)
    affected_members = models.ManyToManyField(
        MEMBER, related_name="breaches", blank=True, verbose_name=_("affected members")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("recorded"), default=clock.now)
    created_by = models.ForeignKey(MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    members_notified_at = models.DateTimeField(_("members notified"), null=True, blank=True)
    regulator_reported_at = models.DateTimeField(_("reported to the regulator"), null=True, blank=True)
    regulator_reference = models.CharField(_("regulator's reference"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("breach incident")
        verbose_name_plural = _("breach incidents")

    def __str__(self):
        return self.title


class BreachEvent(models.Model):
    """Every change to an incident: who, when, what kind of change and which fields — never the
    data itself. Written once: a row is never changed."""

    incident = models.ForeignKey(BreachIncident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, blank=True)  # {"fields": [...], "count": n}

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("breach event")
        verbose_name_plural = _("breach events")

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The breach log is append-only: record a new event instead.")
        super().save(*args, **kwargs)


class BreachNotice(models.Model):
    """An affected member told of an incident: on the site until seen, and by email. ``text`` is
    the notice as sent, in ``language``, so it reads the same later whatever the incident says."""

    incident = models.ForeignKey(BreachIncident, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="breach_notices")
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("notice"))
    created_at = models.DateTimeField(_("sent at"), default=clock.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "member"], name="one_breach_notice_per_member")
        ]
        indexes = [models.Index(fields=["member", "seen_at"])]
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")

    def __str__(self):
        return f"{self.incident} → {self.member}"
