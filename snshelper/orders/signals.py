"""Events of the orders app (see ``snshelper.core.events``)."""

from django.dispatch import Signal

# An order was placed and charged; sent inside place_order's transaction with ``order``, so what a
# receiver writes (a provider forwarding) commits or rolls back with the order and its charge.
order_placed = Signal()

# Status changes were recorded (``transition_ids``); sent on commit. One job makes their notices.
order_transitions_recorded = Signal()
