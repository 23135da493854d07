from snshelper.privacy.registry import not_personal

for language in ("th", "en", "ko"):
    not_personal(
        "maintenance.MaintenanceSwitch",
        f"message_{language}",
        reason="Written by staff for every visitor while the site is closed; names no member.",
    )
