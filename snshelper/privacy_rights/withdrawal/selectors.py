"""Reads of the withdrawn-member store and of its sign-up flags, for the privacy officer's pages.

The store is looked up by member ID only: nothing in clear is there to search by.
"""

import json
from dataclasses import dataclass

from django.db.models import F, QuerySet

from snshelper.accounts.models import Member
from snshelper.privacy.models import SignupMatch, WithdrawnMember
from snshelper.staff import reveals


@dataclass
class KeptEntry:
    entry: WithdrawnMember
    document: dict

    @property
    def pretty(self) -> str:
        return json.dumps(self.document, ensure_ascii=False, indent=2)


def open_kept(*, member_id: str, staff, reason: str) -> list[KeptEntry]:
    """The kept documents of one member ID, each opening logged as a reveal with its reason."""

    member_id = (member_id or "").strip().upper()
    member = Member.objects.filter(member_id=member_id).first()
    opened = []
    for entry in WithdrawnMember.objects.filter(member_id=member_id):
        kept = reveals.reveal(
            staff=staff, member=member, field="privacy.WithdrawnMember.kept", reason=reason, record=entry
        )
        opened.append(KeptEntry(entry, document(entry, identity=kept)))
    return opened


def document(entry: WithdrawnMember, *, identity: str | None = None) -> dict:
    """The entry's identity and its records still in the store, each with the rule it is kept
    under and the day it leaves (records past their own rule have already gone)."""
    kept = json.loads(entry.kept if identity is None else identity)
    records: dict[str, list] = {}
    for record in entry.records.order_by("record_type", "id"):
        row = json.loads(record.data)
        row["_kept_under"], row["_kept_until"] = record.rule, record.destroy_after.isoformat()
        records.setdefault(record.record_type, []).append(row)
    return {**kept, "records": records}


def store_size() -> int:
    return WithdrawnMember.objects.count()


def signup_matches() -> QuerySet[SignupMatch]:
    """Flags not yet reviewed first, then the newest."""
    return SignupMatch.objects.select_related("member", "withdrawn", "reviewed_by").order_by(
        F("reviewed_at").asc(nulls_first=True), "-created_at", "-id"
    )
