"""Demo catalogue and demo orders: complete, sensible, and idempotent."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from snshelper.catalog.models import Category, Platform, Service
from snshelper.catalog.platforms import DEFAULT_PLATFORMS
from snshelper.demo.catalogue import DEMO_CATALOG, load_demo_catalog
from snshelper.demo.orders import DEMO_ORDERS, load_demo_orders
from snshelper.demo.privacy_requests import DEMO_OFFICER, publish_demo_policy
from snshelper.orders.models import Order, OrderTransition, Status
from snshelper.privacy.models import PolicyVersion
from snshelper.privacy_rights.policy import checks
from snshelper.staff import roles
from snshelper.wallet import ledger, selectors
from snshelper.wallet.models import LedgerTransaction

pytestmark = pytest.mark.django_db


def test_the_catalogue_has_30_services_named_in_three_languages_on_every_platform():
    count = load_demo_catalog()
    services = Service.objects.filter(is_active=True).select_related("category__platform")
    assert count == services.count() >= 30
    per_platform = {code: 0 for code, *_ in DEFAULT_PLATFORMS}
    for service in services:
        per_platform[service.platform.code] += 1
        for stem in ("name", "description"):
            for language in ("th", "en", "ko"):
                assert getattr(service, f"{stem}_{language}").strip(), (service.name_en, stem, language)
    assert len(per_platform) == 6
    assert min(per_platform.values()) >= 4, per_platform
    for category in Category.objects.all():
        assert category.name_th and category.name_en and category.name_ko


def test_every_api_v2_type_is_on_sale():
    load_demo_catalog()
    types = set(Service.objects.values_list("type", flat=True))
    assert types == set(Service.Type.values)


def test_quantities_and_rates_make_sense():
    load_demo_catalog()
    for service in Service.objects.all():
        assert isinstance(service.rate, Decimal) and service.rate > 0
        assert service.currency == "THB"
        assert service.min_quantity <= service.max_quantity
        assert service.min_quantity % service.step == 0 and service.max_quantity % service.step == 0
        assert service.average_minutes
        if service.dripfeed_allowed:
            assert service.type == Service.Type.DEFAULT
    assert Service.objects.filter(refill_days__isnull=False).exists()
    assert Service.objects.filter(cancel_allowed=True).exists()
    assert Service.objects.filter(dripfeed_allowed=True).exists()


def test_loading_the_catalogue_twice_changes_nothing():
    first = load_demo_catalog()
    counts = (Platform.objects.count(), Category.objects.count(), Service.objects.count())
    rows = list(Service.objects.order_by("id").values())
    assert load_demo_catalog() == first
    assert (Platform.objects.count(), Category.objects.count(), Service.objects.count()) == counts
    assert list(Service.objects.order_by("id").values()) == rows


def test_a_second_load_keeps_what_staff_changed():
    load_demo_catalog()
    service = Service.objects.get(category__platform__code="tiktok", name_en="Video Views")
    Service.objects.filter(pk=service.pk).update(rate=Decimal("11.00000"))
    load_demo_catalog()
    service.refresh_from_db()
    assert service.rate == Decimal("11.00000")


def test_the_catalogue_defines_its_keys_once():
    keys = [(c.platform, c.names[1]) for c in DEMO_CATALOG]
    assert len(keys) == len(set(keys))
    for category in DEMO_CATALOG:
        names = [s.names[1] for s in category.services]
        assert len(names) == len(set(names))


@pytest.fixture
def staff(make_staff):
    return make_staff(roles.MARKETING, with_totp=False)[0]


def _balance_holds(member):
    balance = selectors.balance(member)
    assert balance == selectors.balance_from_entries(ledger.wallet_of(member))
    return balance


def test_demo_orders_cover_every_status_and_the_ledger_holds(member, staff):
    load_demo_orders(member, staff)
    orders = Order.objects.filter(member=member)
    assert orders.count() == len(DEMO_ORDERS)
    assert set(orders.values_list("status", flat=True)) == set(Status.values)
    assert orders.filter(status=Status.PENDING).count() >= 3
    assert all(order.idempotency_key.startswith("demo-order-") for order in orders)
    assert {order.service.platform.code for order in orders} == {code for code, *_ in DEFAULT_PLATFORMS}

    balance = _balance_holds(member)
    assert Decimal("2000") < balance < Decimal("3000")
    spent = sum((order.charge - order.refunded for order in orders), Decimal(0))
    top_up = LedgerTransaction.objects.get(idempotency_key="demo-topup-1")
    assert top_up.kind == LedgerTransaction.Kind.TOP_UP
    assert balance == top_up.entries.get(account=ledger.wallet_of(member)).amount - spent


def test_partial_and_canceled_demo_orders_are_refunded(member, staff):
    load_demo_orders(member, staff)
    for order in Order.objects.filter(member=member, status__in=[Status.PARTIAL, Status.CANCELED]):
        assert order.refunded > 0
        assert LedgerTransaction.objects.filter(
            idempotency_key=f"order:{order.pk}:refund", kind=LedgerTransaction.Kind.ORDER_REFUND
        ).exists()
        if order.status == Status.CANCELED:
            assert order.refunded == order.charge
        else:
            assert 0 < order.remains < order.total_quantity
            assert order.refunded == order.charge * order.remains / order.total_quantity
    assert not Order.objects.filter(
        member=member, status__in=[Status.PENDING, Status.COMPLETED], refunded__gt=0
    ).exists()


def test_demo_orders_were_moved_by_the_staff_member(member, staff):
    load_demo_orders(member, staff)
    moves = OrderTransition.objects.filter(order__member=member).exclude(to_status=Status.PENDING)
    assert moves.exists()
    assert set(moves.values_list("by", flat=True)) == {staff.pk}
    started = Order.objects.filter(member=member, status__in=[Status.IN_PROGRESS, Status.COMPLETED])
    assert all(order.start_count is not None for order in started)


def test_loading_demo_orders_twice_changes_nothing(member, staff):
    load_demo_orders(member, staff)
    orders = list(Order.objects.filter(member=member).order_by("id").values())
    balance = _balance_holds(member)
    entries = LedgerTransaction.objects.count()

    load_demo_orders(member, staff)
    assert list(Order.objects.filter(member=member).order_by("id").values()) == orders
    assert _balance_holds(member) == balance
    assert LedgerTransaction.objects.count() == entries


def test_the_demo_provider_takes_an_order_from_pending_to_its_end(member, monkeypatch):
    from snshelper.demo import provider as provider_demo
    from snshelper.providers import forwarding
    from tests.providers_fixtures import free_port

    monkeypatch.setenv("SIMULATOR_PORT", str(free_port()))
    load_demo_orders(member, None)
    provider = provider_demo.load_demo_provider(member)
    assert provider_demo.load_demo_provider(member) == provider  # twice: nothing new
    sold = Service.objects.filter(provider_service__provider=provider)
    assert sold.count() == 3 and all(s.name_th and s.name_ko and s.by_provider for s in sold)
    order = Order.objects.get(member=member, idempotency_key="demo-provider-1")
    assert order.status == Status.PENDING

    with provider_demo.simulator() as simulator:  # what `serve --with-simulator` runs
        forwarding.forward_due()
        simulator.advance(3 * 3600)
        forwarding.sync_statuses(provider)
    order.refresh_from_db()
    assert order.status in (Status.COMPLETED, Status.PARTIAL, Status.CANCELED)
    assert order.transitions.count() >= 2


def test_the_demo_publishes_the_policy_its_settings_make_so_the_server_starts(make_staff, settings):
    officer, _secret = make_staff(roles.PRIVACY_OFFICER, email=DEMO_OFFICER)
    publish_demo_policy()
    publish_demo_policy()
    assert PolicyVersion.objects.count() == 1 and checks.policy_is_what_runs() == []
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 12}
    assert [m.id for m in checks.policy_is_what_runs()] == ["privacy.E001"]
    publish_demo_policy()  # loaded again with new settings: announced, with reasons, by the officer
    version = PolicyVersion.objects.get(number=2)
    assert version.published_by == officer and all(version.reasons.values())
    assert version.facts['RETENTION_MONTHS["login_records"]'] == 12
    call_command("check")  # passes (a warning until it takes effect)
