"""The privacy officer's desk: data-subject requests, questions and complaints with due dates,
and the disclosure register."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.core.form_fields import ChoiceForm, MemberIdsField, TextListField, TextsForm, first_error
from snshelper.core.network import client_ip
from snshelper.privacy.models import (
    CorrectionNotice,
    DataSubjectRequest,
    Disclosure,
    PrivacyInquiry,
    RefusalGround,
)
from snshelper.privacy_rights import disclosures
from snshelper.privacy_rights.desk import selectors
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.requests import services as requests
from snshelper.staff import reveals
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER


@staff_page(PRIVACY_OFFICER)
def desk(request):
    return render(request, "privacy/staff/desk.html", {"desk": selectors.officer_desk()})


@staff_page(PRIVACY_OFFICER)
def request_detail(request, pk: int):
    data_request = get_object_or_404(DataSubjectRequest.objects.select_related("member"), pk=pk)
    record = selectors.target_record(data_request)
    revealed = {}
    action = ChoiceForm(request.POST, choices=("reveal", "refuse", "carry_out")).chosen()
    typed = TextsForm(request.POST, "ground", "reason", "answer")
    if request.method == "POST" and action == "reveal":
        revealed = _reveal_request_data(request, data_request, record, reason=typed.text("reason"))
    elif request.method == "POST":
        try:
            if action == "refuse":
                requests.refuse(
                    request=data_request,
                    by=request.user,
                    ground=typed.text("ground"),
                    reason=typed.text("reason"),
                )
                messages.success(
                    request, _("Request #%(number)s refused; the member was told.") % {"number": pk}
                )
            else:
                requests.carry_out(request=data_request, by=request.user, answer=typed.text("answer"))
                messages.success(
                    request, _("Request #%(number)s carried out; the member was told.") % {"number": pk}
                )
            return redirect("privacy_staff:desk")
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "privacy/staff/request.html",
        {
            "item": data_request,
            "has_current": record is not None,
            "revealed": revealed,
            "grounds": RefusalGround.choices,
            "steps": data_request.steps.select_related("actor"),
        },
    )


def _reveal_request_data(request, data_request, record, *, reason: str) -> dict:
    """The value held now and the value asked for, in clear for this response, each reveal logged (P16)."""

    asks = []
    if record is not None:
        asks.append(("current", data_request.target, record))
    if data_request.kind == DataSubjectRequest.Kind.CORRECT:
        asks.append(("requested", "privacy.DataSubjectRequest.requested_value", data_request))
    try:
        return reveals.reveal_many(
            staff=request.user,
            member=data_request.member,
            asks=asks,
            reason=reason,
            ip_address=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return {}


@staff_page(PRIVACY_OFFICER)
def inquiry_detail(request, pk: int):
    inquiry = get_object_or_404(PrivacyInquiry.objects.select_related("member"), pk=pk)
    if request.method == "POST":
        try:
            inquiries.answer(
                inquiry=inquiry, by=request.user, text=TextsForm(request.POST, "answer").text("answer")
            )
            messages.success(request, _("Answer sent; the member reads it on their privacy page."))
            return redirect("privacy_staff:desk")
        except DomainError as error:
            messages.error(request, error.message)
    return render(request, "privacy/staff/inquiry.html", {"inquiry": inquiry})


@staff_page(PRIVACY_OFFICER)
def disclosure_list(request):
    return render(
        request,
        "privacy/staff/disclosures.html",
        {"disclosures": Disclosure.objects.prefetch_related("members")[:200]},
    )


class DisclosureForm(forms.Form):
    """A provision of personal data to a third party, as the officer types it. A missing or
    unreadable date is asked for by name; the rest is checked by ``disclosures``."""

    disclosed_on = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": gettext_lazy("Give the date of the provision."),
            "invalid": gettext_lazy("Give the date of the provision."),
        },
    )
    recipient = forms.CharField(required=False, strip=False)
    recipient_contact = forms.CharField(required=False, strip=False)
    legal_basis = forms.CharField(required=False, strip=False)
    fields = TextListField()
    member_ids = MemberIdsField()

    def disclosed_at(self) -> datetime:
        """Noon of that day where we are (no time of day is asked), never later than now."""
        day = datetime.combine(self.cleaned_data["disclosed_on"], time(12))
        return min(timezone.make_aware(day), clock.now())


@staff_page(PRIVACY_OFFICER)
def disclosure_new(request):
    form = DisclosureForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        try:
            if not form.is_valid():
                raise disclosures.DisclosureRefused(first_error(form))
            typed = form.cleaned_data
            disclosure = disclosures.record_disclosure(
                by=request.user,
                recipient=typed["recipient"],
                recipient_contact=typed["recipient_contact"],
                legal_basis=typed["legal_basis"],
                fields=typed["fields"],
                member_ids=typed["member_ids"],
                disclosed_at=form.disclosed_at(),
            )
            messages.success(request, _("Disclosure recorded. Download the bundle to hand over."))
            return redirect("privacy_staff:disclosure", pk=disclosure.pk)
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "privacy/staff/disclosure_new.html",
        {
            "fields": disclosures.disclosable_fields(),
            "post": form.data,
            "chosen": form.cleaned_data.get("fields", []) if form.is_bound else [],
            "today": timezone.localdate(clock.now()).isoformat(),
        },
    )


@staff_page(PRIVACY_OFFICER)
def disclosure_detail(request, pk: int):
    disclosure = get_object_or_404(Disclosure.objects.prefetch_related("members"), pk=pk)
    return render(
        request,
        "privacy/staff/disclosure.html",
        {"disclosure": disclosure, "notices": disclosure.correction_notices.select_related("member")},
    )


@staff_page(PRIVACY_OFFICER)
def disclosure_bundle(request, pk: int):
    disclosure = get_object_or_404(Disclosure, pk=pk)
    response = HttpResponse(disclosure.bundle, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosure-{disclosure.pk}.json"'
    return response


@staff_page(PRIVACY_OFFICER)
@require_POST
def notice_sent(request, pk: int):
    notice = get_object_or_404(CorrectionNotice, pk=pk)
    disclosures.mark_notice_sent(notice=notice, by=request.user)
    messages.success(request, _("Marked as delivered to the recipient."))
    return redirect("privacy_staff:disclosure", pk=notice.disclosure_id)
