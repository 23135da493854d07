"""The providers app holds no member's personal data: only what an order needs (in orders) goes
to a provider. Fields that look personal by name are said here to be what they are."""

from snshelper.privacy import registry
from snshelper.privacy.registry import not_personal

not_personal("providers.Provider", "name", reason="The name of a business we buy services from.")
not_personal("providers.Provider", "api_url", reason="The provider's endpoint.")
not_personal(
    "providers.Provider", "api_key", reason="Our own account's key at the provider (encrypted at rest)."
)
not_personal("providers.ProviderService", "name", reason="A service's name in the provider's catalogue.")
not_personal("providers.ProviderService", "description", reason="A service's description.")
not_personal("providers.CatalogChange", "before", reason="Prices and limits of a provider's service.")
not_personal("providers.CatalogChange", "after", reason="Prices and limits of a provider's service.")


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("providers.Provider", "id", reason=registry.KEY)
registry.not_personal(
    "providers.Provider",
    "currency",
    "exchange_rate",
    "timeout_seconds",
    "supports_idempotency",
    "markup_percent",
    "markup_fixed",
    "rounding",
    "price_changes",
    "is_active",
    "balance",
    "balance_currency",
    "balance_checked_at",
    "services_synced_at",
    "statuses_synced_at",
    "created_at",
    reason="An upstream provider's settings, prices and balance: a business, not a person.",
)
registry.not_personal("providers.ProviderService", "id", reason=registry.KEY)
registry.not_personal("providers.ProviderService", "provider", reason=registry.LINK)
registry.not_personal(
    "providers.ProviderService",
    "external_id",
    "type",
    "category",
    "rate",
    "min_quantity",
    "max_quantity",
    "refill",
    "cancel",
    "dripfeed",
    "average_time",
    "available",
    "first_seen_at",
    "last_seen_at",
    reason="A provider's service as its catalogue lists it.",
)
registry.not_personal("providers.CatalogChange", "id", reason=registry.KEY)
registry.not_personal(
    "providers.CatalogChange", "provider", "provider_service", "service", reason=registry.LINK
)
registry.not_personal(
    "providers.CatalogChange",
    "kind",
    "outcome",
    "detected_at",
    "handled_at",
    reason="A change in a provider's catalogue and how staff handled it.",
)
registry.not_personal("providers.CatalogChange", "handled_by", reason=registry.ACTOR_LINK)
registry.not_personal("providers.Forwarding", "order", "provider", reason=registry.LINK)
registry.not_personal(
    "providers.Forwarding",
    "state",
    "external_id",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "confirmed_at",
    "last_error",
    "provider_charge",
    "provider_currency",
    "missing_count",
    "last_synced_at",
    reason="The provider's order number, the forwarding's state, charge and errors: handling the order.",
)
registry.not_personal("providers.ForwardedRefill", "provider", "refill", reason=registry.LINK)
registry.not_personal(
    "providers.ForwardedRefill",
    "state",
    "last_error",
    "sent_at",
    "external_id",
    reason="The state of a refill sent to the provider: the handling of the order.",
)
registry.not_personal("providers.ForwardedCancel", "provider", "cancel_request", reason=registry.LINK)
registry.not_personal(
    "providers.ForwardedCancel",
    "state",
    "last_error",
    "sent_at",
    reason="The state of a cancellation sent to the provider: the handling of the order.",
)
registry.not_personal("providers.ProviderCall", "id", reason=registry.KEY)
registry.not_personal("providers.ProviderCall", "provider", reason=registry.LINK)
registry.not_personal(
    "providers.ProviderCall",
    "action",
    "ok",
    "outcome",
    "milliseconds",
    "at",
    reason="A call to a provider: the action, outcome and duration, without its content.",
)
