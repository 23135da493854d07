"""Reads of the withdrawn-member store and of its sign-up flags, for the privacy officer's pages.

The store is looked up by member ID only: nothing in clear is there to search by.
"""

import json
from dataclasses import dataclass

from django.db.models import F, QuerySet

from snshelper.privacy.models import SignupMatch, WithdrawnMember


@dataclass
class KeptEntry:
    entry: WithdrawnMember
    document: dict

    @property
    def pretty(self) -> str:
        return json.dumps(self.document, ensure_ascii=False, indent=2)


def kept_for(member_id: str) -> list[KeptEntry]:
    """The store's entries for one member ID, their kept documents opened."""
    member_id = (member_id or "").strip().upper()
    if not member_id:
        return []
    return [
        KeptEntry(entry, json.loads(entry.kept))
        for entry in WithdrawnMember.objects.filter(member_id=member_id)
    ]


def store_size() -> int:
    return WithdrawnMember.objects.count()


def signup_matches() -> QuerySet[SignupMatch]:
    """Flags not yet reviewed first, then the newest."""
    return SignupMatch.objects.select_related("member", "withdrawn", "reviewed_by").order_by(
        F("reviewed_at").asc(nulls_first=True), "-created_at", "-id"
    )
