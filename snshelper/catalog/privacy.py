from snshelper.privacy import registry
from snshelper.privacy.registry import not_personal

for model in ("catalog.Platform", "catalog.Category", "catalog.Service"):
    for language in ("th", "en", "ko"):
        not_personal(model, f"name_{language}", reason="The name of what we sell, not of a person.")
for language in ("th", "en", "ko"):
    not_personal("catalog.Service", f"description_{language}", reason="Describes a service we sell.")
not_personal("catalog.Platform", "link_pattern", reason="A rule links must match; holds no link itself.")
not_personal("catalog.Service", "one_active_order_per_link", reason="A yes/no setting of the service.")


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("catalog.Platform", "id", reason=registry.KEY)
registry.not_personal(
    "catalog.Platform",
    "code",
    "account_pattern",
    "sort_order",
    "is_active",
    reason="A platform we serve and its settings.",
)
registry.not_personal("catalog.Category", "id", reason=registry.KEY)
registry.not_personal("catalog.Category", "platform", reason=registry.LINK)
registry.not_personal("catalog.Category", "sort_order", reason="The order of a category in the price list.")
registry.not_personal("catalog.Service", "id", reason=registry.KEY)
registry.not_personal("catalog.Service", "category", "provider_service", reason=registry.LINK)
registry.not_personal(
    "catalog.Service",
    "type",
    "rate",
    "currency",
    "min_quantity",
    "max_quantity",
    "step",
    "refill_days",
    "cancel_allowed",
    "dripfeed_allowed",
    "average_minutes",
    "fulfilment",
    "markup_percent",
    "markup_fixed",
    "rounding",
    "is_active",
    "created_at",
    reason="A service we sell and its settings and prices.",
)
