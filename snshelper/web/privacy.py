from snshelper.privacy import registry
from snshelper.privacy.registry import not_personal

for language in ("th", "en", "ko"):
    not_personal(
        "web.Announcement", f"body_{language}", reason="Written by staff for every visitor; names no member."
    )


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("web.Announcement", "id", reason=registry.KEY)
registry.not_personal(
    "web.Announcement",
    "kind",
    "title_th",
    "title_en",
    "title_ko",
    "published_at",
    "ends_at",
    "is_active",
    reason="An announcement staff write for every visitor.",
)
