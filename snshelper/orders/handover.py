"""Work of the orders app that staff hold (``snshelper.staff.open_work``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.orders.models import OPEN_REFILL
from snshelper.staff import open_work

open_work.declare(
    "orders.RefillRequest", holder="handled_by", open=Q(status__in=OPEN_REFILL), label=_("Refills")
)
