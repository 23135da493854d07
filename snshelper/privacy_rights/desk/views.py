"""The privacy officer's desk: data-subject requests, questions and complaints with due dates,
and the disclosure register."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core import clock
from snshelper.core.errors import DomainError
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
    if request.method == "POST" and request.POST.get("action") == "reveal":
        revealed = _reveal_request_data(request, data_request, record)
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "refuse":
                requests.refuse(
                    request=data_request,
                    by=request.user,
                    ground=request.POST.get("ground", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(
                    request, _("Request #%(number)s refused; the member was told.") % {"number": pk}
                )
            else:
                requests.carry_out(
                    request=data_request, by=request.user, answer=request.POST.get("answer", "")
                )
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


def _reveal_request_data(request, data_request, record) -> dict:
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
            reason=request.POST.get("reason", ""),
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
            inquiries.answer(inquiry=inquiry, by=request.user, text=request.POST.get("answer", ""))
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


def _parse_day(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d")
    except ValueError:
        return None
    return timezone.make_aware(day.replace(hour=12))


@staff_page(PRIVACY_OFFICER)
def disclosure_new(request):
    if request.method == "POST":
        try:
            disclosed_at = _parse_day(request.POST.get("disclosed_on", ""))
            if disclosed_at is None:
                raise disclosures.DisclosureRefused(_("Give the date of the provision."))
            disclosure = disclosures.record_disclosure(
                by=request.user,
                recipient=request.POST.get("recipient", ""),
                recipient_contact=request.POST.get("recipient_contact", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                fields=request.POST.getlist("fields"),
                member_ids=request.POST.get("member_ids", "").replace(",", " ").split(),
                disclosed_at=min(disclosed_at, clock.now()),
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
            "post": request.POST,
            "chosen": request.POST.getlist("fields"),
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
