"""Identity verification before a privacy right is used (P9): the password again plus a code we
email. A passed check holds for a few minutes in the member's session, then is asked again."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock, ratelimit
from snshelper.core.errors import DomainError
from snshelper.privacy.models import IdentityCheck
from snshelper.privacy_rights.requests import mail

CODE_MINUTES = 15
VERIFIED_MINUTES = 15
MAX_ATTEMPTS = 5
SESSION_KEY = "privacy_identity_verified_at"
SEND_RATE = "5/3600"  # codes mailed per member per hour


class IdentityNotVerified(DomainError):
    message = _("We could not verify it is you. Check your password and the code, then try again.")


class TooManyCodes(DomainError):
    message = _("Too many codes were sent. Wait an hour, then ask for a new one.")


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def start_check(*, member) -> IdentityCheck:
    """Mail the member a new six-digit code; earlier unused codes stop working."""
    if not ratelimit.hit("identity-code", str(member.pk), SEND_RATE).allowed:
        raise TooManyCodes()
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    IdentityCheck.objects.filter(member=member, passed_at__isnull=True).update(expires_at=now)
    check = IdentityCheck.objects.create(
        member=member, code_hash=_hash(code), created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES)
    )
    mail.send_to_member(
        member=member, template="privacy/mail/identity_code", context={"code": code, "minutes": CODE_MINUTES}
    )
    return check


def verify(*, member, password: str, code: str) -> IdentityCheck:
    """Check the password and the latest code; raise ``IdentityNotVerified`` when either fails."""
    check = (
        IdentityCheck.objects.filter(member=member, passed_at__isnull=True, expires_at__gt=clock.now())
        .order_by("-created_at", "-id")
        .first()
    )
    if check is None or check.attempts >= MAX_ATTEMPTS:
        raise IdentityNotVerified(_("The code has expired or was used up. Ask for a new code."))
    check.attempts += 1
    check.save(update_fields=["attempts"])
    password_ok = member.check_password(password) if member.has_usable_password() else True
    code_ok = hmac.compare_digest(check.code_hash, _hash((code or "").strip()))
    if not (password_ok and code_ok):
        raise IdentityNotVerified()
    check.passed_at = clock.now()
    check.save(update_fields=["passed_at"])
    return check


def mark_verified(request) -> None:
    request.session[SESSION_KEY] = clock.now().timestamp()


def is_verified(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return at is not None and clock.now().timestamp() - at < VERIFIED_MINUTES * 60


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def identity_verified_required(view):
    """Send a member who has not just verified their identity to do so, then back here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        if not is_verified(request):
            return redirect(
                f"{reverse('privacy_member:verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    return wrapped
