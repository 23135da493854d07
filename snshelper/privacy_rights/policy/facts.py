"""The promises the settings make in the policy (P19): retention periods, the officer, the cookies,
the recipients of personal data, the deadlines. A published version records them (``facts``) and
the policy page shows the version's, not whatever the settings say today; the system check
(``checks.py``) refuses to start when what runs differs from every version in force or announced.

Facts are a flat mapping, each key naming what sets it (``RETENTION_MONTHS["login_records"]``,
``cookie "sessionid"``, ``recipient "line"``), each value plain JSON.
"""

from dataclasses import dataclass

from django.conf import settings

from snshelper.privacy import recipients
from snshelper.privacy.cookies import CookieDeclaration, declared_cookies
from snshelper.privacy.recipients import Recipient
from snshelper.privacy.retention import RULES, RetentionRule

SCALARS = (
    "PRIVACY_OFFICER_NAME",
    "PRIVACY_OFFICER_EMAIL",
    "PRIVACY_ANSWER_DAYS",
    "PRIVACY_EXPORT_DAYS",
    "POLICY_NOTICE_DAYS",
)


def _months_key(setting: str) -> str:
    return f'RETENTION_MONTHS["{setting}"]'


def _days_key(setting: str) -> str:
    return f'RETENTION_DAYS["{setting}"]'


def _cookie_key(name: str) -> str:
    return f'cookie "{name}"'


def _recipient_key(key: str) -> str:
    return f'recipient "{key}"'


def running() -> dict:
    """The facts as the settings and declarations make them now: what runs."""
    facts: dict = {name: getattr(settings, name) for name in SCALARS}
    for rule in RULES.values():
        if rule.setting:
            facts[_months_key(rule.setting)] = settings.RETENTION_MONTHS[rule.setting]
        if rule.days_setting:
            facts[_days_key(rule.days_setting)] = settings.RETENTION_DAYS[rule.days_setting]
    for cookie in declared_cookies():
        facts[_cookie_key(cookie.name)] = {
            "essential": cookie.essential,
            "max_age": cookie.max_age,
            "until_sign_out": cookie.until_sign_out,
        }
    for recipient in recipients.in_force():
        facts[_recipient_key(recipient.key)] = recipient.detail() or True
    return facts


@dataclass(frozen=True)
class Difference:
    key: str
    published: object  # None when the version does not have it
    running: object  # None when what runs does not have it

    @property
    def named(self) -> str:
        """The fact with the settings that make it, as an operator would look for them."""
        if self.key.startswith("cookie "):
            name = self.key.split('"')[1]
            cookie = next((c for c in declared_cookies() if c.name == name), None)
            names = cookie.setting_names if cookie and cookie.setting_names else ("privacy.cookies",)
            return f"{self.key} ({', '.join(names)})"
        if self.key.startswith("recipient "):
            recipient = recipients.by_key(self.key.split('"')[1])
            return f"{self.key} ({recipient.setting or 'privacy.recipients'})" if recipient else self.key
        return f"settings.{self.key}"


def differences(published: dict, now: dict) -> list[Difference]:
    """What differs between a version's facts and the facts now, key by key."""
    return [
        Difference(key, published.get(key), now.get(key))
        for key in sorted(set(published) | set(now))
        if published.get(key) != now.get(key)
    ]


# --- Reading a version's facts for the page ---------------------------------------------------


@dataclass(frozen=True)
class CookieRow:
    name: str
    purpose: str
    lifetime: str
    essential: bool


class Facts:
    """A version's facts (or what runs, for a policy not yet published), as the policy reads them."""

    def __init__(self, values: dict | None = None):
        self.values = values if values else running()

    def __getitem__(self, name: str):
        return self.values.get(name, getattr(settings, name, None))

    def months(self, rule: RetentionRule) -> int | None:
        return self.values.get(_months_key(rule.setting)) if rule.setting else None

    def days(self, rule: RetentionRule) -> int | None:
        return self.values.get(_days_key(rule.days_setting)) if rule.days_setting else None

    def cookies(self) -> list[CookieRow]:
        declared = {cookie.name: cookie for cookie in declared_cookies()}
        rows = []
        for key, value in self.values.items():
            if not key.startswith("cookie "):
                continue
            name = key.split('"')[1]
            cookie = declared.get(name)
            shown = CookieDeclaration(
                name,
                cookie.purpose if cookie else "",
                value["max_age"],
                essential=value["essential"],
                until_sign_out=value.get("until_sign_out", False),
            )
            rows.append(CookieRow(name, shown.purpose, shown.lifetime, shown.essential))
        return rows

    def recipients(self) -> list[tuple[Recipient, str]]:
        """The recipients the version names, in the declarations' order, with where each is."""
        found = []
        for recipient in recipients.RECIPIENTS:
            value = self.values.get(_recipient_key(recipient.key))
            if value is not None:
                found.append((recipient, value if isinstance(value, str) else ""))
        return found
