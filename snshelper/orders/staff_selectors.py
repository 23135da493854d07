"""Reads for staff work on orders (kept apart from the member's order reads)."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from snshelper.catalog.models import Service
from snshelper.core import clock, parse
from snshelper.orders.models import (
    ACTIVE,
    OPEN_REFILL,
    CancelRequest,
    DripFeedRun,
    Order,
    RefillRequest,
    Subscription,
    SubscriptionPost,
    SubscriptionStatus,
)


def manual_queue(*, search: str = "", status: str = "") -> QuerySet[Order]:
    """Orders our own staff fulfil that are not finished, oldest first (with provider orders
    staff took over by hand); optionally searched (number or link) and of one active status."""
    orders = (
        Order.objects.filter(
            Q(service__fulfilment=Service.Fulfilment.MANUAL) | Q(forwarding__state="manual"),
            status__in=ACTIVE,
        )
        .filter(subscription__isnull=True)  # subscriptions are worked from their own cards
        .exclude(subscription_post__due_at__gt=clock.now())  # a post's order waits out its delay
        .select_related("service__category__platform", "member")
        .order_by("created_at", "id")
    )
    search = search.strip().lstrip("#")
    if search:
        condition = Q(link__icontains=search)
        number = parse.record_id(search)
        if number is not None:
            condition |= Q(pk=number)
        orders = orders.filter(condition)
    if status in ACTIVE:
        orders = orders.filter(status=status)
    return orders


def open_refills() -> QuerySet[RefillRequest]:
    return (
        RefillRequest.objects.filter(
            status__in=OPEN_REFILL, order__service__fulfilment=Service.Fulfilment.MANUAL
        )
        .select_related("order__service", "order__member")
        .order_by("requested_at", "id")
    )


def open_cancel_requests() -> QuerySet[CancelRequest]:
    return (
        CancelRequest.objects.filter(status=CancelRequest.Status.PENDING)
        .exclude(order__forwarding__state="sent")  # a provider's order: its provider is asked
        .select_related("order__service", "order__member")
        .order_by("requested_at", "id")
    )


def due_drip_runs() -> QuerySet[DripFeedRun]:
    """Drip-feed runs the queue released and staff have not delivered yet."""
    return (
        DripFeedRun.objects.filter(
            status=DripFeedRun.Status.DUE, order__service__fulfilment=Service.Fulfilment.MANUAL
        )
        .select_related("order__service")
        .order_by("due_at", "id")
    )


def active_subscriptions() -> QuerySet[Subscription]:
    """Subscriptions whose account staff watch for new posts, oldest first, with their counts."""
    return (
        Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, order__service__fulfilment=Service.Fulfilment.MANUAL
        )
        .select_related("order__service__category__platform", "order__member")
        .annotate(
            new_done=Count("post_orders", filter=Q(post_orders__existing=False)),
            existing_done=Count("post_orders", filter=Q(post_orders__existing=True)),
            last_post=Subquery(
                SubscriptionPost.objects.filter(subscription=OuterRef("pk"))
                .order_by("-created", "-order_id")
                .values("link")[:1]
            ),
        )
        .order_by("order__created_at", "order_id")
    )
