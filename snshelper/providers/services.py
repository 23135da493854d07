"""Writes for providers: adding them, importing their catalogues into ours with a markup rule,
re-syncing (every change reported and handled by rule, never silently), and their balance.

Order traffic (forwarding, status sync) is in ``forwarding.py``.
"""

from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.catalog.models import Category, Service
from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.providers.client import Listed, ProviderError
from snshelper.providers.forwarding import connect
from snshelper.providers.models import CatalogChange, Provider, ProviderService

Kind, Outcome = CatalogChange.Kind, CatalogChange.Outcome


class ProviderSetupError(DomainError):
    message = _("Check the provider's details.")


class ProviderUnavailable(DomainError):
    message = _("The provider did not answer. Try again later.")


# The provider's numbers and the range each must fall in.
NUMBER_LIMITS = {
    "exchange_rate": (Decimal("0.000001"), Decimal("100000")),
    "timeout_seconds": (Decimal("1"), Decimal("120")),
    "markup_percent": (Decimal("-50"), Decimal("10000")),
    "markup_fixed": (Decimal("0"), Decimal("100000")),
}


def _clean(
    *,
    name: str,
    api_url: str,
    currency: str,
    exchange_rate: Decimal | None,
    timeout_seconds: Decimal | None,
    markup_percent: Decimal | None,
    markup_fixed: Decimal | None,
) -> dict:
    name, api_url, currency = (name or "").strip(), (api_url or "").strip(), (currency or "").strip().upper()
    try:
        URLValidator(schemes=["http", "https"])(api_url)
    except ValidationError:
        raise ProviderSetupError(_("Enter the provider's API URL, starting with https://.")) from None
    if not name or len(name) > 100:
        raise ProviderSetupError(_("Give the provider a name (up to 100 characters)."))
    if len(currency) != 3 or not currency.isalpha():
        raise ProviderSetupError(_("Enter the currency as three letters, such as USD or THB."))
    numbers = {
        "exchange_rate": exchange_rate,
        "timeout_seconds": timeout_seconds,
        "markup_percent": markup_percent,
        "markup_fixed": markup_fixed,
    }
    for label, number in numbers.items():
        low, high = NUMBER_LIMITS[label]
        if not isinstance(number, Decimal) or not low <= number <= high:
            raise ProviderSetupError(
                _("%(field)s must be a number from %(low)s to %(high)s.")
                % {"field": label.replace("_", " "), "low": low, "high": high}
            )
    return {"name": name, "api_url": api_url, "currency": currency, **numbers}


def save_provider(*, provider: Provider | None = None, api_key: str = "", **fields) -> Provider:
    """Add a provider or change one; an empty key keeps the stored one."""
    options = {
        k: fields.pop(k)
        for k in ("supports_idempotency", "price_changes", "rounding", "is_active")
        if k in fields
    }
    values = _clean(**fields)
    api_key = (api_key or "").strip()
    if provider is None and not api_key:
        raise ProviderSetupError(_("Enter the API key the provider gave you."))
    if (
        Provider.objects.filter(name__iexact=values["name"])
        .exclude(pk=getattr(provider, "pk", None))
        .exists()
    ):
        raise ProviderSetupError(_("Another provider already has this name."))
    provider = provider or Provider()
    for name, value in {**values, **options}.items():
        setattr(provider, name, value)
    if api_key:
        provider.api_key = api_key
    provider.full_clean(exclude=["api_key"])
    provider.save()
    return provider


def refresh_balance(provider: Provider) -> Provider:
    with connect(provider) as client:
        try:
            amount, currency = client.balance()
        except ProviderError:
            return provider
    provider.balance, provider.balance_currency = amount, currency or provider.currency
    provider.balance_checked_at = clock.now()
    provider.save(update_fields=["balance", "balance_currency", "balance_checked_at"])
    return provider


# --- Catalogue: import, markup, re-sync ------------------------------------------------------


def our_rate(
    cost: Decimal, *, exchange_rate: Decimal, percent: Decimal, fixed: Decimal, rounding: str
) -> Decimal:
    """Our price per 1,000 for a provider's: converted, marked up, then rounded UP (never a loss
    by rounding)."""
    rate = cost * exchange_rate * (1 + percent / 100) + fixed
    return rate.quantize(Decimal(rounding), rounding=ROUND_CEILING)


def rate_for(service: Service) -> Decimal:
    provider_service = service.provider_service
    return our_rate(
        provider_service.rate,
        exchange_rate=provider_service.provider.exchange_rate,
        percent=service.markup_percent,
        fixed=service.markup_fixed,
        rounding=service.rounding,
    )


def _snapshot(service: ProviderService) -> dict:
    return {
        "rate": str(service.rate),
        "min": service.min_quantity,
        "max": service.max_quantity,
        "available": service.available,
    }


