from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from snshelper.core import clock
from snshelper.staff import selectors, services
from snshelper.staff.models import HandOver
from snshelper.staff.security import has_totp, passed_mfa

# What a staff member may reach before MFA: setting it up, proving it, leaving.
_OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
)
# Pages that show personal data: closed until the security pledge in force is signed (P17).
_PLEDGE_PREFIXES = ("/staff/", "/admin/")
PLEDGE_PATH = "/staff/pledge/"


class StaffMFAMiddleware:
    """Staff accounts work only after MFA (set it up, then prove it in each session), only until
    their hand-over time, and open staff pages only once they signed the security pledge."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            refused = _departed(request) or _without_mfa(request) or _unpledged(request)
            if refused is not None:
                return refused
        return self.get_response(request)


def _departed(request):
    """Past the hand-over time: access ends now, even if the periodic job has not run yet."""
    hand_over = HandOver.objects.filter(staff=request.user, effective_at__lte=clock.now()).first()
    if hand_over is None:
        return None
    services.end_access(hand_over=hand_over)
    logout(request)
    messages.error(
        request, _("Your staff access ended with your hand-over. This account can no longer sign in.")
    )
    return redirect("account_login")


def _without_mfa(request):
    if request.path.startswith(_OPEN_PREFIXES):
        return None
    if not has_totp(request.user):
        messages.warning(
            request,
            _("Staff accounts must use two-factor authentication. Set up an authenticator app to continue."),
        )
        return redirect("mfa_activate_totp")
    if not passed_mfa(request):
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def _unpledged(request):
    path = request.path
    if not path.startswith(_PLEDGE_PREFIXES) or path.startswith(PLEDGE_PATH):
        return None
    if selectors.has_signed_pledge(request.user):
        return None
    messages.warning(
        request,
        _("Sign the security pledge first: staff pages open only to staff who have signed it."),
    )
    return redirect(f"{PLEDGE_PATH}?{urlencode({'next': request.get_full_path()})}")
