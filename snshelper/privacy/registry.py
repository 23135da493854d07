"""The personal-data registry: the one source of truth about what personal data we hold.

Each app declares, in its ``privacy.py``, every model field that holds personal data: its
category, the purpose it serves, its retention rule and whether it is important (encrypted at
rest). Every other field is declared not personal, with a reason. That holds for every concrete
field of every model in the database — ours, Django's, allauth's, the tables behind many-to-many
fields — with no exception by name or type: a new field, wherever it comes from, fails
``undeclared_fields`` (and its test) until someone decides what it is. The policy page, the data
export, the retention sweeps and the encryption check all read from here.

Next to its fields, each app also declares how the rows leave once their rule has passed
(``sweep``), or why they do not leave by a sweep (``not_swept``: membership data goes at
withdrawal); ``privacy.sweeps`` runs the sweeps declared here and nothing else.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.utils.translation import gettext_lazy as _

from snshelper.privacy.retention import RULES


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
    label: str = ""  # what to call the field when its model (another package's) names it poorly

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def model_field(self):
        return self.model._meta.get_field(self.field)

    @property
    def verbose_name(self) -> str:
        """The field's name for people (translated): the policy page and the export show it."""
        return str(self.label or self.model_field.verbose_name)


@dataclass(frozen=True)
class Exemption:
    model_label: str
    field: str
    reason: str


_declarations: dict[tuple[str, str], Declaration] = {}
_exemptions: dict[tuple[str, str], Exemption] = {}
_owners: dict[str, str] = {}  # model label → lookup from the model to its member ("pk" for Member)
_unowned: dict[str, str] = {}  # model label → why its rows belong to no one member
_sweeps: list["Sweep"] = []
_unswept: dict[str, str] = {}  # model label → why no sweep removes its rows


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
    label: str = "",
) -> Declaration:
    """Declare that ``model.field`` holds personal data."""
    declaration = Declaration(
        _label(model), field, category, purpose, retention, important, encrypted_by, label
    )
    _declarations[(declaration.model_label, field)] = declaration
    return declaration


def not_personal(model, *fields: str, reason: str) -> None:
    """Say why these fields of ``model`` are not personal data (each is named: there is no way to
    exempt a whole model, so a field added later is undeclared until someone decides)."""
    if not fields or not reason.strip():
        raise ValueError("Name the fields, and say why they are not personal data.")
    for field in fields:
        _exemptions[(_label(model), field)] = Exemption(_label(model), field, reason)


# Reasons shared by many fields.
KEY = "A row number the database gives; the member's public ID is accounts.Member.member_id."
MEMBER_LINK = "The link to the member the row is about (their data is declared on accounts.Member)."
ACTOR_LINK = "Which account acted (staff, or the member); that account's data is declared on accounts.Member."
LINK = "A link to another record, whose own fields are declared there."


_record_names: dict[str, tuple[str, str]] = {}  # model label → (singular, plural) for people


def name_records(model, singular: str, plural: str) -> None:
    """Name another package's model for people when its own verbose name is not translated."""
    _record_names[_label(model)] = (singular, plural)


def record_name(model, *, plural: bool = False) -> str:
    """What a model's records are called on the policy page, in exports and on staff pages."""
    model = apps.get_model(model) if isinstance(model, str) else model
    names = _record_names.get(model._meta.label)
    if names:
        return str(names[1] if plural else names[0])
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def owned_by(model, path: str) -> None:
    """Say how a model's rows lead to the member they are about (e.g. ``"order__member"``):
    the export, withdrawal and deletion find a member's rows by it."""
    _owners[_label(model)] = path


def not_member_owned(model, *, reason: str) -> None:
    """Say why a model with personal fields has no owning member (e.g. staff's own logs)."""
    _unowned[_label(model)] = reason


# --- Retention sweeps -------------------------------------------------------------------------

DELETE, ANONYMISE = "delete", "anonymise"


@dataclass(frozen=True)
class Sweep:
    """How one kind of row leaves once its retention rule has passed.

    ``since`` names the datetime field the rule's period counts from; with ``due=True`` the field
    already holds the moment the row is due (the period was added when the row was written). Only
    rows matching ``when`` (a Q) are swept. ``delete`` removes the rows; ``anonymise`` sets the
    fields in ``anonymise`` and keeps the rows (other records need them: the ledger, the
    orders a ledger transaction names). ``files`` are fields naming files (FileFields, or paths
    under MEDIA_ROOT) deleted with the data. A sweep with ``parent`` runs inside each batch of its
    parent model's sweeps, on the rows ``via`` leads to the parent's rows (an order's transitions
    go with the order). ``trigger_switch`` names the transaction-local setting a database trigger
    checks before it lets the anonymising UPDATE through (the append-only ledger's memos).
    """

    model_label: str
    rule: str
    action: str
    since: str = ""
    due: bool = False
    when: object = None  # a django.db.models.Q
    anonymise: tuple = ()  # ((field, value), ...)
    files: tuple = ()
    parent: str = ""
    via: str = ""
    trigger_switch: str = ""

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def values(self) -> dict:
        return dict(self.anonymise)


