"""The privacy officer's retention pages: the rules in force, the destruction log, legal holds."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core.form_fields import ListForm, TextsForm
from snshelper.privacy import holds, registry, schedule
from snshelper.privacy.models import DestructionLog, LegalHold
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER

LOG_PAGE = 50


def _record_types() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (label, f"{registry.record_name(label, plural=True)} ({label})") for label in holds.holdable_types()
    ]


class HoldForm(forms.Form):
    member_id = forms.CharField(label=gettext_lazy("Member ID"), max_length=16, required=False)
    record_type = forms.ChoiceField(label=gettext_lazy("Or one record: its kind"), required=False)
    record_id = forms.CharField(label=gettext_lazy("and its number"), max_length=40, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason (the law or the investigation)"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = _record_types()

    def clean_member_id(self):
        member_id = self.cleaned_data["member_id"].strip().upper()
        if not member_id:
            return None
        member = get_user_model().objects.filter(member_id=member_id).first()
        if member is None:
            raise forms.ValidationError(_("No member has this member ID."))
        return member


@staff_page(PRIVACY_OFFICER)
def rules(request):
    return render(
        request,
        "privacy/staff/retention.html",
        {"rules": schedule.rules_in_force(), "not_swept": schedule.not_swept()},
    )


@staff_page(PRIVACY_OFFICER)
def destruction_log(request):
    page = Paginator(DestructionLog.objects.all(), LOG_PAGE).get_page(ListForm(request.GET).value("page"))
    for entry in page:
        entry.name = _record_name(entry.record_type)
    return render(request, "privacy/staff/retention_log.html", {"page": page})


def _record_name(label: str) -> str:
    try:
        return registry.record_name(label, plural=True)
    except (LookupError, ValueError):
        return ""  # a kind of record since removed from the code: shown by its label


@staff_page(PRIVACY_OFFICER)
def legal_holds(request):
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = holds.place_hold(
                member=data["member_id"],
                record_type=data["record_type"],
                record_id=data["record_id"],
                reason=data["reason"],
                by=request.user,
            )
        except holds.HoldError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Hold %(number)s placed: the sweeps skip it.") % {"number": hold.pk})
            return redirect("privacy_staff:retention:holds")
    listed = LegalHold.objects.select_related("member", "placed_by", "released_by")
    return render(
        request,
        "privacy/staff/retention_holds.html",
        {
            "form": form,
            "active": listed.filter(released_at__isnull=True),
            "released": listed.filter(released_at__isnull=False).order_by("-released_at")[:50],
        },
    )


@staff_page(PRIVACY_OFFICER)
@require_POST
def release(request, pk):
    hold = get_object_or_404(LegalHold, pk=pk)
    reason = TextsForm(request.POST, "reason").text("reason").strip()
    if not reason:
        messages.error(request, _("Say why the hold ends."))
        return redirect("privacy_staff:retention:holds")
    try:
        holds.release_hold(hold=hold, by=request.user, reason=reason)
        messages.success(request, _("Hold %(number)s released.") % {"number": hold.pk})
    except holds.HoldError as error:
        messages.error(request, str(error.message))
    return redirect("privacy_staff:retention:holds")
