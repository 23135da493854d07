"""Work of the support app that staff hold (``snshelper.staff.open_work``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.staff import open_work
from snshelper.support.models import Status

open_work.declare(
    "support.Consultation",
    holder="assigned_to",
    open=~Q(status=Status.CLOSED),
    label=_("Consultations"),
)