def sweep(
    model,
    *,
    rule: str,
    since: str,
    action: str = DELETE,
    due: bool = False,
    when=None,
    anonymise: dict | None = None,
    files: tuple = (),
    trigger_switch: str = "",
) -> Sweep:
    """Declare that rows of ``model`` are deleted or anonymised once ``rule`` has passed, counted
    from ``since`` (a datetime field; with ``due=True``, the field holds the due moment itself)."""
    declared = Sweep(
        _label(model),
        rule,
        action,
        since,
        due,
        when,
        tuple((anonymise or {}).items()),
        tuple(files),
        trigger_switch=trigger_switch,
    )
    _sweeps.append(declared)
    return declared


def sweep_with(model, *, parent, via: str, anonymise: dict | None = None, files: tuple = ()) -> Sweep:
    """Declare that rows of ``model`` go with their ``parent`` rows (reached through ``via``): in
    the same batches, under the parent's rule, deleted when it is deleted, else anonymised."""
    parents = [s for s in _sweeps if s.model_label == _label(parent) and not s.parent]
    action = ANONYMISE if anonymise else DELETE
    rule = parents[0].rule if parents else ""
    declared = Sweep(
        _label(model),
        rule,
        action,
        anonymise=tuple((anonymise or {}).items()),
        files=tuple(files),
        parent=_label(parent),
        via=via,
    )
    _sweeps.append(declared)
    return declared


def not_swept(model, *, reason: str) -> None:
    """Say why no retention sweep removes a model's rows (e.g. membership data, which goes at
    withdrawal)."""
    _unswept[_label(model)] = reason


def sweeps() -> list[Sweep]:
    """Top-level sweeps, in declaration order (apps' ``privacy.py`` in INSTALLED_APPS order)."""
    return [s for s in _sweeps if not s.parent]


def children(parent: Sweep) -> list[Sweep]:
    """Sweeps that run inside the batches of ``parent``."""
    return [s for s in _sweeps if s.parent == parent.model_label]


def all_sweeps() -> list[Sweep]:
    return list(_sweeps)


def unswept_reason(model) -> str | None:
    return _unswept.get(_label(model))


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


def stored_models():
    """Every model with a table: installed models and the tables behind many-to-many fields."""
    return [model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy]


def undeclared_fields() -> list[str]:
    """Fields of stored models neither declared as personal data nor declared not personal.

    Every concrete field counts — keys, links, flags and dates too: no name or type is exempt."""
    missing = []
    for model in stored_models():
        for field in model._meta.concrete_fields:
            key = (model._meta.label, field.name)
            if key not in _declarations and key not in _exemptions:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def declared_twice() -> list[str]:
    """Fields declared both as personal data and as not personal."""
    return sorted(f"{label}.{field}" for label, field in set(_declarations) & set(_exemptions))


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


def unswept_models() -> list[str]:
    """Models with declared personal fields that no sweep removes and no reason explains."""
    swept = {s.model_label for s in _sweeps}
    labels = dict.fromkeys(d.model_label for d in _declarations.values())
    return [label for label in labels if label not in swept and label not in _unswept]


def dangling_sweeps() -> list[str]:
    """Sweeps naming an unknown rule, model, field or parent, or whose parent acts otherwise."""
    wrong = []
    for declared in _sweeps:
        name = f"{declared.model_label} ({declared.rule or '?'})"
        try:
            model = declared.model
        except LookupError:
            wrong.append(f"{name}: no such model")
            continue
        if declared.rule not in RULES:
            wrong.append(f"{name}: no such rule")
        if declared.action not in (DELETE, ANONYMISE):
            wrong.append(f"{name}: action {declared.action!r}")
        if declared.action == ANONYMISE and not declared.anonymise:
            wrong.append(f"{name}: anonymises no field")
        names = [*dict(declared.anonymise), *declared.files, *([declared.since] if declared.since else [])]
        for field in names:
            try:
                model._meta.get_field(field)
            except FieldDoesNotExist:
                wrong.append(f"{name}: no field {field!r}")
        if declared.parent:
            parents = [s for s in _sweeps if s.model_label == declared.parent and not s.parent]
            if not parents:
                wrong.append(f"{name}: its parent {declared.parent} has no sweep")
            elif any(p.action != declared.action for p in parents):
                wrong.append(f"{name}: acts otherwise than its parent")
            try:
                model._base_manager.filter(**{f"{declared.via}__in": []}).query  # noqa: B018
            except (FieldError, FieldDoesNotExist):
                wrong.append(f"{name}: no path {declared.via!r}")
        elif not declared.since:
            wrong.append(f"{name}: counted from no field")
    return wrong
