from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class StaffAccess(models.Model):
    """Holds the staff permissions that are not about one model (no table of its own).

    Roles (groups) are given these in ``roles.ROLES``; pages check them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("fulfil_orders", "Fulfil orders by hand"),
            ("approve_topups", "Approve or reject top-ups"),
            ("pay_refunds", "Pay refunds and withdrawals"),
            ("adjust_balances", "Credit or debit a member's balance"),
            ("view_bank_details", "See members' bank details"),
            ("answer_consultations", "Answer consultations"),
            ("handle_privacy_requests", "Handle data-subject requests"),
            ("manage_disclosures", "Record disclosures to third parties"),
            ("manage_breaches", "Record and notify breaches"),
            ("view_login_records", "See login records"),
            ("manage_catalog", "Manage the service catalogue"),
            ("manage_providers", "Manage upstream providers"),
            ("manage_settings", "Manage site settings and announcements"),
            ("manage_staff", "Appoint staff and assign roles"),
            ("view_reveal_log", "Search the log of personal-data reveals"),
        ]

    def __str__(self):
        return "staff access"


# --- Staff lifecycle (P17): pledges, training, hand-overs -------------------------------------


class SecurityPledge(models.Model):
    """A staff member's signature under one version of the security pledge (``staff.pledge``).

    No personal data opens to a staff member until they have signed the version in force.
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="security_pledges",
    )
    version = models.CharField(_("pledge version"), max_length=20)
    signed_at = models.DateTimeField(_("signed"), default=clock.now)
    # SHA-256 of the text as the staff member read it (in their language): proof of what was signed.
    text_hash = models.CharField(_("text fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("security pledge")
        verbose_name_plural = _("security pledges")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "version"], name="one_signature_per_pledge_version"),
        ]

    def __str__(self):
        return f"{self.staff} · {self.version}"


class TrainingSession(models.Model):
    """A privacy and security training a staff member attended; one is due every year."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="training_sessions",
    )
    held_on = models.DateField(_("held on"), db_index=True)
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=clock.now)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.staff} · {self.held_on} · {self.topic}"


class HandOver(models.Model):
    """A staff member leaving: who takes over their open work, when their access ends, and the
    responsibility that continues after it. At ``effective_at`` sign-in ends for good
    (``services.end_access``); ``carried_out_at`` says when that was done."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leaving staff member"),
        on_delete=models.CASCADE,
        related_name="hand_over",
    )
    roles_held = models.CharField(_("roles held"), max_length=200, blank=True)
    effective_at = models.DateTimeField(_("access ends"), db_index=True)
    reassigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("open work taken over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    open_work_summary = models.TextField(_("open work handed over"), blank=True)
    responsibility_statement = models.TextField(_("responsibility after leaving"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=clock.now)
    carried_out_at = models.DateTimeField(_("access ended"), null=True, blank=True)
    work_reassigned = models.PositiveIntegerField(_("open items reassigned"), default=0)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-effective_at", "-id"]

    def __str__(self):
        return f"{self.staff} · {self.effective_at:%Y-%m-%d %H:%M}"


# --- Reveals of personal data (P16) --------------------------------------------------------------

REVEAL_LOG_APPEND_ONLY = "The reveal log is append-only: its rows are never changed or removed by hand."


class RevealLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(REVEAL_LOG_APPEND_ONLY)

    def delete(self):
        raise TypeError(REVEAL_LOG_APPEND_ONLY)


class RevealLog(models.Model):
    """One personal-data field shown in clear to a staff member: who, whose, which field, when, why.

    Written only by ``staff.reveals.reveal``; append-only (the retention sweep removes rows after
    the ``staff_audit`` period, 2 years); the privacy officer searches it.
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose data"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=100, db_index=True)
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("revealed at"), default=clock.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = RevealLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data reveal")
        verbose_name_plural = _("personal-data reveals")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.field} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(REVEAL_LOG_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(REVEAL_LOG_APPEND_ONLY)
