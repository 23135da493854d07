"""Open work a staff member holds, and so must hand over when they leave (P17).

A kind of work is declared by the app that owns it, in its ``handover.py`` (found at start-up by
``StaffConfig.ready``): the model, the field naming the staff member who holds it, and which rows
are still open. A hand-over moves every open row to the colleague who takes over; a new kind of
assigned work adds its declaration in its own app, and the staff base names none of them.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q


@dataclass(frozen=True)
class OpenWork:
    model_label: str
    holder: str  # the field naming the staff member who holds the work
    open: Q
    label: str

    def rows(self, staff):
        return apps.get_model(self.model_label)._default_manager.filter(self.open, **{self.holder: staff})


_kinds: dict[str, OpenWork] = {}


def declare(model_label: str, *, holder: str, open: Q, label) -> None:  # noqa: A002  (the rows' word)
    """Called by an app's ``handover.py``: rows of ``model_label`` held by staff through ``holder``."""
    _kinds[model_label] = OpenWork(model_label, holder, open, label)


def kinds() -> tuple[OpenWork, ...]:
    return tuple(_kinds.values())
