"""A member's privacy pages: verify identity, then see, correct, delete or suspend their data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from snshelper.core.errors import DomainError
from snshelper.privacy import identity


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/account/privacy/"


@login_required
def verify(request):
    """Step 1 mails a code; step 2 takes the password and the code."""
    sent = False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                identity.start_check(member=request.user)
                messages.success(request, _("We sent a code to %(email)s.") % {"email": request.user.email})
                sent = True
            else:
                identity.verify(
                    member=request.user,
                    password=request.POST.get("password", ""),
                    code=request.POST.get("code", ""),
                )
                identity.mark_verified(request)
                return redirect(_next(request))
        except DomainError as error:
            messages.error(request, error.message)
            sent = request.POST.get("action") != "send"
    return render(
        request,
        "privacy/verify.html",
        {"next": _next(request), "sent": sent, "needs_password": request.user.has_usable_password()},
    )
