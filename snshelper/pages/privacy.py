"""Personal data of the pages app: which version of the terms of service a member accepted."""

from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import Category, Purpose, not_personal, not_swept, owned_by, personal_data

for language in ("th", "en", "ko"):
    not_personal(
        "pages.PageVersion", f"body_{language}", reason="Written by staff for every visitor; names no member."
    )

# The terms the contract was made under: kept while the membership lasts; at withdrawal the record
# moves to the withdrawn-member store with the other contract records (rule "contract").
ACCEPTANCE = {"category": Category.USAGE_RECORD, "purpose": Purpose.CONTRACT_PAYMENT, "retention": "contract"}
personal_data("pages.TermsAcceptance", "version_number", **ACCEPTANCE)
personal_data("pages.TermsAcceptance", "accepted_at", **ACCEPTANCE)
owned_by("pages.TermsAcceptance", "member")
not_swept(
    "pages.TermsAcceptance",
    reason=_(
        "The terms a member's contract was made under: kept while the membership lasts; withdrawal "
        "moves it to the withdrawn-member store with the contract records."
    ),
)


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("pages.Page", "id", reason=registry.KEY)
registry.not_personal(
    "pages.Page",
    "slug",
    "kind",
    "sort_order",
    "in_footer",
    "is_published",
    "created_at",
    reason="A page staff write for every visitor: its address, kind and placement.",
)
registry.not_personal("pages.Page", "current", reason=registry.LINK)
registry.not_personal("pages.PageVersion", "id", reason=registry.KEY)
registry.not_personal("pages.PageVersion", "page", reason=registry.LINK)
registry.not_personal(
    "pages.PageVersion",
    "number",
    "title_th",
    "title_en",
    "title_ko",
    "created_at",
    reason="A page's titles and version number, written by staff for every visitor.",
)
registry.not_personal("pages.PageVersion", "by", reason=registry.ACTOR_LINK)
registry.not_personal("pages.TermsAcceptance", "id", reason=registry.KEY)
registry.not_personal("pages.TermsAcceptance", "member", reason=registry.MEMBER_LINK)
registry.not_personal("pages.TermsAcceptance", "version", reason=registry.LINK)
