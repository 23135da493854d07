"""What the providers app does when something below it happens, and how forwarding reaches the
queue (``snshelper.core.events``)."""

from django.dispatch import receiver

from snshelper.orders.signals import order_placed
from snshelper.providers import forwarding, tasks
from snshelper.providers.signals import forwarding_due


@receiver(order_placed, dispatch_uid="snshelper.providers.forward_placed_order")
def forward_placed_order(sender, order, **kwargs):
    """In the order's transaction: a provider's order is recorded for forwarding (none is lost
    between commit and queue); manual services need nothing, the staff queue lists them."""
    forwarding.enqueue(order)


@receiver(forwarding_due, dispatch_uid="snshelper.providers.queue_forwarding")
def queue_forwarding(sender, order_id, **kwargs):
    tasks.forward_order(order_id)
