"""The privacy kernel's own receivers (connected by ``PrivacyConfig.ready``)."""

from django.dispatch import receiver

from snshelper.privacy import tasks
from snshelper.privacy.signals import personal_data_removed


@receiver(personal_data_removed)
def vacuum_touched_tables(sender, *, tables, **kwargs):
    """Queue the targeted VACUUM: in the worker, never in the request that removed the rows."""
    if tables:
        tasks.vacuum_tables(sorted(set(tables)))
