"""Who receives personal data from us by contract or entrustment, and the only code that sends it
to them (P7).

Each recipient is declared once, here: what we send it, why, on which legal ground, and which of
our modules send it (``sent_by``). The policy lists the recipients in force in Thai, English and
Korean (``privacy_rights.policy``); a published version records which were in force, so a new one
(LINE switched on, a remote virus scanner) needs a new version (P19). ``tests/test_privacy_collection``
reads every module of the project for calls that can send data out (mail, HTTP clients, sockets,
the LINE SDK) and fails on one that no declaration names.

Provisions that a law requires are not here: they go through the disclosure register
(``privacy_rights.disclosures``), one by one, with the law that required them.
"""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str
    items: str  # what it receives
    purpose: str
    ground: str  # the legal ground of the provision
    sent_by: tuple[str, ...]  # the modules whose outbound calls carry the data to it
    enabled: Callable[[], bool] = field(default=lambda: True)
    setting: str = ""  # the setting that switches it on, when one does
    detail: Callable[[], str] = field(default=lambda: "")  # where it is (a host name), when it says


def _remote(host: str) -> bool:
    """Whether a host name is another machine (not this one)."""
    if not host or host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _mail_host() -> str:
    return settings.EMAIL_HOST if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") else ""


RECIPIENTS: list[Recipient] = [
    Recipient(
        key="providers",
        name=_("Upstream service providers that carry out the services you order"),
        items=_(
            "The link or SNS account ID of each order, its quantity, and the options you entered "
            "for it (comments, usernames, answers). Never your name, email, phone number or bank "
            "details."
        ),
        purpose=_("Carrying out the services you order, and following their progress"),
        ground=_(
            "Entrustment needed to perform the contract you made with us (PDPA section 24(3); "
            "PIPA article 26)"
        ),
        sent_by=("snshelper.providers.client",),
    ),
    Recipient(
        key="mail",
        name=_("The email delivery service we use"),
        items=_(
            "Your email address and the text of each message: notices, sign-in and verification "
            "codes, answers to your requests; and correction notices to those who received your "
            "data under a law"
        ),
        purpose=_("Sending you the emails of the service and of your privacy requests"),
        ground=_(
            "Entrustment needed to perform the contract and to answer your requests (PDPA section 24(3))"
        ),
        sent_by=(
            "snshelper.settings",  # chooses the mail backend (EMAIL_URL)
            "snshelper.notifications.channels",
            "snshelper.privacy_rights.requests.mail",
            "snshelper.privacy_rights.disclosures",
            "snshelper.privacy_rights.desk.alerts",  # to the privacy officer: request numbers only
        ),
        setting="EMAIL_HOST",
        detail=_mail_host,
    ),
    Recipient(
        key="line",
        name=_("LINE (LY Corporation), the LINE Messaging API"),
        items=_("Your LINE user ID and the text of each notice"),
        purpose=_("Sending you notices by LINE, once you linked your LINE account and chose LINE"),
        ground=_("Your choice of LINE notices, and the contract (PDPA section 24(3))"),
        sent_by=("snshelper.notifications.channels",),
        enabled=lambda: bool(settings.LINE_CHANNEL_ACCESS_TOKEN),
        setting="LINE_CHANNEL_ACCESS_TOKEN",
    ),
    Recipient(
        key="clamav",
        name=_("Our virus scanner (ClamAV), running on another server"),
        items=_("The files you upload: payment slips and consultation attachments"),
        purpose=_("Checking uploads for viruses before we keep them"),
        ground=_("The security measures the law requires of us (PDPA section 37(1); PIPA article 29)"),
        sent_by=("snshelper.core.clamav",),
        enabled=lambda: _remote(settings.CLAMD_HOST) and not settings.CLAMD_SOCKET,
        setting="CLAMD_HOST",
        detail=lambda: settings.CLAMD_HOST,
    ),
]

# Modules that use the network but send nothing out: local tools that only listen on this machine.
LOCAL_ONLY: dict[str, str] = {
    "snshelper.providers.simulator": "the provider simulator, listening on 127.0.0.1 for tests and the demo",
    "snshelper.privacy.backup": (
        "runs pg_dump / pg_restore against our own database (no third party); the backup is a local"
        " file, encrypted with the field keys"
    ),
}


def in_force() -> list[Recipient]:
    """The recipients the running configuration sends data to."""
    return [recipient for recipient in RECIPIENTS if recipient.enabled()]


def by_key(key: str) -> Recipient | None:
    return next((recipient for recipient in RECIPIENTS if recipient.key == key), None)


def senders() -> dict[str, list[str]]:
    """Module → the keys of the recipients it may send to."""
    found: dict[str, list[str]] = {}
    for recipient in RECIPIENTS:
        for module in recipient.sent_by:
            found.setdefault(module, []).append(recipient.key)
    return found
