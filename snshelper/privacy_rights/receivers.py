"""The privacy features' events → their jobs on the queue (``tasks.py``)."""

from django.dispatch import receiver

from snshelper.privacy_rights import signals, tasks


@receiver(signals.export_requested, dispatch_uid="snshelper.privacy.queue_export")
def queue_export(sender, export_id, **kwargs):
    tasks.prepare_export(export_id)


@receiver(signals.policy_notices_made, dispatch_uid="snshelper.privacy.queue_policy_notices")
def queue_policy_notices(sender, version_id, **kwargs):
    tasks.mail_policy_notices(version_id)


@receiver(signals.breach_notices_made, dispatch_uid="snshelper.privacy.queue_breach_notices")
def queue_breach_notices(sender, incident_id, **kwargs):
    tasks.mail_breach_notices(incident_id)
