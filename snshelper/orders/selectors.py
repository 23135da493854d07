"""Reads of a member's own orders."""

from django.db.models import Q, QuerySet

from snshelper.core import parse
from snshelper.orders.models import Order, Status


def orders_for(member, *, search: parse.Search | None = None, status: str = "") -> QuerySet[Order]:
    """The member's orders, newest first, optionally searched (number or link) and filtered."""
    orders = (
        Order.objects.filter(member=member)
        .select_related("service", "subscription")
        .order_by("-created_at", "-id")
    )
    text = search.text.lstrip("#") if search is not None else ""
    if text:
        condition = Q(link__icontains=text)
        if search.number is not None:
            condition |= Q(pk=search.number)
        orders = orders.filter(condition)
    if status in Status.values:
        orders = orders.filter(status=status)
    return orders


def order_for(member, pk: int) -> Order | None:
    return (
        Order.objects.filter(member=member, pk=pk)
        .select_related("service__category__platform")
        .prefetch_related("transitions", "refills", "cancel_requests")
        .first()
    )
