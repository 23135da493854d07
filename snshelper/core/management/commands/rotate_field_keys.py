"""Re-encrypt every encrypted value with the newest key in FIELD_ENCRYPTION_KEYS.

Put the new key first, keep the old ones after it, run this, then remove the old keys.
Stored tokens are rotated as they are: the clear values are never loaded. The files under
MEDIA_ROOT (slips, attachments, exports) are rotated too, once the database is done; a file still
in clear from before files were encrypted is encrypted on the way.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from snshelper.core import encrypted_files, encryption


def _rotate_column(model, field) -> int:
    quote = connection.ops.quote_name
    table, column, pk = (quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        rows = cursor.fetchall()
        cursor.executemany(
            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
            [(encryption.rotate(token), key) for key, token in rows],
        )
    return len(rows)


def _rotate_json(data):
    """MFA data: every string the MFA adapter encrypted (Fernet tokens start with gAAAA)."""
    if isinstance(data, dict):
        return {key: _rotate_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_rotate_json(value) for value in data]
    if isinstance(data, str) and data.startswith("gAAAA"):
        return encryption.rotate(data)
    return data


class Command(BaseCommand):
    help = "Re-encrypt all encrypted data with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, **options):
        with transaction.atomic():
            total = sum(_rotate_column(model, field) for model, field in encryption.encrypted_fields())
            for authenticator in Authenticator.objects.all():
                authenticator.data = _rotate_json(authenticator.data)
                authenticator.save(update_fields=["data"])
                total += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values with the newest key."))
        files = encrypted_files.seal_all(settings.MEDIA_ROOT)
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {files['rotated']} files with the newest key"
                f" and encrypted {files['encrypted']} files stored in clear."
            )
        )
