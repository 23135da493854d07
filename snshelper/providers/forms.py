"""The staff pages' forms for providers: numbers are read here, the services get Decimals."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from snshelper.catalog.models import Category, Service
from snshelper.core import parse
from snshelper.core.form_fields import DecimalNumberField
from snshelper.providers.models import Provider
from snshelper.providers.services import NUMBER_LIMITS

CHOOSE_SERVICES = _("Choose at least one service and one of our categories.")
CHOOSE_MAPPING = _("Choose one of our services and one of the provider's (or our staff).")


class ProviderForm(forms.Form):
    """A provider's details. An unreadable number gets the service's own message; an empty one is
    left for the service to name in its turn (the URL is checked first)."""

    name = forms.CharField(required=False, strip=False)
    api_url = forms.CharField(required=False, strip=False)
    api_key = forms.CharField(required=False, strip=False)
    currency = forms.CharField(required=False, strip=False)
    exchange_rate = DecimalNumberField()
    timeout_seconds = DecimalNumberField()
    markup_percent = DecimalNumberField()
    markup_fixed = DecimalNumberField()
    rounding = forms.ChoiceField(choices=Service.Rounding.choices, required=False)
    price_changes = forms.ChoiceField(choices=Provider.PriceChanges.choices, required=False)
    supports_idempotency = forms.BooleanField(required=False)
    is_active = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in NUMBER_LIMITS.items():
            self.fields[name].error_messages["invalid"] = gettext(
                "%(field)s must be a number from %(low)s to %(high)s."
            ) % {"field": name.replace("_", " "), "low": low, "high": high}

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["rounding"] = data["rounding"] or Service.Rounding.CENTS
        data["price_changes"] = data["price_changes"] or Provider.PriceChanges.REVIEW
        return data


class ImportForm(forms.Form):
    """Which of the provider's services to sell, in which of our categories, at which markup."""

    service = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(), error_messages={"required": CHOOSE_SERVICES}
    )
    category = forms.ModelChoiceField(queryset=Category.objects.all())
    markup_percent = DecimalNumberField(error_messages={"invalid": _("Enter the markup as numbers.")})
    markup_fixed = DecimalNumberField(error_messages={"invalid": _("Enter the markup as numbers.")})
    rounding = forms.ChoiceField(choices=Service.Rounding.choices, required=False)

    def __init__(self, data, *, provider: Provider):
        super().__init__(data)
        self.fields["service"].queryset = provider.services.all()
        for name in ("service", "category"):
            self.fields[name].error_messages.update(
                required=CHOOSE_SERVICES, invalid_choice=CHOOSE_SERVICES, invalid_pk_value=CHOOSE_SERVICES
            )


class MapForm(forms.Form):
    """One of our services, and one of the provider's to fulfil it or ``manual`` (our staff)."""

    our_service = forms.ModelChoiceField(queryset=Service.objects.all())
    provider_service = forms.CharField()

    def __init__(self, data, *, provider: Provider):
        super().__init__(data)
        self.provider = provider
        for field in self.fields.values():
            field.error_messages.update(required=CHOOSE_MAPPING, invalid_choice=CHOOSE_MAPPING)

    def clean_provider_service(self):
        """The provider's service, or None for our staff."""
        chosen = self.cleaned_data["provider_service"]
        if chosen == "manual":
            return None
        found = self.provider.services.filter(pk=parse.record_id(chosen) or 0).first()
        if found is None:
            raise ValidationError(CHOOSE_MAPPING)
        return found


class OrderActionForm(forms.Form):
    """What staff do with an order the provider did not take, and what it needs."""

    action = forms.ChoiceField(
        choices=[(name, name) for name in ("record", "resend", "manual", "cancel")],
        error_messages={
            "required": _("Choose what to do with the order."),
            "invalid_choice": _("Choose what to do with the order."),
        },
    )
    external_id = forms.CharField(required=False, strip=False)
    reason = forms.CharField(required=False, strip=False)
