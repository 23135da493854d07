"""The staff dashboard (issue 8): every staff role opens /staff/ and sees only the panels its job
needs (the table in ``snshelper.backoffice.dashboard``), with the right numbers, days counted in Bangkok
time, and charts drawn on the server as inline SVG (no script, no third party, CSP-clean)."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from snshelper.backoffice import dashboard
from snshelper.orders.models import Order
from snshelper.privacy.models import DataSubjectRequest
from snshelper.providers.models import Provider, ProviderCall
from snshelper.staff import access, roles
from snshelper.wallet.models import TopUp
from tests.conftest import sign_in
from tests.test_security_headers import _assert_hardened, _inline_code

pytestmark = pytest.mark.django_db
# 10:00 in Bangkok on 15 March 2026 (03:00 UTC).
T0 = datetime(2026, 3, 15, 3, 0, tzinfo=UTC)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ALL_PANELS = ["orders", "revenue", "top_ups", "consultations", "provider_errors", "privacy_requests"]
EXPECTED = {
    roles.MARKETING: ["orders", "provider_errors"],
    roles.FINANCE: ["revenue", "top_ups"],
    roles.SUPPORT: ["consultations"],
    roles.PRIVACY_OFFICER: ["privacy_requests"],
    roles.ADMINISTRATOR: ["orders", "revenue", "consultations", "provider_errors"],
}


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(T0)
    return clock


@pytest.fixture(autouse=True)
def support_queue(monkeypatch):
    """The support queue's counts are support's to compute (``support.selectors.queue_counts``,
    tested there); the dashboard shows what it says."""
    monkeypatch.setattr(
        "snshelper.support.selectors.queue_counts", lambda: {"waiting": 7, "overdue": 2}, raising=False
    )


def _order(member, service, *, at, charge):
    return Order.objects.create(
        member=member,
        service=service,
        link="https://instagram.com/somchai",
        quantity=100,
        rate=Decimal("90"),
        charge=Decimal(charge),
        created_at=at,
        updated_at=at,
    )


@pytest.fixture
def seeded(member, make_service):
    """Orders around Bangkok midnight, top-ups waiting, provider calls and privacy requests."""
    service = make_service()
    # 14 March, 23:30 Bangkok = 16:30 UTC (14 March in UTC too)
    _order(member, service, at=datetime(2026, 3, 14, 16, 30, tzinfo=UTC), charge="10.50")
    # 15 March, 00:30 Bangkok = 17:30 UTC on 14 March: a Bangkok day later than its UTC date
    _order(member, service, at=datetime(2026, 3, 14, 17, 30, tzinfo=UTC), charge="20.25")
    _order(member, service, at=datetime(2026, 3, 15, 2, 0, tzinfo=UTC), charge="5.00")
    # 31 days ago: outside the chart
    _order(member, service, at=T0 - timedelta(days=31), charge="99.00")
    for hours, status in ((5, TopUp.Status.PENDING_REVIEW), (2, TopUp.Status.PENDING_REVIEW)):
        TopUp.objects.create(
            reference=f"T{hours}",
            member=member,
            method=TopUp.Method.BANK_TRANSFER,
            amount=Decimal("100"),
            status=status,
            created_at=T0 - timedelta(hours=hours),
        )
    TopUp.objects.create(
        reference="TA", member=member, method="bank_transfer", amount=1, status=TopUp.Status.APPROVED
    )
    slow = Provider.objects.create(name="SlowPanel", api_url="https://slow.example.test/api/v2", api_key="k")
    fine = Provider.objects.create(name="FinePanel", api_url="https://fine.example.test/api/v2", api_key="k")
    for ok, ago in ((False, 1), (False, 3), (True, 2), (False, 30)):  # the last is older than 24 h
        ProviderCall.objects.create(provider=slow, action="add", ok=ok, at=T0 - timedelta(hours=ago))
    ProviderCall.objects.create(provider=fine, action="status", ok=True, at=T0 - timedelta(hours=1))
    DataSubjectRequest.objects.create(
        member=member, kind="view", due_at=T0 + timedelta(days=10), verified_at=T0
    )
    DataSubjectRequest.objects.create(
        member=member, kind="delete", due_at=T0 - timedelta(days=1), verified_at=T0
    )
    return service


def _signed_in(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    return staff


def _panels(html: str) -> list[str]:
    return [name for name in ALL_PANELS if f'data-testid="panel-{name}"' in html]


def test_the_panel_table_names_real_roles_only():
    for allowed in dashboard.PANELS.values():
        assert allowed and allowed <= set(roles.ROLES)
    assert access.matrix()["staff:dashboard"] == access.ALL_ROLES


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_role_sees_its_panels_and_no_other_numbers(client, make_staff, seeded, role):
    staff = _signed_in(client, make_staff, role)
    response = client.get("/staff/", **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert _panels(html) == EXPECTED[role]
    assert sorted(dashboard.dashboard_for(staff)) == sorted(EXPECTED[role])
    # No other panel's numbers reach the page, even hidden.
    if "revenue" not in EXPECTED[role]:
        assert "฿" not in html and "35.75" not in html
    if "provider_errors" not in EXPECTED[role]:
        assert "SlowPanel" not in html
    if "consultations" not in EXPECTED[role]:
        assert "consultations-waiting" not in html
    if "top_ups" not in EXPECTED[role]:
        assert "top_ups-count" not in html
    _assert_hardened(response, "/staff/")
    assert _inline_code(html) == []


def test_members_and_visitors_cannot_open_the_dashboard(client, member):
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")
    sign_in(client, member.email)
    assert client.get("/staff/").status_code == 403


def test_orders_and_revenue_are_counted_per_bangkok_day(seeded):
    orders = dashboard.orders_per_day()
    revenue = dashboard.revenue_per_day()
    assert len(orders) == len(revenue) == 30
    assert orders[-1].day.isoformat() == "2026-03-15" and orders[0].day.isoformat() == "2026-02-14"
    by_day = {point.day.isoformat(): point.value for point in orders}
    assert by_day["2026-03-14"] == 1  # 23:30 Bangkok
    assert by_day["2026-03-15"] == 2  # 00:30 Bangkok (still 14 March in UTC) and 09:00
    assert sum(by_day.values()) == 3  # the 31-day-old order is outside the chart
    money = {point.day.isoformat(): point.value for point in revenue}
    assert money["2026-03-15"] == Decimal("25.25") and money["2026-03-14"] == Decimal("10.50")
    assert money["2026-03-01"] == Decimal("0.00") and isinstance(money["2026-03-01"], Decimal)


def test_each_series_is_one_query(seeded):
    with CaptureQueriesContext(connection) as queries:
        dashboard.orders_per_day()
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        dashboard.revenue_per_day()
    assert len(queries) == 1


def test_top_ups_waiting_counts_only_those_to_check_with_the_oldest_age(seeded):
    waiting = dashboard.top_ups_waiting()
    assert waiting.count == 2
    assert waiting.oldest_age == timedelta(hours=5)


def test_provider_errors_count_failed_calls_of_the_last_24_hours(seeded):
    rows = dashboard.provider_errors()
    assert [(row.name, row.failed, row.calls) for row in rows] == [("SlowPanel", 2, 3), ("FinePanel", 0, 1)]


def test_consultations_come_from_the_support_queue():
    assert dashboard.consultation_queue() == {"waiting": 7, "overdue": 2}


def test_privacy_requests_count_open_and_overdue(seeded):
    assert dashboard.privacy_requests() == {"requests": 2, "inquiries": 0, "overdue": 1}


def test_the_administrator_page_shows_the_numbers_and_the_charts(client, make_staff, seeded):
    _signed_in(client, make_staff, roles.ADMINISTRATOR)
    html = client.get("/staff/", **EN).content.decode()
    assert html.count('<svg class="chart"') == 2
    orders_svg = re.search(r'<svg class="chart" id="chart-orders".*?</svg>', html, re.S).group(0)
    assert '<title id="chart-orders-title">Orders per day, last 30 days</title>' in orders_svg
    assert "Total 3. Highest on 2026-03-15: 2. Today: 2." in orders_svg
    assert orders_svg.count('<rect class="chart-bar"') == 30
    assert 'data-testid="orders-total">3<' in html
    assert 'data-testid="revenue-total">฿35.75<' in html
    assert 'data-testid="consultations-waiting">7<' in html
    assert 'data-testid="consultations-overdue">2<' in html
    assert "SlowPanel" in html
    # Links to the staff pages the administrator may open, and none they may not.
    assert 'href="/staff/providers/"' in html and 'href="/staff/announcements/"' in html
    assert 'href="/staff/orders/"' not in html and 'href="/wallet/staff/top-ups/"' not in html


def test_finance_sees_the_top_ups_waiting_and_their_links(client, make_staff, seeded):
    _signed_in(client, make_staff, roles.FINANCE)
    html = client.get("/staff/", **EN).content.decode()
    assert 'data-testid="top_ups-count">2<' in html
    assert "The oldest has waited 5\xa0hours." in html
    assert 'href="/wallet/staff/top-ups/"' in html and 'href="/staff/providers/"' not in html


def test_the_privacy_officer_sees_requests_and_overdue(client, make_staff, seeded):
    _signed_in(client, make_staff, roles.PRIVACY_OFFICER)
    html = client.get("/staff/", **EN).content.decode()
    assert 'data-testid="privacy-requests">2<' in html and 'data-testid="privacy-overdue">1<' in html
    assert 'href="/staff/privacy/"' in html


def test_an_empty_dashboard_still_draws_its_charts(client, make_staff):
    _signed_in(client, make_staff, roles.ADMINISTRATOR)
    response = client.get("/staff/", **EN)
    assert response.status_code == 200
    assert "Total 0." in response.content.decode()


def test_the_consultations_panel_reads_the_real_support_queue(monkeypatch):
    monkeypatch.undo()  # support's own function, on an empty queue
    assert dashboard.consultation_queue() == {"waiting": 0, "overdue": 0}
