from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

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


class StaffMFAMiddleware:
    """Staff accounts work only after MFA: set it up, then prove it in each session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff and not request.path.startswith(_OPEN_PREFIXES):
            if not has_totp(user):
                messages.warning(
                    request,
                    _(
                        "Staff accounts must use two-factor authentication. "
                        "Set up an authenticator app to continue."
                    ),
                )
                return redirect("mfa_activate_totp")
            if not passed_mfa(request):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
