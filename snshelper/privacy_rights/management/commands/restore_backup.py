"""``manage.py restore_backup PATH``: restore a backup, then replay the deletion journal (P21)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from snshelper.privacy import backup
from snshelper.privacy_rights.management.commands.replay_deletions import report


class Command(BaseCommand):
    help = (
        "Replace the database and MEDIA_ROOT with an encrypted backup (stop the web server and the"
        " worker first), apply this version's migrations, then carry out again every deletion made"
        " since the backup was taken (`replay_deletions`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument(
            "--no-replay",
            action="store_true",
            help="restore only (to inspect a copy that never serves anyone); replay_deletions must follow",
        )

    def handle(self, *args, path, no_replay=False, **options):
        try:
            manifest = backup.restore(path)
        except (OSError, backup.BackupError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup taken {manifest.taken_at:%Y-%m-%d %H:%M:%S} UTC"
            f" (deletion journal at entry {manifest.journal_mark})."
        )
        call_command("migrate", interactive=False, verbosity=0)
        if no_replay:
            self.stdout.write(
                f"Not replayed: run `manage.py replay_deletions --after {manifest.journal_mark}` next."
            )
            return
        report(self.stdout, manifest.journal_mark)
