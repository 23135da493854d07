"""Events of the providers app (see ``snshelper.core.events``)."""

from django.dispatch import Signal

# An order's forwarding is due now; sent on commit with ``order_id``. The queue's receiver starts
# the job (``receivers.py``), so forwarding.py never names its own tasks module.
forwarding_due = Signal()
