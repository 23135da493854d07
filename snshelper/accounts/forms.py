from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from snshelper.accounts.models import Member
from snshelper.pages import selectors as pages
from snshelper.pages import services as page_services


class SignupForm(forms.Form):
    """allauth's sign-up adds email and password; we add the name, and nothing more. When terms of
    service are published, the member accepts them too, and the version they saw is recorded."""

    name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = pages.published_terms()
        if self.terms is not None:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I have read and accept the terms of service"),
                help_text=format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a>',
                    reverse("pages:page", args=[self.terms.page.slug]),
                    gettext("Read the terms of service (version %(number)s)") % {"number": self.terms.number},
                ),
                error_messages={"required": _("Accept the terms of service to sign up.")},
            )
            self.fields["terms_version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.terms.number, required=False
            )

    def clean(self):
        cleaned = super().clean()
        if self.terms is not None and cleaned.get("terms_version") != self.terms.number:
            # The terms changed after the page was opened: the member accepts the new version.
            self.data = self.data.copy()
            self.data["terms_version"] = str(self.terms.number)
            raise ValidationError(
                _(
                    "The terms of service changed while you were signing up (now version %(number)s). "
                    "Read them and accept them again."
                ),
                params={"number": self.terms.number},
            )
        return cleaned

    def signup(self, request, user):
        """allauth calls this after saving; the adapter already stored the name. Records the version
        of the terms of service the member accepted."""
        if self.terms is not None:
            page_services.record_terms_acceptance(member=user, version=self.terms)


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
