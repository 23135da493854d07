from snshelper.privacy import registry
from snshelper.privacy.registry import not_personal

for language in ("th", "en", "ko"):
    not_personal(
        "maintenance.MaintenanceSwitch",
        f"message_{language}",
        reason="Written by staff for every visitor while the site is closed; names no member.",
    )


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("maintenance.MaintenanceSwitch", "id", reason=registry.KEY)
registry.not_personal(
    "maintenance.MaintenanceSwitch",
    "is_on",
    "ends_at",
    "via",
    "at",
    reason="When and how the site was closed for maintenance.",
)
registry.not_personal("maintenance.MaintenanceSwitch", "by", reason=registry.ACTOR_LINK)
