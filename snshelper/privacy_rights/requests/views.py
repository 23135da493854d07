"""A member's privacy pages: verify identity, then see, correct, delete or suspend their data."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core import parse
from snshelper.core.errors import DomainError
from snshelper.core.form_fields import ChoiceForm, TextsForm, next_page
from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry
from snshelper.privacy_rights.desk import selectors
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.requests import identity, inquiries
from snshelper.privacy_rights.requests import services as requests


def _next(request) -> str:
    return next_page(request, "/account/privacy/")


class RequestForm(forms.Form):
    """A request about one piece of the member's data: which (``target``), which record (its
    number: None when it cannot be read, and the service asks for it), the new value, why."""

    target = forms.CharField(required=False, strip=False)
    record_id = forms.CharField(required=False, strip=False)
    value = forms.CharField(required=False, strip=False)
    details = forms.CharField(required=False, strip=False)

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()

    def clean_record_id(self) -> int | None:
        self.record_text = self.cleaned_data["record_id"]  # shown again as typed
        return parse.record_id(self.record_text)

    def get(self, name: str):
        return self.cleaned_data.get(name, "")


@login_required
def verify(request):
    """Step 1 mails a code; step 2 takes the password and the code."""
    sent = False
    if request.method == "POST":
        sending = ChoiceForm(request.POST, choices=("send", "verify")).chosen() == "send"
        typed = TextsForm(request.POST, "password", "code")
        try:
            if sending:
                identity.start_check(member=request.user)
                messages.success(request, _("We sent a code to %(email)s.") % {"email": request.user.email})
                sent = True
            else:
                identity.verify(
                    member=request.user,
                    password=typed.text("password"),
                    code=typed.text("code"),
                )
                identity.mark_verified(request)
                return redirect(_next(request))
        except DomainError as error:
            messages.error(request, error.message)
            sent = not sending
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
    form = RequestForm(request.POST)
    chosen = {"target": form.get("target"), "record_id": getattr(form, "record_text", "")}
    if request.method == "POST":
        try:
            submit(form)
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
        {"targets": requests.targets(), "chosen": chosen, "post": form.data, "kind": kind},
    )


@identity.identity_verified_required
def request_correction(request):
    return _request_form(
        request,
        kind="correct",
        template="privacy/request_correct.html",
        submit=lambda form: requests.request_correction(
            member=request.user,
            target_key=form.get("target"),
            record_id=form.get("record_id"),
            value=form.get("value"),
            details=form.get("details"),
        ),
    )


@identity.identity_verified_required
def request_deletion(request):
    return _request_form(
        request,
        kind="delete",
        template="privacy/request_delete.html",
        submit=lambda form: requests.request_deletion(
            member=request.user,
            target_key=form.get("target"),
            record_id=form.get("record_id"),
            details=form.get("details"),
        ),
    )


@identity.identity_verified_required
def request_suspension(request):
    return _request_form(
        request,
        kind="suspend",
        template="privacy/request_suspend.html",
        submit=lambda form: requests.request_suspension(member=request.user, details=form.get("details")),
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
    typed = TextsForm(request.POST, "kind", "subject", "body")
    if request.method == "POST":
        try:
            inquiries.ask(
                member=request.user,
                kind=typed.text("kind"),
                subject=typed.text("subject"),
                body=typed.text("body"),
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
    return render(request, "privacy/ask.html", {"kinds": PrivacyInquiry.Kind.choices, "post": typed.data})
