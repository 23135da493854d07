"""Retention rules: how long each purpose keeps its data, and on what basis.

Periods are settings (``RETENTION_MONTHS``) whose defaults are the policy's own numbers. The
registry names a rule for every personal field; the sweeps (privacy engine) apply them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
            _("Privacy policy; Protection of Communications Secrets Act (Korea): 3 months"),
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
            _("Privacy policy (the Act asks 3 years): 5 years"),
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
            "exports",
            _("Copies of your data prepared for you"),
            _("Privacy policy: destroyed when the download link expires"),
            days_setting="exports",
        ),
        RetentionRule(
            "legal_hold",
            _("Legal holds"),
            _("A law or an investigation requires keeping named records"),
            until=_("the hold is released"),
        ),
    ]
}
