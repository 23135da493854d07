"""Legal holds (P6): a law or an investigation suspends the destruction of named records.

A hold names a member (everything about them) or one record (``"app.Model"`` and its id). The
retention sweeps skip what a hold covers: rows whose owner path (``registry.owner_path``) leads to
a held member, the held record itself, the rows it leads to (an order's transitions) and the rows
that lead to it (a held transition keeps its order). Placing and releasing are the privacy
officer's; the hold's row records who, when and why.
"""

from collections import defaultdict

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.privacy import registry
from snshelper.privacy.models import LegalHold


class HoldError(DomainError):
    message = _("This legal hold cannot be placed.")


def holdable_types() -> list[str]:
    """Kinds of record a hold may name: those a retention sweep could destroy."""
    return list(dict.fromkeys(s.model_label for s in registry.all_sweeps()))


def place_hold(*, member=None, record_type: str = "", record_id: str = "", reason: str, by) -> LegalHold:
    """Suspend destruction of everything about ``member``, or of one record."""
    reason = reason.strip()
    if not reason:
        raise HoldError(_("Say why the records must be kept (the law or the investigation)."))
    record_type, record_id = record_type.strip(), str(record_id).strip()
    if (member is None) == (not (record_type and record_id)):
        raise HoldError(_("Name either a member or one record, not both."))
    if member is None:
        if record_type not in holdable_types():
            raise HoldError(_("No retention sweep destroys that kind of record."))
        model = apps.get_model(record_type)
        try:
            exists = model._base_manager.filter(pk=record_id).exists()
        except (ValueError, ValidationError):
            exists = False
        if not exists:
            raise HoldError(_("There is no such record."))
    return LegalHold.objects.create(
        member=member,
        record_type=record_type,
        record_id=record_id,
        reason=reason[:300],
        placed_by=by,
        placed_at=clock.now(),
    )


def release_hold(*, hold: LegalHold, by, reason: str = "") -> LegalHold:
    """End a hold: its records follow their retention rules again from the next sweep."""
    if hold.released_at is not None:
        raise HoldError(_("This hold was already released."))
    hold.released_at, hold.released_by, hold.release_reason = clock.now(), by, reason.strip()[:300]
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    return hold


def active_holds():
    return LegalHold.objects.filter(released_at__isnull=True)


# --- What the sweeps skip ----------------------------------------------------------------------


def _path_steps(model) -> list[tuple[str, type]]:
    """The models an owner path passes through on its way to the member, with their lookups:
    ``subscription__order__member`` → [("subscription", Subscription), ("subscription__order", Order)]."""
    path = registry.owner_path(model)
    if not path or path == "pk":
        return []
    steps, current, parts = [], model, path.split("__")
    for depth, part in enumerate(parts[:-1], start=1):
        current = current._meta.get_field(part).related_model
        steps.append(("__".join(parts[:depth]), current))
    return steps


class Holds:
    """The active holds, read once per sweep run."""

    def __init__(self):
        self.members: list[int] = []
        self.records: dict[str, list[str]] = defaultdict(list)
        for member_id, record_type, record_id in active_holds().values_list(
            "member_id", "record_type", "record_id"
        ):
            if member_id is not None:
                self.members.append(member_id)
            elif record_type and record_id:
                self.records[record_type].append(record_id)

    def __bool__(self):
        return bool(self.members or self.records)

    def covered(self, model) -> Q | None:
        """A filter matching the rows of ``model`` that a hold keeps (None when none can be)."""
        if not self:
            return None
        label, covered = model._meta.label, Q()
        path = registry.owner_path(model)
        if self.members and path:
            covered |= Q(**{f"{path}__in": self.members})
        if label in self.records:
            covered |= Q(pk__in=self.records[label])
        for lookup, step in _path_steps(model):  # a held order keeps its transitions
            if step._meta.label in self.records:
                covered |= Q(**{f"{lookup}__in": self.records[step._meta.label]})
        for held_label, ids in self.records.items():  # a held transition keeps its order
            held = apps.get_model(held_label)
            for lookup, step in _path_steps(held):
                if step is model:
                    covered |= Q(pk__in=held._base_manager.filter(pk__in=ids).values(lookup))
        return covered if covered.children else None
