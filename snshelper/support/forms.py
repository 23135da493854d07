from django import forms
from django.utils.translation import gettext_lazy as _

from snshelper.core import money
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
