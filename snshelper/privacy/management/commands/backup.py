"""``manage.py backup [PATH]``: an encrypted backup of the database and the uploaded files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from snshelper.privacy import backup


class Command(BaseCommand):
    help = (
        "Write a consistent dump of the database and MEDIA_ROOT, encrypted with the field keys, to PATH"
        " (default: a new file in BACKUP_DIR). Restore it with `manage.py restore_backup PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="where to write the backup")

    def handle(self, *args, path=None, **options):
        try:
            written, manifest = backup.create(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {written} (taken {manifest.taken_at:%Y-%m-%d %H:%M:%S} UTC,"
            f" deletion journal at entry {manifest.journal_mark})."
        )
