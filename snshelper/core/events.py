"""Events: how a lower layer causes work above it without naming it (docs/architecture.md).

An event is a Django ``Signal`` declared in the ``signals.py`` of the app it belongs to; the layer
above connects a receiver in its own ``receivers.py`` (imported by its ``AppConfig.ready``). Two
ways to send one:

- ``signal.send(...)`` inside the sender's transaction, when the receivers' writes must stand or
  fall with it (an order placed records its forwarding in the same transaction);
- ``send_on_commit(signal, ...)`` for work that follows a committed change (queue a job, notify):
  nothing is sent if the transaction rolls back.
"""

from django.db import transaction
from django.dispatch import Signal


def send_on_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
