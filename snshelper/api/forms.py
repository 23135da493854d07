"""The form of an API key: its name and the addresses allowed to use it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from snshelper.core import parse


class NetworksField(forms.CharField):
    """IP addresses or networks, one a line (commas and spaces separate too), read into networks
    with ``core.parse.network``; repeats dropped. The first that is none is named in the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list:
        found = []
        for item in (super().to_python(value) or "").replace(",", " ").split():
            network = parse.network(item)
            if network is None:
                raise ValidationError(
                    _("“%(item)s” is not an IP address or network (such as 203.0.113.7 or 203.0.113.0/24).")
                    % {"item": item[:60]},
                    code="invalid",
                )
            found.append(network)
        return list(dict.fromkeys(found))


class KeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("So you can tell your keys apart, such as “my panel”."),
    )
    allowed_ips = NetworksField(
        label=_("Allowed IP addresses"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "One address or network (CIDR) per line, such as your server's address. "
            "Empty: any address may use the key."
        ),
    )
