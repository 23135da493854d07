"""The retention schedule as the officer's page shows it: each rule in force, with what the sweeps
declared in the registry do under it, and what no sweep removes (with the reason)."""

from dataclasses import dataclass

from django.apps import apps

from snshelper.privacy import registry
from snshelper.privacy.retention import RULES, RetentionRule


@dataclass(frozen=True)
class SweptRecord:
    record_type: str  # "app.Model"
    name: str  # the model's verbose name (plural)
    action: str  # "delete" or "anonymise"
    counted_from: str  # the field's verbose name ("" when it goes with another record)
    due: bool = False  # the field holds the moment the row is due
    along_with: str = ""  # the parent's verbose name (plural)
    fields: tuple = ()  # the anonymised fields' verbose names


@dataclass(frozen=True)
class RuleInForce:
    rule: RetentionRule
    swept: list


def _name(model) -> str:
    return registry.record_name(model, plural=True)


def rules_in_force() -> list[RuleInForce]:
    """Every rule, its period from the settings in force, and what the sweeps do under it."""
    swept: dict[str, list[SweptRecord]] = {key: [] for key in RULES}
    for declared in registry.all_sweeps():
        model = declared.model
        parent = next((s.model for s in registry.sweeps() if s.model_label == declared.parent), None)
        since = "" if declared.parent else str(model._meta.get_field(declared.since).verbose_name)
        swept.setdefault(declared.rule, []).append(
            SweptRecord(
                record_type=declared.model_label,
                name=_name(model),
                action=declared.action,
                counted_from=since,
                due=declared.due,
                along_with=_name(parent) if parent is not None else "",
                fields=tuple(str(model._meta.get_field(f).verbose_name) for f, _value in declared.anonymise),
            )
        )
    return [RuleInForce(rule, swept.get(key, [])) for key, rule in RULES.items()]


def not_swept() -> list[tuple[str, str]]:
    """Kinds of record holding personal data that no sweep removes, with the reason."""

    labels = dict.fromkeys(d.model_label for d in registry.declarations())
    return [
        (_name(apps.get_model(label)), registry.unswept_reason(label))
        for label in labels
        if registry.unswept_reason(label) is not None
    ]
