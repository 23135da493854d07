"""Reads for staff work on orders (kept apart from the member's order reads)."""

from django.db.models import QuerySet

from snshelper.catalog.models import Service
from snshelper.orders.models import ACTIVE, Order


def manual_queue() -> QuerySet[Order]:
    """Orders our own staff fulfil that are not finished, oldest first."""
    return (
        Order.objects.filter(status__in=ACTIVE, service__fulfilment=Service.Fulfilment.MANUAL)
        .select_related("service__category__platform", "member")
        .order_by("created_at", "id")
    )
