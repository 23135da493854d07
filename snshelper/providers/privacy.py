"""The providers app holds no member's personal data: only what an order needs (in orders) goes
to a provider. Fields that look personal by name are said here to be what they are."""

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
