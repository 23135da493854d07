"""The cookies page (P13): every cookie we set (as the policy in force lists them), the visitor's
choice, and where to change it."""

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from snshelper.core.form_fields import ChoiceForm, NextForm
from snshelper.privacy import cookies
from snshelper.privacy_rights.policy import versions


def cookies_page(request):
    listed = versions.facts_of(versions.current_version()).cookies()
    return render(
        request, "privacy/cookies.html", {"cookies": listed, "choice": cookies.current_choice(request)}
    )


@require_POST
def choose(request):
    """Accept or refuse the optional cookies, then back to the page the visitor was on."""
    answer = ChoiceForm(request.POST, choices=("accept", "refuse"), name="choice").chosen()
    if answer is None:
        return HttpResponseBadRequest()
    response = redirect(_back(request))
    version = versions.current_version()
    cookies.remember_choice(
        request=request,
        response=response,
        accepted=answer == "accept",
        policy_version=version.number if version is not None else None,
    )
    return response


def _back(request) -> str:
    return NextForm(request.POST).page(request) or reverse("privacy:cookies")
