"""Replaying the deletion journal on a restored database (P21).

After a restore, every entry of the deletion journal newer than the backup is carried out again,
in this order: rows deleted, anonymised or emptied since (``privacy.sweeps.replay``), then members
who withdrew since (``withdrawal.redo``, at the moment they withdrew: their kept records, from the
restored copy, go to the withdrawn-member store on their own clocks), then every retention sweep.
Each step leaves alone what is already done, so replaying twice changes nothing.

Run it before the site serves anyone: a row created after the restore may take the number of a
row the journal names (the database's counters went back with it).
"""

from dataclasses import dataclass, field

from snshelper.accounts.models import Member
from snshelper.privacy import journal, sweeps
from snshelper.privacy_rights.withdrawal import services as withdrawal


@dataclass
class Replayed:
    entries: int = 0
    changed: dict = field(default_factory=dict)  # (action, record type) → rows changed
    withdrawn: list = field(default_factory=list)  # member IDs withdrawn again
    swept: list = field(default_factory=list)  # sweeps.SweepResult

    @property
    def total(self) -> int:
        return sum(self.changed.values()) + len(self.withdrawn) + sum(r.count for r in self.swept)


def replay_deletions(*, after: int) -> Replayed:
    """Carry out again every journal entry numbered above ``after`` (a backup's mark), then run
    the retention sweeps."""
    entries = journal.after(after)
    done = Replayed(entries=len(entries))
    done.changed = sweeps.replay(entries)
    withdrew: dict[str, journal.Entry] = {}
    for entry in entries:
        if entry.action == journal.WITHDREW:
            withdrew.setdefault(entry.subject, entry)
    for pk in journal.find(Member, set(withdrew)):
        member = Member.objects.get(pk=pk)
        entry = withdrew[journal.subject("accounts.Member", pk)]
        if withdrawal.redo(member=member, at=journal.parse_at(entry.at)) is not None:
            done.withdrawn.append(member.member_id)
    done.swept = sweeps.run()
    return done