def sync_services(provider: Provider) -> list[CatalogChange]:
    """Fetch the provider's ``services`` and bring our copy up to date. Every difference becomes
    a CatalogChange with its outcome: our mapped services follow the provider's rule (prices
    applied by markup, or held for review; a service the provider dropped is paused)."""
    with connect(provider) as client:
        try:
            rows = client.listed()
        except ProviderError as error:
            raise ProviderUnavailable(
                _("The provider did not answer: %(detail)s") % {"detail": error.detail}
            ) from None
    listed = {item.external_id: item for item in rows}
    if not listed:
        raise ProviderUnavailable(_("The provider listed no services we could read."))
    with transaction.atomic():
        return _reconcile_catalog(provider, listed)


def _reconcile_catalog(provider: Provider, listed: dict[str, Listed]) -> list[CatalogChange]:
    now, changes = clock.now(), []
    known = {s.external_id: s for s in provider.services.select_for_update()}
    first_import = not known
    for external_id, item in listed.items():
        service = known.get(external_id)
        fields = {k: v for k, v in item.__dict__.items() if k != "external_id"}
        if service is None:
            service = ProviderService.objects.create(
                provider=provider, external_id=external_id, first_seen_at=now, last_seen_at=now, **fields
            )
            if not first_import:
                changes.append(_change(provider, service, Kind.NEW, {}, _snapshot(service), Outcome.NOTED))
            continue
        before = _snapshot(service)
        for name, value in fields.items():
            setattr(service, name, value)
        was_available, service.available, service.last_seen_at = service.available, True, now
        service.save()
        after = _snapshot(service)
        if not was_available:
            changes.append(_change(provider, service, Kind.BACK, before, after, Outcome.NOTED))
        if before["rate"] != after["rate"]:
            changes.append(_price_change(provider, service, before, after))
        if (before["min"], before["max"]) != (after["min"], after["max"]):
            changes.append(_limits_change(provider, service, before, after))
    for external_id, service in known.items():
        if external_id not in listed and service.available:
            before = _snapshot(service)
            service.available = False
            service.save(update_fields=["available"])
            changes.append(_gone(provider, service, before))
    provider.services_synced_at = now
    provider.save(update_fields=["services_synced_at"])
    return changes


def _change(provider, provider_service, kind, before, after, outcome, service=None) -> CatalogChange:
    return CatalogChange.objects.create(
        provider=provider,
        provider_service=provider_service,
        service=service,
        kind=kind,
        before=before,
        after=after,
        outcome=outcome,
        detected_at=clock.now(),
    )


def _mapped(provider_service: ProviderService) -> list[Service]:
    return list(
        Service.objects.filter(provider_service=provider_service, fulfilment=Service.Fulfilment.PROVIDER)
    )


def _price_change(provider, provider_service, before, after) -> CatalogChange:
    mapped = _mapped(provider_service)
    if not mapped:
        return _change(provider, provider_service, Kind.PRICE, before, after, Outcome.NOTED)
    last = None
    for service in mapped:
        new_rate = rate_for(service)
        detail = {**after, "our_rate_before": str(service.rate), "our_rate_after": str(new_rate)}
        if provider.price_changes == Provider.PriceChanges.APPLY:
            service.rate = new_rate
            service.save(update_fields=["rate"])
            outcome = Outcome.APPLIED
        elif _cost(service) > service.rate:
            service.is_active = False  # would sell at a loss: paused until reviewed
            service.save(update_fields=["is_active"])
            outcome = Outcome.PAUSED
        else:
            outcome = Outcome.PENDING
        last = _change(provider, provider_service, Kind.PRICE, before, detail, outcome, service)
    return last


def _cost(service: Service) -> Decimal:
    """What 1,000 units cost us at the provider, in our currency."""
    return service.provider_service.rate * service.provider_service.provider.exchange_rate


def _limits_change(provider, provider_service, before, after) -> CatalogChange:
    """Our limits must sit inside the provider's: narrowed at once (or an order would be refused
    upstream after we charged for it); a widening is only reported."""
    mapped, last = _mapped(provider_service), None
    for service in mapped:
        low = max(service.min_quantity, provider_service.min_quantity)
        high = min(service.max_quantity, provider_service.max_quantity)
        if low > high:
            service.is_active = False
            service.save(update_fields=["is_active"])
            outcome = Outcome.PAUSED
        elif (low, high) != (service.min_quantity, service.max_quantity):
            service.min_quantity, service.max_quantity = low, high
            service.save(update_fields=["min_quantity", "max_quantity"])
            outcome = Outcome.APPLIED
        else:
            outcome = Outcome.NOTED
        last = _change(provider, provider_service, Kind.LIMITS, before, after, outcome, service)
    return last or _change(provider, provider_service, Kind.LIMITS, before, after, Outcome.NOTED)


