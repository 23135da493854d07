"""Personal data of the pages app: which version of the terms of service a member accepted."""

from django.utils.translation import gettext_lazy as _

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
