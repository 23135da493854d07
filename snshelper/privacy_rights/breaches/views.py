"""The breach register's pages (P18): the officer's list, new incident and incident page (the
72-hour clocks, the affected members, the notices, the regulator's report, the log); and the
member's dismissal of an on-site notice."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.form_fields import LocalDateTimeField, MemberIdsField, NextForm
from snshelper.privacy.models import BreachIncident
from snshelper.privacy.registry import Category
from snshelper.privacy_rights.breaches import services as breaches
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER


def _text(label, required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class IncidentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    found_at = LocalDateTimeField(
        label=gettext_lazy("Found at (the 72-hour clock counts from here)"), required=True
    )
    occurred_from = LocalDateTimeField(label=gettext_lazy("Happened from"), required=False)
    occurred_until = LocalDateTimeField(label=gettext_lazy("Happened until"), required=False)
    what_happened = _text(gettext_lazy("What happened"), required=True)
    how = _text(gettext_lazy("How it happened"))
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Data concerned"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    likely_consequences = _text(gettext_lazy("Likely consequences"))
    measures = _text(gettext_lazy("Measures taken"))
    remedies = _text(gettext_lazy("Remedies for members"))
    what_members_can_do = _text(gettext_lazy("What members can do"))
    contact = forms.CharField(
        label=gettext_lazy("Whom to contact"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Empty: the privacy officer."),
    )


class NewIncidentForm(IncidentForm):
    member_ids = MemberIdsField(label=gettext_lazy("Affected member IDs (separated by spaces or commas)"))


class IncidentActionForm(forms.Form):
    """A button on the incident's page, and what it sends with it."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("update", "add_members", "notify", "reported", "close")], required=False
    )
    member_ids = MemberIdsField()
    reference = forms.CharField(required=False, strip=False)

    def chosen(self) -> str | None:
        return self.cleaned_data.get("action") or None if self.is_valid() else None


def _errors(form, error: DomainError) -> None:
    form.add_error(None, error.message)


@staff_page(PRIVACY_OFFICER)
def incident_list(request):
    incidents = list(BreachIncident.objects.all()[:200])
    for incident in incidents:
        incident.clocks = breaches.deadlines(incident)
    return render(request, "privacy/staff/breaches.html", {"incidents": incidents})


@staff_page(PRIVACY_OFFICER)
def incident_new(request):
    form = NewIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        member_ids = values.pop("member_ids")
        try:
            incident = breaches.record_incident(by=request.user, member_ids=member_ids, **values)
        except DomainError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Incident recorded. The 72-hour clock runs from when it was found."))
            return redirect("privacy_staff:breaches:detail", pk=incident.pk)
    return render(request, "privacy/staff/breach_new.html", {"form": form})


def _initial(incident: BreachIncident) -> dict:
    """The record as the form shows it: times to the minute, as the widget does, so that an
    unchanged form is seen as unchanged."""
    initial = {field: getattr(incident, field) for field in breaches.FIELDS}
    for field in breaches.TIME_FIELDS:
        if initial[field] is not None:
            initial[field] = initial[field].replace(second=0, microsecond=0)
    return initial


@staff_page(PRIVACY_OFFICER)
def incident_detail(request, pk: int):
    incident = get_object_or_404(BreachIncident, pk=pk)
    asked = IncidentActionForm(request.POST if request.method == "POST" else None)
    action = asked.chosen() if asked.is_bound else None
    form = IncidentForm(request.POST if action == "update" else None, initial=_initial(incident))
    if request.method == "POST":
        try:
            if action == "update":
                if form.is_valid():
                    values = {field: form.cleaned_data[field] for field in form.changed_data}
                    changed = breaches.update_incident(incident=incident, by=request.user, **values)
                    messages.success(request, _("Saved: %(count)s changes logged.") % {"count": len(changed)})
                    return redirect("privacy_staff:breaches:detail", pk=pk)
            elif action == "add_members":
                added = breaches.add_affected_members(
                    incident=incident, by=request.user, member_ids=asked.cleaned_data["member_ids"]
                )
                messages.success(request, _("%(count)s members added.") % {"count": added})
                return redirect("privacy_staff:breaches:detail", pk=pk)
            elif action == "notify":
                told = breaches.notify_members(incident=incident, by=request.user)
                messages.success(
                    request, _("%(count)s members notified, on the site and by email.") % {"count": told}
                )
                return redirect("privacy_staff:breaches:detail", pk=pk)
            elif action == "reported":
                breaches.mark_reported(
                    incident=incident, by=request.user, reference=asked.cleaned_data["reference"]
                )
                messages.success(request, _("Report to the regulator recorded."))
                return redirect("privacy_staff:breaches:detail", pk=pk)
            elif action == "close":
                breaches.close_incident(incident=incident, by=request.user)
                messages.success(request, _("Incident closed."))
                return redirect("privacy_staff:breaches:detail", pk=pk)
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "privacy/staff/breach.html",
        {
            "incident": incident,
            "form": form,
            "clocks": breaches.deadlines(incident),
            "categories": breaches.category_labels(incident),
            "members": incident.affected_members.order_by("member_id").only("member_id", "withdrawn_at"),
            "notices": incident.notices.select_related("member").only(
                "member__member_id", "language", "created_at", "emailed_at", "seen_at"
            ),
            "missing": breaches.missing_items(incident),
            "report_en": breaches.report_text(incident, "en"),
            "report_th": breaches.report_text(incident, "th"),
            "events": incident.events.select_related("actor"),
        },
    )


# --- The member dismisses an on-site notice ----------------------------------------------------


@login_required
@require_POST
def dismiss(request, pk: int):
    breaches.mark_seen(member=request.user, notice_id=pk)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect(NextForm(request.POST).page(request) or "privacy_member:overview")