def _gone(provider, provider_service, before) -> CatalogChange:
    mapped, last = _mapped(provider_service), None
    for service in mapped:
        if service.is_active:
            service.is_active = False
            service.save(update_fields=["is_active"])
        last = _change(
            provider, provider_service, Kind.GONE, before, {"available": False}, Outcome.PAUSED, service
        )
    return last or _change(provider, provider_service, Kind.GONE, before, {"available": False}, Outcome.NOTED)


@transaction.atomic
def accept_change(*, change_id: int, by) -> CatalogChange:
    """Staff accept a held price change: our rate follows the markup rule, the service sells again."""
    change = CatalogChange.objects.select_for_update(of=("self",)).select_related("service").get(pk=change_id)
    if change.outcome not in (Outcome.PENDING, Outcome.PAUSED) or change.service is None:
        raise ProviderSetupError(_("This change was already handled."))
    service = change.service
    if change.kind in (Kind.PRICE, Kind.LIMITS) and service.provider_service.available:
        service.rate = rate_for(service)
        service.min_quantity = max(service.min_quantity, service.provider_service.min_quantity)
        service.max_quantity = min(service.max_quantity, service.provider_service.max_quantity)
        service.is_active = service.min_quantity <= service.max_quantity
        service.save(update_fields=["rate", "min_quantity", "max_quantity", "is_active"])
    change.outcome, change.handled_by, change.handled_at = Outcome.ACCEPTED, by, clock.now()
    change.save(update_fields=["outcome", "handled_by", "handled_at"])
    return change


def dismiss_change(*, change_id: int, by) -> CatalogChange:
    change = CatalogChange.objects.get(pk=change_id)
    if change.outcome not in (Outcome.PENDING, Outcome.PAUSED):
        raise ProviderSetupError(_("This change was already handled."))
    change.outcome, change.handled_by, change.handled_at = Outcome.DISMISSED, by, clock.now()
    change.save(update_fields=["outcome", "handled_by", "handled_at"])
    return change


@transaction.atomic
def add_to_catalog(
    *,
    provider_services: list[ProviderService],
    category: Category,
    markup_percent: Decimal | None = None,
    markup_fixed: Decimal | None = None,
    rounding: str | None = None,
) -> list[Service]:
    """Sell the provider's services as ours, in one of our categories, priced by the markup rule
    (the provider's defaults unless given). Names start as the provider's: translate them later."""
    created = []
    for provider_service in provider_services:
        provider = provider_service.provider
        if not provider_service.available:
            raise ProviderSetupError(_("A service the provider no longer offers cannot be added."))
        if provider_service.type == Service.Type.SUBSCRIPTIONS:
            raise ProviderSetupError(_("Subscriptions are fulfilled by our staff only."))
        percent = provider.markup_percent if markup_percent is None else markup_percent
        fixed = provider.markup_fixed if markup_fixed is None else markup_fixed
        if fixed < 0 or percent < -50:
            raise ProviderSetupError(_("Enter the markup as numbers."))
        try:
            rounding_step = Service.Rounding(rounding or provider.rounding)
        except ValueError:
            raise ProviderSetupError from None
        service = Service(
            category=category,
            type=provider_service.type
            if provider_service.type in Service.Type.values
            else Service.Type.DEFAULT,
            name_th=provider_service.name[:200],
            name_en=provider_service.name[:200],
            description_en=provider_service.description,
            min_quantity=provider_service.min_quantity,
            max_quantity=provider_service.max_quantity,
            refill_days=30 if provider_service.refill else None,
            cancel_allowed=provider_service.cancel,
            dripfeed_allowed=provider_service.dripfeed,
            fulfilment=Service.Fulfilment.PROVIDER,
            provider_service=provider_service,
            markup_percent=percent,
            markup_fixed=fixed,
            rounding=rounding_step,
            rate=Decimal("0"),
        )
        service.rate = rate_for(service)
        service.save()
        created.append(service)
    return created


@transaction.atomic
def map_service(*, service: Service, provider_service: ProviderService | None) -> Service:
    """Fulfil one of our services by a provider's service (or, with None, by our staff again).
    Orders already placed keep the way they were placed."""
    if provider_service is None:
        service.fulfilment, service.provider_service = Service.Fulfilment.MANUAL, None
    else:
        if not provider_service.available:
            raise ProviderSetupError(_("A service the provider no longer offers cannot be used."))
        service.fulfilment, service.provider_service = Service.Fulfilment.PROVIDER, provider_service
        service.min_quantity = max(service.min_quantity, provider_service.min_quantity)
        service.max_quantity = min(service.max_quantity, provider_service.max_quantity)
        if service.min_quantity > service.max_quantity:
            raise ProviderSetupError(_("Our limits and the provider's do not overlap."))
    service.save(update_fields=["fulfilment", "provider_service", "min_quantity", "max_quantity"])
    return service
