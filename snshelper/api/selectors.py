"""Reads for API keys and for what API v2 answers about a member's orders and refills."""

from django.db.models import Prefetch

from snshelper.api.models import ApiKey
from snshelper.orders.models import DripFeedRun, Order, RefillRequest


def keys_of(member) -> list[ApiKey]:
    """The member's keys, live first, newest first."""
    return sorted(ApiKey.objects.filter(member=member), key=lambda k: (k.revoked_at is not None,))


def key_of(member, pk: int) -> ApiKey | None:
    """One of the member's own keys (another member's key does not exist for them)."""
    return ApiKey.objects.filter(member=member, pk=pk).first()


def orders_by_id(member, ids: list[int]) -> dict[int, Order]:
    """The member's orders among ``ids``, each with its subscription (if any) and its delivered
    drip-feed runs (``delivered_runs``): one status call, a fixed number of queries."""
    orders = (
        Order.objects.filter(member=member, pk__in=ids)
        .select_related("service", "subscription")
        .prefetch_related(
            Prefetch(
                "drip_runs",
                queryset=DripFeedRun.objects.filter(status=DripFeedRun.Status.DONE).order_by("number"),
                to_attr="delivered_runs",
            )
        )
    )
    return {order.pk: order for order in orders}


def refills_by_id(member, ids: list[int]) -> dict[int, RefillRequest]:
    """The member's refill requests among ``ids``."""
    return {refill.pk: refill for refill in RefillRequest.objects.filter(order__member=member, pk__in=ids)}
