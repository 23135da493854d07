"""Importing a provider's catalogue with a markup rule, and re-syncs that report every change and
handle it by rule, never silently."""

from decimal import Decimal

import pytest

from snshelper.catalog.models import Service
from snshelper.providers import selectors
from snshelper.providers import services as provider_services
from snshelper.providers.models import CatalogChange, Provider, ProviderService

Outcome, Kind = CatalogChange.Outcome, CatalogChange.Kind


def test_first_sync_copies_the_catalogue_without_reporting_it_as_changes(provider, simulator):
    changes = provider_services.sync_services(provider)
    assert changes == []
    listed = ProviderService.objects.filter(provider=provider)
    assert listed.count() == 12
    followers = listed.get(external_id="101")
    assert followers.rate == Decimal("0.95") and followers.refill and followers.cancel
    assert (followers.min_quantity, followers.max_quantity) == (50, 20000)
    assert listed.get(external_id="104").type == "Custom Comments"
    assert provider.services_synced_at is not None


@pytest.mark.parametrize(
    ("cost", "percent", "fixed", "rounding", "expected"),
    [
        ("0.95", "30", "0", "0.01", "43.23"),  # 0.95 × 35 × 1.3 = 43.225 → up to 43.23
        ("0.95", "30", "5", "1", "49"),  # 48.225 → up to a whole baht
        ("0.01", "0", "0", "0.1", "0.4"),  # 0.35 → up to 0.4
    ],
)
def test_our_price_is_converted_marked_up_and_rounded_up(cost, percent, fixed, rounding, expected):
    rate = provider_services.our_rate(
        Decimal(cost),
        exchange_rate=Decimal("35"),
        percent=Decimal(percent),
        fixed=Decimal(fixed),
        rounding=rounding,
    )
    assert rate == Decimal(expected)


def resync_after_price_change(provider, simulator) -> list[CatalogChange]:
    simulator.force("price_change")
    return provider_services.sync_services(provider)


def test_price_rise_held_for_review_pauses_a_service_that_would_sell_at_a_loss(provider, simulator):
    provider_services.sync_services(provider)
    sold = provider_services.add_to_catalog(
        provider_services=list(provider.services.all()), category=_category(), markup_percent=Decimal("5")
    )
    before = {s.pk: s.rate for s in sold}

    changes = resync_after_price_change(provider, simulator)

    kinds = {c.kind for c in changes}
    assert {Kind.PRICE, Kind.GONE, Kind.NEW} <= kinds
    for change in changes:
        assert change.outcome != Outcome.APPLIED  # review: nothing applied on its own
    for change in [c for c in changes if c.kind == Kind.PRICE]:
        service = Service.objects.get(pk=change.service_id)
        assert service.rate == before[service.pk]  # our price did not move silently
        cost = service.provider_service.rate * provider.exchange_rate
        assert (change.outcome == Outcome.PAUSED) == (cost > service.rate)
        assert service.is_active == (change.outcome != Outcome.PAUSED)
    gone = [c for c in changes if c.kind == Kind.GONE]
    assert all(not Service.objects.get(pk=c.service_id).is_active for c in gone)
    held = {c for c in changes if c.outcome in (Outcome.PENDING, Outcome.PAUSED)}
    assert set(selectors.pending_changes()) >= held


def test_price_change_applied_by_rule_when_the_provider_is_set_to_apply(provider, simulator):
    provider.price_changes = Provider.PriceChanges.APPLY
    provider.save()
    provider_services.sync_services(provider)
    sold = provider_services.add_to_catalog(
        provider_services=list(provider.services.all()), category=_category()
    )

    changes = resync_after_price_change(provider, simulator)

    priced = [c for c in changes if c.kind == Kind.PRICE]
    assert priced and all(c.outcome == Outcome.APPLIED for c in priced)
    for change in priced:
        service = Service.objects.get(pk=change.service_id)
        assert service.rate == provider_services.rate_for(service)
        assert Decimal(change.after["our_rate_after"]) == service.rate
    assert len(sold) == 12


def test_staff_accept_a_held_change_and_the_service_sells_again_at_the_rule_price(
    provider, simulator, make_staff
):
    provider_services.sync_services(provider)
    provider_services.add_to_catalog(
        provider_services=list(provider.services.all()), category=_category(), markup_percent=Decimal("1")
    )
    changes = resync_after_price_change(provider, simulator)
    held = next(c for c in changes if c.kind == Kind.PRICE and c.outcome in (Outcome.PENDING, Outcome.PAUSED))
    admin, _ = make_staff("administrator")

    provider_services.accept_change(change_id=held.pk, by=admin)

    service = Service.objects.get(pk=held.service_id)
    assert service.is_active and service.rate == provider_services.rate_for(service)
    with pytest.raises(provider_services.ProviderSetupError):
        provider_services.accept_change(change_id=held.pk, by=admin)


def test_provider_that_does_not_answer_changes_nothing(provider, simulator):
    provider_services.sync_services(provider)
    simulator.force("html")
    with pytest.raises(provider_services.ProviderUnavailable):
        provider_services.sync_services(provider)
    assert ProviderService.objects.filter(provider=provider, available=True).count() == 12
    assert not CatalogChange.objects.exists()


def test_bad_provider_details_are_refused_clearly(db):
    with pytest.raises(provider_services.ProviderSetupError):
        provider_services.save_provider(
            name="X",
            api_url="not a url",
            api_key="k",
            currency="USD",
            exchange_rate=Decimal("35"),
            timeout_seconds=Decimal("20"),
            markup_percent=Decimal("30"),
            markup_fixed=Decimal("0"),
        )
    with pytest.raises(provider_services.ProviderSetupError):
        provider_services.save_provider(
            name="X",
            api_url="https://p.example/api/v2",
            api_key="",
            currency="USD",
            exchange_rate=Decimal("35"),
            timeout_seconds=Decimal("20"),
            markup_percent=Decimal("30"),
            markup_fixed=Decimal("0"),
        )
    assert not Provider.objects.exists()


def test_balance_is_read_from_the_provider(provider, simulator):
    simulator.set_balance("1234.5")
    provider_services.refresh_balance(provider)
    provider.refresh_from_db()
    assert provider.balance == Decimal("1234.5") and provider.balance_currency == "USD"


def _category():
    from tests.providers_fixtures import _category

    return _category()
