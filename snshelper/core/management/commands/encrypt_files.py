"""Encrypt every file under MEDIA_ROOT still stored in clear (written before files were encrypted).

Safe to run again: files already encrypted are left as they are. ``rotate_field_keys`` does the
same and also brings the encrypted ones to the newest key.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from snshelper.core import encrypted_files


class Command(BaseCommand):
    help = "Encrypt the files under MEDIA_ROOT that are still stored in clear."

    def handle(self, **options):
        done = encrypted_files.seal_all(settings.MEDIA_ROOT, only_clear=True)
        self.stdout.write(self.style.SUCCESS(f"Encrypted {done['encrypted']} files stored in clear."))
