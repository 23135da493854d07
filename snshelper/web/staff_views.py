"""Staff pages for announcements (issue 8): the list (showing, scheduled, ended), new, edit, end now.
Administrators and marketing publish them (``web.*_announcement`` permissions, roles.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.form_fields import LocalDateTimeField
from snshelper.staff.access import staff_page
from snshelper.staff.roles import ADMINISTRATOR, MARKETING
from snshelper.web import selectors, services
from snshelper.web.models import Announcement

WHEN = {"type": "datetime-local"}
THAI_REQUIRED = {"required": services.ThaiTextMissing.message}


def _text(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        error_messages=THAI_REQUIRED,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnnouncementForm(forms.Form):
    """The shape of the input; the rules (Thai required, end after start) are the service's, the
    form only says the Thai fields are required at once, in the service's words."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Announcement.Kind.choices)
    title_th = forms.CharField(
        label=gettext_lazy("Title in Thai"), max_length=200, error_messages=THAI_REQUIRED
    )
    body_th = _text(gettext_lazy("Text in Thai"), required=True)
    title_en = forms.CharField(label=gettext_lazy("Title in English"), max_length=200, required=False)
    body_en = _text(gettext_lazy("Text in English"))
    title_ko = forms.CharField(label=gettext_lazy("Title in Korean"), max_length=200, required=False)
    body_ko = _text(gettext_lazy("Text in Korean"))
    published_at = LocalDateTimeField(
        label=gettext_lazy("Show from (Bangkok time; empty: now)"), required=False
    )
    ends_at = LocalDateTimeField(
        label=gettext_lazy("Show until (Bangkok time; empty: until ended)"), required=False
    )


def _initial(announcement: Announcement) -> dict:
    fields = ["kind", *services.TEXT_FIELDS, "published_at", "ends_at"]
    return {field: getattr(announcement, field) for field in fields}


@staff_page(MARKETING, ADMINISTRATOR)
def announcement_list(request):
    return render(request, "web/staff/announcements.html", {"lists": selectors.staff_announcements()})


@staff_page(MARKETING, ADMINISTRATOR)
def announcement_new(request):
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_announcement(**form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Announcement published."))
            return redirect("announcements_staff:list")
    return render(request, "web/staff/announcement_form.html", {"form": form, "announcement": None})


@staff_page(MARKETING, ADMINISTRATOR)
def announcement_edit(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    form = AnnouncementForm(request.POST or None, initial=_initial(announcement))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["published_at"] = values["published_at"] or announcement.published_at
        try:
            services.edit_announcement(announcement=announcement, **values)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Announcement saved."))
            return redirect("announcements_staff:list")
    return render(request, "web/staff/announcement_form.html", {"form": form, "announcement": announcement})


@require_POST
@staff_page(MARKETING, ADMINISTRATOR)
def announcement_end(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    try:
        services.end_announcement(announcement=announcement)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Announcement ended: visitors no longer see it."))
    return redirect("announcements_staff:list")
