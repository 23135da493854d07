"""Open work a staff member holds, and so must hand over when they leave (P17).

One row per kind of work: the model, the field naming the staff member who holds it, and which
rows are still open. A hand-over moves every open row to the colleague who takes over; a new kind
of assigned work (consultations, for one) adds its row here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class OpenWork:
    model_label: str
    holder: str  # the field naming the staff member who holds the work
    open: Q
    label: str

    def rows(self, staff):
        return apps.get_model(self.model_label)._default_manager.filter(self.open, **{self.holder: staff})


def kinds() -> tuple[OpenWork, ...]:
    from snshelper.orders.models import OPEN_REFILL
    from snshelper.privacy.models import DataSubjectRequest

    return (
        OpenWork(
            "privacy.DataSubjectRequest",
            "handled_by",
            Q(status=DataSubjectRequest.Status.OPEN),
            _("Data-subject requests"),
        ),
        OpenWork("orders.RefillRequest", "handled_by", Q(status__in=OPEN_REFILL), _("Refills")),
        OpenWork("support.Consultation", "assigned_to", ~Q(status="closed"), _("Consultations")),
    )
