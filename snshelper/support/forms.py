from django import forms
from django.utils.translation import gettext_lazy as _

from snshelper.core import money, parse
from snshelper.core.form_fields import ListForm, WholeNumberField, YesField
from snshelper.support import services
from snshelper.support.models import Topic

ACCEPT = "image/jpeg,image/png,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files; each is checked and scanned by the service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(AttachmentsField, self).clean(item, initial) for item in data if item]
        return [data] if data else []


def _help() -> str:
    return _("Up to %(count)s photos, screenshots (JPEG or PNG) or PDFs, at most 5 MB each.") % {
        "count": services.MAX_ATTACHMENTS
    }


class ConsultationForm(forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices)
    order = forms.TypedChoiceField(label=_("Which order?"), required=False, coerce=int, empty_value=None)
    top_up = forms.TypedChoiceField(label=_("Which top-up?"), required=False, coerce=int, empty_value=None)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    files = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, orders=(), top_ups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _help()
        self.fields["order"].choices = [("", _("No order"))] + [
            (order.pk, f"#{order.pk} · {order.service.name} · {order.get_status_display()}")
            for order in orders
        ]
        self.fields["top_up"].choices = [("", _("No top-up"))] + [
            (
                top_up.pk,
                f"{top_up.reference} · {money.on_screen(top_up.amount)} · {top_up.get_status_display()}",
            )
            for top_up in top_ups
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    files = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _help()


class StaffReplyForm(ReplyForm):
    internal = forms.BooleanField(
        label=_("Internal note (only staff see it; the member is not told)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Reply to the member")
        self.fields["body"].widget.attrs["rows"] = 8


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title (for staff)"), max_length=100)
    body_th = forms.CharField(label=_("Text in Thai"), widget=forms.Textarea(attrs={"rows": 5}))
    body_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 5}))
    body_ko = forms.CharField(label=_("Text in Korean"), widget=forms.Textarea(attrs={"rows": 5}))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PreselectForm(forms.Form):
    """``?topic=``, ``?order=<pk>`` or ``?top_up=<pk>`` (from an order's or a top-up's page): what
    the new consultation's form starts with. A value that cannot be read is left out."""

    topic = forms.ChoiceField(choices=Topic.choices, required=False)
    order = WholeNumberField(max_value=parse.LARGEST_ID)
    top_up = WholeNumberField(max_value=parse.LARGEST_ID)

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()

    def initial_for(self, orders, top_ups) -> dict:
        chosen, initial = self.cleaned_data, {}
        if chosen.get("topic"):
            initial["topic"] = chosen["topic"]
        if any(order.pk == chosen.get("order") for order in orders):
            initial.update(order=chosen["order"], topic=initial.get("topic", Topic.ORDER))
        if any(top_up.pk == chosen.get("top_up") for top_up in top_ups):
            initial.update(top_up=chosen["top_up"], topic=initial.get("topic", Topic.PAYMENT))
        return initial


class QueueForm(ListForm):
    """The staff queue's filter, search and page."""

    filter = forms.CharField(required=False)
    q = forms.CharField(required=False, strip=False)


class RevealContactForm(forms.Form):
    """Reveal the member's email and phone (``reveal``), with the reason the log keeps."""

    reveal = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, strip=False)


class CannedPickForm(forms.Form):
    """``?canned=<pk>``: the canned reply to start the answer from."""

    canned = WholeNumberField(max_value=parse.LARGEST_ID)

    def picked(self) -> int | None:
        return self.cleaned_data.get("canned") if self.is_valid() else None


class AssignForm(forms.Form):
    """``to``: ``me``, a support staff member's id, or anything else for no one."""

    to = forms.CharField(required=False)

    def chosen(self) -> str | int | None:
        if not self.is_valid():
            return None
        to = self.cleaned_data["to"]
        return "me" if to == "me" else parse.record_id(to)


class DisputeForm(forms.Form):
    disputed = YesField()
