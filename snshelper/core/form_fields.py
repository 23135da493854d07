"""Form fields every app's forms share: they read text with ``core.parse`` into typed values."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from snshelper.core import parse

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def first_error(form: forms.Form) -> str:
    """A bound form's first error: the pages show one reason at a time."""
    return str(next(iter(form.errors.values()))[0])


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's date-time picker, read in the active time zone
    (Bangkok on screen; stored in UTC)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)
        )
        kwargs.setdefault("input_formats", [LOCAL_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class WholeNumberField(forms.Field):
    """A whole number of zero or more, read by ``core.parse.whole_number`` (empty: None).

    ``max_value`` refuses a larger one with the ``max_value`` message (the database's columns end
    somewhere); pass ``error_messages={"invalid": ...}`` to say what a service would say.
    """

    default_error_messages = {
        "invalid": _("Enter a whole number."),
        "max_value": _("Enter a whole number."),
    }

    def __init__(self, *, max_value: int | None = None, **kwargs):
        self.max_value = max_value
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        number = parse.whole_number(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if self.max_value is not None and number > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value")
        return number


class LinesField(forms.CharField):
    """One item a line (usernames, comments): the non-blank lines, stripped, as a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        return parse.lines(super().to_python(value))


class DayMonthYearField(forms.Field):
    """A date written d/m/Y, a Buddhist-era year understood (``core.parse.day_month_year``)."""

    default_error_messages = {"invalid": _("Enter a valid date.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        found = parse.day_month_year(str(value))
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class YesField(forms.BooleanField):
    """A box or button that sends ``yes`` when it means yes; anything else (``no``, nothing) is no."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> bool:
        return value in ("yes", True)


class AmountField(forms.Field):
    """An amount of baht typed by a person (``1,250.50``), read by ``core.parse.amount`` into a
    Decimal with at most two decimals: greater than zero, or (``signed``) any but zero.

    Pass ``error_messages={"invalid": ...}`` to say what the service would say."""

    default_error_messages = {"invalid": _("Enter an amount greater than zero, with at most two decimals.")}

    def __init__(self, *, signed: bool = False, **kwargs):
        self.signed = signed
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "20"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        number = parse.amount(value)
        if number is None or number == 0 or (number < 0 and not self.signed):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DecimalNumberField(forms.Field):
    """A decimal number, signed or not (``36.5``, ``-10``), read by ``core.parse.decimal_number``
    (empty: None). Pass ``error_messages={"invalid": ...}`` to say what the service would say."""

    default_error_messages = {"invalid": _("Enter a number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        number = parse.decimal_number(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ChoiceForm(forms.Form):
    """The one choice a page's buttons make (``action=approve``, ``decision=accept``...): one of
    ``choices``, or None when the request names none of them. The honest edge for a button."""

    def __init__(self, data, *, choices: tuple[str, ...], name: str = "action"):
        super().__init__(data)
        self.name = name
        self.fields[name] = forms.ChoiceField(
            choices=[(choice, choice) for choice in choices], required=False
        )

    def chosen(self) -> str | None:
        return (self.cleaned_data.get(self.name) or None) if self.is_valid() else None


class ListForm(forms.Form):
    """A list page's query string: which page (``?page=3``), and in subclasses its search and
    filters. A value that cannot be read is left out: the list shows its first page, unfiltered."""

    page = WholeNumberField(max_value=parse.LARGEST_COUNT)

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()

    def value(self, name: str, default=None):
        found = getattr(self, "cleaned_data", {}).get(name)
        return default if found in (None, "") else found


def page_asked(query, name: str = "page") -> int | None:
    """The page of one list asked for by ``?<name>=`` (a page with several lists pages each by
    its own parameter), read by a form of that one field; unreadable: None (the first page)."""
    form = type(
        "PageForm", (forms.Form,), {name: WholeNumberField(max_value=parse.LARGEST_COUNT, required=False)}
    )
    bound = form(query)
    return bound.cleaned_data.get(name) if bound.is_valid() else None


class NextForm(forms.Form):
    """``next``: the page of ours to go back to after a button (never one elsewhere)."""

    next = forms.CharField(required=False)

    def page(self, request) -> str:
        """The page asked for when it is one of ours, else ''."""
        target = self.cleaned_data.get("next", "") if self.is_valid() else ""
        allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
        return target if target and allowed else ""


def next_page(request, default: str = "") -> str:
    """The page of ours a request asks to go back to (``next`` in the form, else in the query
    string), or ``default``."""
    return NextForm(request.POST).page(request) or NextForm(request.GET).page(request) or default


class MemberIdsField(forms.CharField):
    """Member IDs separated by spaces, commas or lines (``SH-7K3Q9X2P, sh-2m...``): a list, each
    upper-cased, repeats dropped."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return list(dict.fromkeys(item.upper() for item in text.replace(",", " ").split()))


class TextsForm(forms.Form):
    """The free texts a page sends with a button (a reason, an answer, a note, a password...),
    each as it was typed and '' when absent: the service says what each must be."""

    def __init__(self, data, *names: str):
        super().__init__(data)
        for name in names:
            self.fields[name] = forms.CharField(required=False, strip=False)
        self.is_valid()

    def text(self, name: str) -> str:
        return getattr(self, "cleaned_data", {}).get(name) or ""


class TextListField(forms.Field):
    """Every value sent under one name (the boxes ticked), as texts; what each must be is the
    service's to say."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        return [str(item) for item in value] if value else []
