"""``manage.py replay_deletions --backup PATH | --after N``: make a restored database forget again
what was destroyed after its backup was taken (P21)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from snshelper.privacy import backup, sweeps
from snshelper.privacy_rights import replay


class Command(BaseCommand):
    help = (
        "Carry out again every deletion-journal entry newer than a backup (deletions, anonymisations,"
        " emptied fields, withdrawals), then run the retention sweeps. Safe to run twice."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--backup", type=Path, help="the backup file the database was restored from")
        which.add_argument("--after", type=int, help="the journal entry number the backup was taken at")

    def handle(self, *args, backup=None, after=None, **options):
        if backup is not None:
            after = read_mark(backup)
        report(self.stdout, after)


def read_mark(path: Path) -> int:
    try:
        return backup.read_manifest(path).journal_mark
    except (OSError, backup.BackupError) as error:
        raise CommandError(str(error)) from error


def report(out, after: int) -> replay.Replayed:
    try:
        done = replay.replay_deletions(after=after)
    except sweeps.SweepFailed as error:
        raise CommandError(str(error)) from error
    out.write(f"Deletion journal: {done.entries} entries after entry {after}.")
    for (action, label), count in sorted(done.changed.items()):
        out.write(f"  {action:<10} {label:<40} {count:>8}")
    out.write(f"  withdrawn again: {len(done.withdrawn)}")
    out.write(f"  retention sweeps: {sum(r.count for r in done.swept)} records")
    out.write(f"{done.total} changes.")
    return done
