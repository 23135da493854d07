"""The staff dashboard's numbers (issue 8), each panel scoped to the roles whose job needs it (P16,
least privilege): a panel a viewer's roles do not name is neither computed nor shown.

| panel              | marketing | finance | support | privacy officer | administrator |
| ------------------ | :-------: | :-----: | :-----: | :-------------: | :-----------: |
| orders per day     |     ✓     |         |         |                 |       ✓       |
| revenue per day    |           |    ✓    |         |                 |       ✓       |
| top-ups waiting    |           |    ✓    |         |                 |               |
| consultations      |           |         |    ✓    |                 |       ✓       |
| provider errors    |     ✓     |         |         |                 |       ✓       |
| privacy requests   |           |         |         |        ✓        |               |

Days are Bangkok days; every series is one aggregate query (``TruncDate`` in Bangkok time).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.orders.models import Order
from snshelper.privacy_rights.desk import selectors as privacy_selectors
from snshelper.providers import selectors as provider_selectors
from snshelper.staff.access import may_open
from snshelper.staff.roles import ADMINISTRATOR, FINANCE, MARKETING, PRIVACY_OFFICER, SUPPORT
from snshelper.staff.selectors import roles_of
from snshelper.support import selectors as support_selectors
from snshelper.wallet.models import TopUp

BANGKOK = ZoneInfo("Asia/Bangkok")
DAYS = 30
CENT = Decimal("0.01")

ORDERS = "orders"
REVENUE = "revenue"
TOP_UPS = "top_ups"
CONSULTATIONS = "consultations"
PROVIDER_ERRORS = "provider_errors"
PRIVACY_REQUESTS = "privacy_requests"

# The table above, as code: panel → the roles that see it (in the order the page shows them).
PANELS: dict[str, frozenset[str]] = {
    ORDERS: frozenset({MARKETING, ADMINISTRATOR}),
    REVENUE: frozenset({FINANCE, ADMINISTRATOR}),
    TOP_UPS: frozenset({FINANCE}),
    CONSULTATIONS: frozenset({SUPPORT, ADMINISTRATOR}),
    PROVIDER_ERRORS: frozenset({MARKETING, ADMINISTRATOR}),
    PRIVACY_REQUESTS: frozenset({PRIVACY_OFFICER}),
}

# Staff pages the dashboard links to, shown only to those the access matrix lets open them.
LINKS: list[tuple[str, str]] = [
    ("orders_staff:queue", _("Orders to fulfil")),
    ("providers_staff:overview", _("Providers")),
    ("wallet:staff_top_ups", _("Top-ups to check")),
    ("wallet:staff_withdrawals", _("Withdrawals to pay")),
    ("support_staff:queue", _("Consultations")),
    ("privacy_staff:desk", _("Privacy desk")),
    ("privacy_staff:breaches:list", _("Breach register")),
    ("staff:reveals", _("Reveal log")),
    ("announcements_staff:list", _("Announcements")),
    ("pages_staff:list", _("Site pages")),
    ("maintenance_staff:switch", _("Maintenance mode")),
    ("staff:people", _("Staff records")),
    ("admin:index", _("Back office")),
    ("staff:pledge", _("The security pledge")),
]


def links_for(user) -> list[tuple[str, str]]:
    """(url, label) of the staff pages ``user`` may open, from ``LINKS``."""
    links = []
    for name, label in LINKS:
        if may_open(user, name):
            links.append((reverse(name), label))
    return links


def panels_for(user) -> list[str]:
    """The panels ``user``'s roles may see, in page order."""
    held = roles_of(user)
    return [panel for panel, allowed in PANELS.items() if held & allowed]


# --- Daily series ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    value: int | Decimal


def _first_day(days: int) -> date:
    return clock.now().astimezone(BANGKOK).date() - timedelta(days=days - 1)


def _daily(queryset, field: str, aggregate, *, days: int, zero) -> list[Day]:
    """One aggregate query: ``aggregate`` per Bangkok day of ``field`` over the last ``days`` days
    (today included), days without rows filled with ``zero``."""
    first = _first_day(days)
    since = datetime.combine(first, time.min, tzinfo=BANGKOK)
    rows = (
        queryset.filter(**{f"{field}__gte": since, f"{field}__lte": clock.now()})
        .annotate(day=TruncDate(field, tzinfo=BANGKOK))
        .values("day")
        .annotate(value=aggregate)
        .order_by("day")
    )
    by_day = {row["day"]: row["value"] for row in rows}
    return [Day(day, by_day.get(day) or zero) for day in (first + timedelta(n) for n in range(days))]


def orders_per_day(*, days: int = DAYS) -> list[Day]:
    """Orders placed per Bangkok day (every status: a canceled order was still ordered)."""
    return _daily(Order.objects.all(), "created_at", Count("id"), days=days, zero=0)


def revenue_per_day(*, days: int = DAYS) -> list[Day]:
    """What orders placed each Bangkok day were charged (THB), before any later refund."""
    series = _daily(Order.objects.all(), "created_at", Sum("charge"), days=days, zero=Decimal(0))
    return [Day(point.day, Decimal(point.value).quantize(CENT)) for point in series]


# --- Queues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest_at: datetime | None  # when the oldest was sent to us

    @property
    def oldest_age(self) -> timedelta | None:
        return clock.now() - self.oldest_at if self.oldest_at else None


def top_ups_waiting() -> Waiting:
    """Top-ups with a transfer to check (finance's queue), and how long the oldest has waited."""
    row = TopUp.objects.filter(status=TopUp.Status.PENDING_REVIEW).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    return Waiting(row["count"], row["oldest"])


def consultation_queue() -> dict[str, int]:
    """Consultations waiting for a reply and those past their response time (support's queue)."""
    counts = support_selectors.queue_counts()
    return {"waiting": counts["waiting"], "overdue": counts["overdue"]}


@dataclass(frozen=True)
class ProviderErrors:
    name: str
    calls: int
    failed: int


def provider_errors() -> list[ProviderErrors]:
    """Calls to each provider in the last 24 hours and how many failed, most failures first."""
    rows = [ProviderErrors(h.provider.name, h.calls, h.failed) for h in provider_selectors.health()]
    return sorted(rows, key=lambda row: (-row.failed, row.name))


def privacy_requests() -> dict[str, int]:
    """Open data-subject requests and unanswered inquiries, and how many are past their deadline."""
    desk = privacy_selectors.officer_desk()
    return {"requests": len(desk.requests), "inquiries": len(desk.inquiries), "overdue": desk.overdue}


_BUILDERS = {
    ORDERS: orders_per_day,
    REVENUE: revenue_per_day,
    TOP_UPS: top_ups_waiting,
    CONSULTATIONS: consultation_queue,
    PROVIDER_ERRORS: provider_errors,
    PRIVACY_REQUESTS: privacy_requests,
}


def dashboard_for(user) -> dict:
    """The numbers of the panels ``user`` may see, and nothing else (``{panel: data}``)."""
    return {panel: _BUILDERS[panel]() for panel in panels_for(user)}
