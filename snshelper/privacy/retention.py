"""Retention rules: how long each purpose keeps its data, and on what basis.

Periods are settings (``RETENTION_MONTHS``, ``RETENTION_DAYS``) whose defaults are the policy's own
numbers. The registry names a rule for every personal field and declares the sweeps that apply
them (``registry.sweep``); ``privacy.sweeps`` runs those sweeps.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (or earlier, when negative); the month's last day
    when that month is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: str
    basis: str
    setting: str = ""  # key in settings.RETENTION_MONTHS when the period is a fixed time
    until: str = ""  # when the period is an event rather than a time
    days_setting: str = ""  # key in settings.RETENTION_DAYS for short periods

    @property
    def months(self) -> int | None:
        return settings.RETENTION_MONTHS[self.setting] if self.setting else None

    @property
    def days(self) -> int | None:
        return settings.RETENTION_DAYS[self.days_setting] if self.days_setting else None

    @property
    def years(self) -> int | None:
        """The period in whole years, when it is one (60 months: 5)."""
        months = self.months
        return months // 12 if months and months % 12 == 0 else None

    def ends(self, start: datetime) -> datetime:
        """When a record whose period began at ``start`` has passed this rule. A rule that lasts
        until an event (a session's expiry, a hold's release) ends at that event: ``start``."""
        if self.months is not None:
            return add_months(start, self.months)
        return start + timedelta(days=self.days or 0)

    def cutoff(self, now: datetime) -> datetime:
        """Records whose period began before this moment have passed this rule at ``now``."""
        if self.months is not None:
            return add_months(now, -self.months)
        return now - timedelta(days=self.days or 0)


RULES: dict[str, RetentionRule] = {
    rule.key: rule
    for rule in [
        RetentionRule(
            "membership",
            _("Membership data"),
            _("Privacy policy: kept while the membership lasts"),
            until=_("withdrawal; what must be kept then moves to the withdrawn-member store"),
        ),
        RetentionRule(
            "login_records",
            _("Login records"),
            _("Privacy policy; the Protection of Communications Secrets Act (Korea) asks at least 3 months"),
            setting="login_records",
        ),
        RetentionRule(
            "contract",
            _("Records on contracts or withdrawal of subscriptions"),
            _("Act on Consumer Protection in Electronic Commerce: 5 years"),
            setting="contract",
        ),
        RetentionRule(
            "payment",
            _("Records on payment and supply of goods"),
            _("Act on Consumer Protection in Electronic Commerce: 5 years"),
            setting="payment",
        ),
        RetentionRule(
            "complaint",
            _("Records on consumer complaints or dispute handling"),
            _("Privacy policy; the Act on Consumer Protection in Electronic Commerce asks 3 years"),
            setting="complaint",
        ),
        RetentionRule(
            "withdrawn_member",
            _("Withdrawn members' kept data"),
            _("Privacy policy: fraud prevention, disputes and investigations"),
            setting="withdrawn_member",
        ),
        RetentionRule(
            "session",
            _("Sign-in sessions"),
            _("Security: needed only while signed in"),
            until=_("sign-out or session expiry (2 weeks)"),
        ),
        RetentionRule(
            "staff_audit",
            _("Staff access and action logs"),
            _("Personal Information Protection Act standards: at least 2 years"),
            setting="staff_audit",
        ),
        RetentionRule(
            "staff_records",
            _("Staff security pledges, training and hand-overs"),
            _("Security: proof of each staff member's duties, kept 3 years after they leave"),
            setting="staff_records",
        ),
        RetentionRule(
            "data_requests",
            _("Requests to view, correct, delete or suspend personal data"),
            _("Privacy policy: proof that each request was answered"),
            setting="data_requests",
        ),
        RetentionRule(
            "privacy_questions",
            _("Questions to the privacy officer"),
            _("Privacy policy: kept while a follow-up question is likely"),
            setting="privacy_questions",
        ),
        RetentionRule(
            "unpaid_top_ups",
            _("Top-ups never paid"),
            _("Privacy policy: destroyed once the purpose is gone"),
            days_setting="unpaid_top_ups",
        ),
        RetentionRule(
            "rejected_slips",
            _("Payment slips of rejected top-ups"),
            _("Privacy policy: kept only while the rejection may be disputed"),
            days_setting="rejected_slips",
        ),
        RetentionRule(
            "identity_checks",
            _("Identity verification codes"),
            _("Security: a code is needed only for the minutes it is valid"),
            days_setting="identity_checks",
        ),
        RetentionRule(
            "email_confirmations",
            _("Email address confirmation links"),
            _("Security: a link is needed only while it is valid"),
            days_setting="email_confirmations",
        ),
        RetentionRule(
            "exports",
            _("Copies of your data prepared for you"),
            _("Privacy policy: destroyed when the download link expires"),
            days_setting="exports",
        ),
        RetentionRule(
            "legal_hold",
            _("Legal holds, after their release"),
            _("Privacy policy: proof of why records were kept beyond their rule"),
            setting="legal_holds",
        ),
        RetentionRule(
            "breaches",
            _("Breach incidents and the notices sent about them"),
            _("Personal Information Protection Act: proof that members and the regulator were told"),
            setting="breaches",
        ),
        RetentionRule(
            "consultations",
            _("Consultations that are not complaints or disputes"),
            _("Privacy policy: kept while a follow-up question is likely"),
            setting="consultations",
        ),
        RetentionRule(
            "notices",
            _("Notices sent to you and their delivery records"),
            _("Privacy policy: proof that a notice was sent, kept while it may be asked about"),
            setting="notices",
        ),
    ]
}
