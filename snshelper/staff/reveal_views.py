"""The privacy officer's search of the personal-data reveal log (P16)."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from snshelper.staff import access, reveals

VIEW_LOG = "staff.view_reveal_log"


class RevealSearchForm(forms.Form):
    staff_id = forms.CharField(label=_("Staff member ID"), required=False, max_length=20)
    member_id = forms.CharField(label=_("Member ID (whose data)"), required=False, max_length=20)
    field = forms.ChoiceField(label=_("Field"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Any field"))] + [(key, key) for key in sorted(access.FIELDS)]


@permission_required(VIEW_LOG, raise_exception=True)
def reveal_log(request):
    form = RevealSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    page = Paginator(reveals.search(**criteria), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "staff/reveals.html", {"form": form, "page": page, "query": query.urlencode()})
