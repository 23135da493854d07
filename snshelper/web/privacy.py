from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import Category, Purpose, not_personal, not_swept, owned_by, personal_data

for language in ("th", "en", "ko"):
    not_personal(
        "web.Announcement", f"body_{language}", reason="Written by staff for every visitor; names no member."
    )

# The popup closed on the member's account (issue 17): a display preference, kept while the
# membership lasts; withdrawal removes it with the account.
personal_data(
    "web.PopupSeen", "up_to", category=Category.PREFERENCE, purpose=Purpose.MEMBERSHIP, retention="membership"
)
owned_by("web.PopupSeen", "member")
not_swept(
    "web.PopupSeen", reason=_("Membership data: kept while the membership lasts; withdrawal removes it.")
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
registry.not_personal("web.PopupSeen", "member", reason=registry.MEMBER_LINK)
