"""The form of an API key: its name and the addresses allowed to use it."""

from django import forms
from django.utils.translation import gettext_lazy as _


class KeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("So you can tell your keys apart, such as “my panel”."),
    )
    allowed_ips = forms.CharField(
        label=_("Allowed IP addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "One address or network (CIDR) per line, such as your server's address. "
            "Empty: any address may use the key."
        ),
    )
