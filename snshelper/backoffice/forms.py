from django import forms
from django.utils.translation import gettext_lazy as _

from snshelper.core.form_fields import LocalDateTimeField
from snshelper.staff import selectors

DEFAULT_RESPONSIBILITY = _(
    "The leaving staff member keeps personal data learned at work confidential after leaving, has "
    "returned or deleted every copy of it, and remains responsible for incidents caused by what they "
    "did while in post. The colleague named above is responsible for the open work from the hand-over "
    "time."
)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name} ({member.member_id})"


class TrainingForm(forms.Form):
    staff = StaffChoiceField(label=_("Staff member"), queryset=selectors.current_staff())
    held_on = forms.DateField(
        label=_("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.5,
        max_value=24,
        decimal_places=1,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class HandOverForm(forms.Form):
    effective_at = LocalDateTimeField(
        label=_("Access ends at"),
        help_text=_("From this time the account cannot sign in; its open work goes to the colleague below."),
    )
    reassigned_to = StaffChoiceField(label=_("Open work taken over by"), queryset=selectors.current_staff())
    open_work_summary = forms.CharField(
        label=_("Open work handed over"),
        required=False,
        help_text=_("What was explained and passed on: cases, documents, accounts returned."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsibility_statement = forms.CharField(
        label=_("Responsibility after leaving"),
        initial=DEFAULT_RESPONSIBILITY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, leaving, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassigned_to"].queryset = selectors.current_staff().exclude(pk=leaving.pk)
