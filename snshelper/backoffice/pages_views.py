"""Staff pages for the pages visitors read (issue 18): the list, new, edit (each change of text is
a new version). Administrators and marketing write them (``pages.*_page`` permissions, roles.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from snshelper.core.errors import DomainError
from snshelper.pages import selectors, services
from snshelper.pages.models import Page
from snshelper.staff.access import staff_page
from snshelper.staff.roles import ADMINISTRATOR, MARKETING

THAI_REQUIRED = {"required": services.ThaiTextMissing.message}
MARKUP_HELP = gettext_lazy(
    "Markdown: **bold**, *italic*, ## a heading, - a list item, 1. a numbered item, "
    "[a link](https://example.com). HTML, scripts and styles are removed."
)
ADDRESS_ERRORS = (services.AddressInvalid, services.AddressTaken)


def _text(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        error_messages=THAI_REQUIRED,
        help_text=MARKUP_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class PageForm(forms.Form):
    """The shape of the input; the rules (address, Thai required, one terms page) are the service's."""

    slug = forms.CharField(
        label=gettext_lazy("Page address"), max_length=80, help_text=Page._meta.get_field("slug").help_text
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Page.Kind.choices)
    title_th = forms.CharField(
        label=gettext_lazy("Title in Thai"), max_length=200, error_messages=THAI_REQUIRED
    )
    body_th = _text(gettext_lazy("Text in Thai"), required=True)
    title_en = forms.CharField(label=gettext_lazy("Title in English"), max_length=200, required=False)
    body_en = _text(gettext_lazy("Text in English"))
    title_ko = forms.CharField(label=gettext_lazy("Title in Korean"), max_length=200, required=False)
    body_ko = _text(gettext_lazy("Text in Korean"))
    sort_order = forms.IntegerField(
        label=gettext_lazy("Position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=Page._meta.get_field("sort_order").help_text,
    )
    in_footer = forms.BooleanField(
        label=gettext_lazy("Link it from the footer"), required=False, initial=True
    )
    is_published = forms.BooleanField(
        label=gettext_lazy("Published: visitors can read it"),
        required=False,
        help_text=Page._meta.get_field("is_published").help_text,
    )


def _initial(page: Page) -> dict:
    values = {
        field: getattr(page, field) for field in ("slug", "kind", "sort_order", "in_footer", "is_published")
    }
    values.update({field: getattr(page.current, field) for field in services.TEXT_FIELDS})
    return values


def _refused(form: PageForm, error: DomainError) -> None:
    form.add_error("slug" if isinstance(error, ADDRESS_ERRORS) else None, error.message)


@staff_page(MARKETING, ADMINISTRATOR)
def page_list(request):
    return render(request, "pages/staff/list.html", {"pages": selectors.staff_pages()})


@staff_page(MARKETING, ADMINISTRATOR)
def page_new(request):
    form = PageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.create_page(**form.cleaned_data, by=request.user)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Page saved as version 1."))
            return redirect("pages_staff:edit", pk=page.pk)
    return render(request, "pages/staff/form.html", {"form": form, "page": None})


@staff_page(MARKETING, ADMINISTRATOR)
def page_edit(request, pk: int):
    page = get_object_or_404(selectors.staff_pages(), pk=pk)
    form = PageForm(request.POST or None, initial=_initial(page))
    if request.method == "POST" and form.is_valid():
        number = page.current.number
        try:
            page = services.edit_page(page=page, **form.cleaned_data, by=request.user)
        except DomainError as error:
            _refused(form, error)
        else:
            if page.current.number != number:
                messages.success(
                    request, _("Page saved as version %(number)s.") % {"number": page.current.number}
                )
            else:
                messages.success(request, _("Page saved. Its text did not change, so it keeps its version."))
            return redirect("pages_staff:edit", pk=page.pk)
    return render(
        request, "pages/staff/form.html", {"form": form, "page": page, "versions": selectors.versions(page)}
    )
