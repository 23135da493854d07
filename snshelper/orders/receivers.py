"""The orders app's events → its jobs on the queue (``tasks.py``)."""

from django.dispatch import receiver

from snshelper.orders import signals, tasks


@receiver(signals.order_transitions_recorded, dispatch_uid="snshelper.orders.queue_transition_notices")
def queue_transition_notices(sender, transition_ids, **kwargs):
    ids = [pk for pk in transition_ids if pk]
    if ids:
        tasks.notify_order_transitions(ids)
