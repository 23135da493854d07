"""Reads for the providers pages: health of each provider, orders needing a person, changes to
review, and what each provider's orders earned us."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from snshelper.core import clock
from snshelper.orders.models import ACTIVE
from snshelper.providers.forwarding import MISSING_BEFORE_STAFF
from snshelper.providers.models import CatalogChange, Forwarding, Provider, ProviderCall, ProviderService

State = Forwarding.State
WAITING_TOO_LONG = timedelta(minutes=15)
NO_PROGRESS_FOR = timedelta(days=3)


@dataclass(frozen=True)
class Health:
    provider: Provider
    calls: int
    failed: int
    waiting: int
    unconfirmed: int
    refused: int
    active: int

    @property
    def error_rate(self) -> float | None:
        return self.failed / self.calls if self.calls else None


def health() -> list[Health]:
    """Each provider with its last 24 hours of calls and its orders by forwarding state."""
    since = clock.now() - timedelta(hours=24)
    calls = {
        row["provider"]: row
        for row in ProviderCall.objects.filter(at__gte=since)
        .values("provider")
        .annotate(calls=Count("id"), failed=Count("id", filter=Q(ok=False)))
    }
    counts = {
        row["provider"]: row
        for row in Forwarding.objects.values("provider").annotate(
            waiting=Count("pk", filter=Q(state__in=[State.QUEUED, State.SENDING])),
            unconfirmed=Count("pk", filter=Q(state=State.UNCONFIRMED)),
            refused=Count("pk", filter=Q(state=State.REFUSED)),
            active=Count("pk", filter=Q(state=State.SENT, order__status__in=ACTIVE)),
        )
    }
    result = []
    for provider in Provider.objects.all():
        c, f = calls.get(provider.pk, {}), counts.get(provider.pk, {})
        result.append(
            Health(
                provider=provider,
                calls=c.get("calls", 0),
                failed=c.get("failed", 0),
                waiting=f.get("waiting", 0),
                unconfirmed=f.get("unconfirmed", 0),
                refused=f.get("refused", 0),
                active=f.get("active", 0),
            )
        )
    return result


def needing_attention() -> QuerySet[Forwarding]:
    """Orders a person must look at: reply lost, refused, an order number another order has,
    given up after every attempt, waiting too long to be sent, unknown to the provider, or at the
    provider without progress for days."""
    now = clock.now()
    return (
        Forwarding.objects.filter(
            Q(state__in=[State.UNCONFIRMED, State.REFUSED, State.CONFLICT, State.ATTENTION])
            | Q(state__in=[State.QUEUED, State.SENDING], order__created_at__lt=now - WAITING_TOO_LONG)
            | Q(state=State.QUEUED, attempts__gte=settings.PROVIDER_MAX_SEND_ATTEMPTS)
            | Q(state=State.SENT, order__status__in=ACTIVE, missing_count__gte=MISSING_BEFORE_STAFF)
            | Q(state=State.SENT, order__status__in=ACTIVE, order__updated_at__lt=now - NO_PROGRESS_FOR)
        )
        .select_related("order__service", "provider")
        .order_by("order__created_at")
    )


def pending_changes() -> QuerySet[CatalogChange]:
    return CatalogChange.objects.filter(
        outcome__in=[CatalogChange.Outcome.PENDING, CatalogChange.Outcome.PAUSED]
    ).select_related("provider", "provider_service", "service")


def recent_changes(provider: Provider, limit: int = 50) -> QuerySet[CatalogChange]:
    return provider.changes.select_related("provider_service", "service")[:limit]


def catalogue(provider: Provider) -> QuerySet[ProviderService]:
    return provider.services.annotate(ours=Count("our_services")).order_by("-available", "category", "id")


@dataclass(frozen=True)
class Profit:
    orders: int
    revenue: Decimal  # what members paid, less refunds (our currency)
    cost: Decimal  # the provider's charges converted at today's exchange rate
    unknown_cost: int  # orders the provider has not reported a charge for yet

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost


def profit(provider: Provider) -> Profit:
    rows = Forwarding.objects.filter(provider=provider, state=State.SENT).aggregate(
        orders=Count("pk"),
        charged=Sum("order__charge"),
        refunded=Sum("order__refunded"),
        cost=Sum("provider_charge"),
        unknown=Count("pk", filter=Q(provider_charge__isnull=True)),
    )
    revenue = (rows["charged"] or Decimal(0)) - (rows["refunded"] or Decimal(0))
    cost = (rows["cost"] or Decimal(0)) * provider.exchange_rate
    return Profit(rows["orders"], revenue, cost.quantize(Decimal("0.01")), rows["unknown"])
