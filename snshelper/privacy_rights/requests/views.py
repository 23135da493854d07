"""A member's privacy pages: verify identity, then see, correct, delete or suspend their data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry
from snshelper.privacy_rights.desk import selectors
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.requests import identity, inquiries
from snshelper.privacy_rights.requests import services as requests


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


@login_required
def overview(request):
    """The member's rights, their requests with answers, and their questions to the officer."""
    return render(request, "privacy/my_privacy.html", selectors.member_privacy(request.user))


@identity.identity_verified_required
def request_view(request):
    """GET explains what the copy holds (and is where identity verification returns to)."""
    if request.method != "POST":
        return render(request, "privacy/request_view.html", {"days": settings.PRIVACY_EXPORT_DAYS})
    export.request_view(member=request.user)
    messages.success(
        request, _("We are preparing a copy of your data. We will email you when it is ready to download.")
    )
    return redirect("privacy_member:overview")


def _request_form(request, *, kind: str, template: str, submit):
    chosen = {"target": request.POST.get("target", ""), "record_id": request.POST.get("record_id", "")}
    if request.method == "POST":
        try:
            submit()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("We received your request. We answer within %(days)s days.")
                % {"days": settings.PRIVACY_ANSWER_DAYS},
            )
            return redirect("privacy_member:overview")
    return render(
        request,
        template,
        {"targets": requests.targets(), "chosen": chosen, "post": request.POST, "kind": kind},
    )


@identity.identity_verified_required
def request_correction(request):
    return _request_form(
        request,
        kind="correct",
        template="privacy/request_correct.html",
        submit=lambda: requests.request_correction(
            member=request.user,
            target_key=request.POST.get("target", ""),
            record_id=request.POST.get("record_id", ""),
            value=request.POST.get("value", ""),
            details=request.POST.get("details", ""),
        ),
    )


@identity.identity_verified_required
def request_deletion(request):
    return _request_form(
        request,
        kind="delete",
        template="privacy/request_delete.html",
        submit=lambda: requests.request_deletion(
            member=request.user,
            target_key=request.POST.get("target", ""),
            record_id=request.POST.get("record_id", ""),
            details=request.POST.get("details", ""),
        ),
    )


@identity.identity_verified_required
def request_suspension(request):
    return _request_form(
        request,
        kind="suspend",
        template="privacy/request_suspend.html",
        submit=lambda: requests.request_suspension(
            member=request.user, details=request.POST.get("details", "")
        ),
    )


@login_required
@require_POST
def withdraw_request(request, pk: int):
    data_request = get_object_or_404(DataSubjectRequest, pk=pk, member=request.user)
    try:
        requests.withdraw_request(request=data_request, member=request.user)
        messages.success(request, _("Your request was withdrawn."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("privacy_member:overview")


@login_required
@require_POST
def resume_processing(request):
    try:
        requests.resume_processing(member=request.user)
        messages.success(
            request, _("We process your data again. Orders that waited go ahead within the hour.")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("privacy_member:overview")


@login_required
def ask(request):
    """A question or complaint to the privacy officer (no identity check: it discloses nothing)."""
    if request.method == "POST":
        try:
            inquiries.ask(
                member=request.user,
                kind=request.POST.get("kind", ""),
                subject=request.POST.get("subject", ""),
                body=request.POST.get("body", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Your message reached our privacy officer. The answer is due within %(days)s days.")
                % {"days": settings.PRIVACY_ANSWER_DAYS},
            )
            return redirect("privacy_member:overview")
    return render(request, "privacy/ask.html", {"kinds": PrivacyInquiry.Kind.choices, "post": request.POST})
