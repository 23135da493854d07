"""The privacy officer's search of the personal-data reveal log and its monthly review (P16)."""

from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.form_fields import ListForm
from snshelper.staff import access, reveals
from snshelper.staff.access import staff_page
from snshelper.staff.models import RevealLog
from snshelper.staff.roles import PRIVACY_OFFICER


class RevealSearchForm(forms.Form):
    staff_id = forms.CharField(label=_("Staff member ID"), required=False, max_length=20)
    member_id = forms.CharField(label=_("Member ID (whose data)"), required=False, max_length=20)
    field = forms.ChoiceField(label=_("Field"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        logged = RevealLog.objects.values_list("field", flat=True).distinct()
        fields = sorted(set(access.FIELDS) | set(logged))
        self.fields["field"].choices = [("", _("Any field"))] + [(key, key) for key in fields]


class MonthForm(forms.Form):
    """``?month=YYYY-MM``: a month (its first day)."""

    month = forms.DateField(input_formats=["%Y-%m"], required=False)


@staff_page(PRIVACY_OFFICER)
def reveal_log(request):
    form = RevealSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    page = Paginator(reveals.search(**criteria), 50).get_page(ListForm(request.GET).value("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "staff/reveals.html", {"form": form, "page": page, "query": query.urlencode()})


@staff_page(PRIVACY_OFFICER)
def reveal_report(request):
    """The monthly review of the reveal log; the previous month unless ``?month=YYYY-MM``."""
    today = timezone.localdate(clock.now())
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    asked = MonthForm(request.GET)
    month = asked.cleaned_data["month"] if asked.is_valid() and asked.cleaned_data["month"] else previous
    return render(
        request,
        "staff/reveals_report.html",
        {"month": month, "lines": reveals.monthly_report(month), "month_value": month.strftime("%Y-%m")},
    )
