"""Events: how a lower layer causes work above it without naming it (docs/architecture.md).

An event is a Django ``Signal`` declared in the ``signals.py`` of the app it belongs to; the layer
above connects a receiver in its own ``receivers.py`` (imported by its ``AppConfig.ready``). Two
ways to send one:

- ``signal.send(...)`` inside the sender's transaction, when the receivers' writes must stand or
  fall with it (an order placed records its forwarding in the same transaction);
- ``send_on_commit(signal, ...)`` for work that follows a committed change (queue a job, notify):
  nothing is sent if the transaction rolls back.

The queue may be down when a committed change tries to queue its job (Redis restarting): the
change stands, the request is answered, and the failure is logged (``queue_on_commit``). Every
such job's work is found again in the database by a periodic pass once the queue is back
(forwarding: ``forward_due_orders``; notices: ``deliver_due_notices``), see
docs/decisions/0012-limits-and-outages.md.
"""

import functools
import logging

import redis
from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

QUEUE_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def queue_on_commit(work) -> None:
    """Run ``work`` (which queues a job) once the transaction commits; a queue that does not
    answer is logged, not raised: the committed change must not turn into an error page."""

    @functools.wraps(work)  # keeps the job's name, for logs and tests that look at callbacks
    def run():
        try:
            work()
        except QUEUE_DOWN:
            logger.exception("The queue did not answer; the periodic passes will find this work again.")

    transaction.on_commit(run)


def send_on_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits (at once outside a transaction)."""
    queue_on_commit(lambda: signal.send(sender=sender, **kwargs))
