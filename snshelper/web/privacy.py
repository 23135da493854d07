from snshelper.privacy.registry import not_personal

for language in ("th", "en", "ko"):
    not_personal(
        "web.Announcement", f"body_{language}", reason="Written by staff for every visitor; names no member."
    )
