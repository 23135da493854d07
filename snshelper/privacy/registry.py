"""The personal-data registry: the one source of truth about what personal data we hold.

Each app declares, in its ``privacy.py``, every model field that holds personal data: its
category, the purpose it serves, its retention rule and whether it is important (encrypted at
rest). Fields that look personal but are not (a service's name, a group's name) are exempted
with a reason. The policy page, the data export, the retention sweeps and the encryption check
all read from here; tests fail when a personal-looking field is neither declared nor exempted.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity (name, member ID)")
    CONTACT = "contact", _("Contact details (email, phone number)")
    CREDENTIAL = "credential", _("Sign-in credentials (password, authentication keys)")
    FINANCIAL = "financial", _("Financial data (bank, account holder, account number)")
    PAYMENT_RECORD = "payment_record", _("Billing and payment records")
    ORDER_DATA = "order_data", _("Order data (SNS account IDs, links)")
    ONLINE_IDENTIFIER = "online_identifier", _("Online identifiers (IP address, session)")
    USAGE_RECORD = "usage_record", _("Usage records (date and time of use, user agent)")
    FREE_TEXT = "free_text", _("What the member writes to us")
    PREFERENCE = "preference", _("Preferences (language)")


class Purpose(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership: identifying members, answering requests, notices")
    CONTRACT_PAYMENT = (
        "contract_payment",
        _("Service contract and payment: orders, fees, refunds, financial records"),
    )
    CONSULTATION = "consultation", _("Consultation: identity, contact and facts during advice")
    SECURITY = "security", _("Security: sign-in protection, fraud prevention, staff audit")


@dataclass(frozen=True)
class Declaration:
    model_label: str  # "app_label.ModelName"
    field: str
    category: Category
    purpose: Purpose
    retention: str  # a key of privacy.retention.RULES
    important: bool = False  # must be encrypted at rest
    encrypted_by: str = ""  # when not an encrypted field, what encrypts it (checked by a test)

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def model_field(self):
        return self.model._meta.get_field(self.field)


@dataclass(frozen=True)
class Exemption:
    model_label: str
    field: str
    reason: str


_declarations: dict[tuple[str, str], Declaration] = {}
_exemptions: dict[tuple[str, str], Exemption] = {}
_owners: dict[str, str] = {}  # model label → lookup from the model to its member ("pk" for Member)
_unowned: dict[str, str] = {}  # model label → why its rows belong to no one member


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label


def personal_data(
    model,
    field: str,
    *,
    category: Category,
    purpose: Purpose,
    retention: str,
    important: bool = False,
    encrypted_by: str = "",
) -> Declaration:
    """Declare that ``model.field`` holds personal data."""
    declaration = Declaration(_label(model), field, category, purpose, retention, important, encrypted_by)
    _declarations[(declaration.model_label, field)] = declaration
    return declaration


def not_personal(model, field: str, *, reason: str) -> None:
    """Say why a field that looks personal (by its name or type) is not."""
    _exemptions[(_label(model), field)] = Exemption(_label(model), field, reason)


def owned_by(model, path: str) -> None:
    """Say how a model's rows lead to the member they are about (e.g. ``"order__member"``):
    the export, withdrawal and deletion find a member's rows by it."""
    _owners[_label(model)] = path


def not_member_owned(model, *, reason: str) -> None:
    """Say why a model with personal fields has no owning member (e.g. staff's own logs)."""
    _unowned[_label(model)] = reason


def owner_path(model) -> str | None:
    return _owners.get(_label(model))


def member_rows(model, member):
    """The rows of ``model`` about ``member`` (empty when the model belongs to no member)."""
    model = apps.get_model(model) if isinstance(model, str) else model
    path = owner_path(model)
    if path is None:
        return model._default_manager.none()
    rows = model._default_manager.filter(**{path: member.pk if path == "pk" else member})
    return rows.distinct() if "__" in path else rows


def owned_models() -> list[str]:
    """Labels of models holding personal data and owned by a member, in registry order."""
    labels = dict.fromkeys(d.model_label for d in _declarations.values())
    return [label for label in labels if label in _owners]


def declarations() -> list[Declaration]:
    return list(_declarations.values())


def declarations_for(model) -> list[Declaration]:
    label = _label(model)
    return [d for d in _declarations.values() if d.model_label == label]


def declaration(model, field: str) -> Declaration | None:
    return _declarations.get((_label(model), field))


# --- Checks (run by tests; each returns what is wrong, empty when all is well) ---------------

_PERSONAL_NAME = re.compile(
    r"(^|_)(name|email|phone|mobile|tel|ip|user_agent|agent|address|bank|account_number|"
    r"holder|payer|link|url|uid|message|body|note|notes|comment|comments|text|content|reason|"
    r"secret|token|key|data|repr|slip|file|attachment|language|password|login|memo)($|_)"
)
_PERSONAL_TYPES = (
    models.EmailField,
    models.GenericIPAddressField,
    models.TextField,
    models.JSONField,
    models.URLField,
    models.FileField,
    models.BinaryField,
)


def looks_personal(field) -> bool:
    """Whether a field's name or type suggests it may hold personal data."""
    if field.is_relation or field.primary_key:
        return False
    return isinstance(field, _PERSONAL_TYPES) or bool(_PERSONAL_NAME.search(field.name))


def undeclared_fields() -> list[str]:
    """Personal-looking fields of installed models that are neither declared nor exempted."""
    missing = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            key = (model._meta.label, field.name)
            if looks_personal(field) and key not in _declarations and key not in _exemptions:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def dangling_entries() -> list[str]:
    """Declarations or exemptions that name a model or field that does not exist."""
    dangling = []
    for model_label, field in [*_declarations, *_exemptions]:
        try:
            apps.get_model(model_label)._meta.get_field(field)
        except (LookupError, FieldDoesNotExist):
            dangling.append(f"{model_label}.{field}")
    return dangling


def unowned_models() -> list[str]:
    """Models with declared personal fields whose owner is neither named nor explained."""
    labels = dict.fromkeys(d.model_label for d in _declarations.values())
    return [label for label in labels if label not in _owners and label not in _unowned]


def unencrypted_important() -> list[str]:
    """Important declarations whose field is not stored encrypted."""
    return [
        f"{d.model_label}.{d.field}"
        for d in _declarations.values()
        if d.important and not getattr(d.model_field, "encrypted", False) and not d.encrypted_by
    ]
