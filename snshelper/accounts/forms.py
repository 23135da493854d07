from django import forms
from django.utils.translation import gettext_lazy as _

from snshelper.accounts.models import Member


class SignupForm(forms.Form):
    """allauth's sign-up adds email and password; we add the name, and nothing more."""

    name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        """allauth calls this after saving; the adapter already stored the name."""


PHONE_HELP = _("Optional. Used only to contact you about your orders and payments.")


class ProfileForm(forms.ModelForm):
    phone = forms.RegexField(
        label=_("Phone number"),
        regex=r"^\+?[0-9 \-]{9,20}$",
        required=False,
        help_text=PHONE_HELP,
        error_messages={"invalid": _("Enter a phone number of digits, e.g. 081 234 5678.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = Member
        fields = ["name", "phone"]
