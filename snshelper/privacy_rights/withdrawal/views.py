"""Leaving SNS Helper (the member's pages) and the withdrawn-member store (the privacy officer's)."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.form_fields import ChoiceForm, TextsForm
from snshelper.privacy.models import SignupMatch
from snshelper.privacy.retention import RULES
from snshelper.privacy_rights.requests.identity import identity_verified_required
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER


class WithdrawalForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account closes now and cannot be opened again."),
        error_messages={"required": gettext_lazy("Tick the box to confirm that you want to leave.")},
    )


@identity_verified_required
def start(request):
    """What leaving means, what stands in the way, and the confirmation."""
    form = WithdrawalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal.withdraw(member=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            language = request.user.language
            logout(request)
            query = urlencode({"language": language})
            return redirect(f"{reverse('privacy_member:withdrawal:goodbye')}?{query}")
    return render(
        request,
        "privacy/withdrawal/start.html",
        {
            "form": form,
            "obstacles": withdrawal.obstacles(request.user),
            "kept_rules": [RULES[key] for key in sorted(withdrawal.KEPT_RULES)],
            "years": settings.RETENTION_MONTHS["withdrawn_member"] // 12,
            "login_months": settings.RETENTION_MONTHS["login_records"],
        },
    )


def goodbye(request):
    """Shown once the account is closed and the member signed out, in the member's language."""
    language = ChoiceForm(request.GET, choices=tuple(dict(settings.LANGUAGES)), name="language").chosen()
    language = language or translation.get_language()
    with translation.override(language):
        response = render(request, "privacy/withdrawal/goodbye.html", {"language": language})
    response["Content-Language"] = language
    return response


@staff_page(PRIVACY_OFFICER)
def store(request):
    """Opened by member ID with a reason; each document opened is a logged reveal (P16)."""
    typed = TextsForm(request.POST, "member_id", "reason")
    member_id = typed.text("member_id").strip() if request.method == "POST" else ""
    entries = []
    if member_id:
        try:
            entries = withdrawn_selectors.open_kept(
                member_id=member_id, staff=request.user, reason=typed.text("reason")
            )
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "privacy/withdrawal/store.html",
        {
            "member_id": member_id,
            "reason": typed.text("reason"),
            "entries": entries,
            "size": withdrawn_selectors.store_size(),
        },
    )


@staff_page(PRIVACY_OFFICER)
def matches(request):
    return render(
        request, "privacy/withdrawal/matches.html", {"matches": withdrawn_selectors.signup_matches()}
    )


@staff_page(PRIVACY_OFFICER)
@require_POST
def review_match(request, pk: int):
    match = get_object_or_404(SignupMatch, pk=pk)
    withdrawal.review_match(match=match, by=request.user, note=TextsForm(request.POST, "note").text("note"))
    messages.success(request, _("Marked as reviewed."))
    return redirect("privacy_staff:withdrawn:matches")
