"""Leases for periodic jobs: a lock that lapses by itself (issue 16, "work that resumes by itself").

Huey's ``lock_task`` never expires, so a worker killed mid-run left its lock for good and every
later run was skipped. A lease is held until ``expires_at``; the run renews it as it goes (per
batch), and a run whose worker died simply stops renewing: once the lease lapses, the next run
takes it. Kept in the database (one atomic ``UPDATE … WHERE expires_at <= now``), so it works the
same on SQLite and PostgreSQL, with or without Redis, and shares the clock tests move.

    with leases.held("providers-sync", ttl=timedelta(minutes=15)) as lease:
        if lease is None:
            return              # another run holds it: skip, as lock_task did
        ...; lease.renew()      # after each batch
"""

import functools
import logging
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction

from snshelper.core import clock
from snshelper.core.models import TaskLease

logger = logging.getLogger(__name__)

NEVER = datetime(2000, 1, 1, tzinfo=UTC)
# Jobs that run in one go (no batches to renew after): longer than any such run has taken.
ONE_GO_LEASE = timedelta(minutes=30)


class LeaseLost(Exception):
    """The lease lapsed and another run took it: this run stops rather than run twice."""


class Lease:
    def __init__(self, name: str, ttl: timedelta, holder: str):
        self.name, self.ttl, self.holder = name, ttl, holder

    def renew(self) -> None:
        """Push the expiry ``ttl`` ahead; raises ``LeaseLost`` if another run holds it now."""
        renewed = TaskLease.objects.filter(name=self.name, holder=self.holder).update(
            expires_at=clock.now() + self.ttl
        )
        if not renewed:
            raise LeaseLost(self.name)

    def finish(self) -> None:
        """Release the lease and record the run as a success."""
        now = clock.now()
        TaskLease.objects.filter(name=self.name, holder=self.holder).update(
            holder="", expires_at=now, last_success_at=now
        )

    def release(self) -> None:
        """Release the lease after a failed run (no success recorded)."""
        TaskLease.objects.filter(name=self.name, holder=self.holder).update(holder="", expires_at=clock.now())


def acquire(name: str, *, ttl: timedelta) -> Lease | None:
    """Take the lease ``name`` for ``ttl`` if it is free or lapsed; ``None`` if a live run holds it."""
    try:
        with transaction.atomic():
            TaskLease.objects.get_or_create(name=name, defaults={"expires_at": NEVER})
    except IntegrityError:  # two runs created it at once: the row exists now
        pass
    now = clock.now()
    holder = uuid.uuid4().hex
    lapsed = TaskLease.objects.filter(name=name, expires_at__lte=now)
    taken = lapsed.update(holder=holder, expires_at=now + ttl)
    return Lease(name, ttl, holder) if taken else None


@contextmanager
def held(name: str, *, ttl: timedelta):
    """The lease for the block (``None`` when another run holds it); success recorded on a clean exit."""
    lease = acquire(name, ttl=ttl)
    if lease is None:
        logger.warning("Job %s skipped: another run holds its lease.", name)
        yield None
        return
    try:
        yield lease
    except BaseException:
        lease.release()
        raise
    lease.finish()


def lease_task(name: str, *, ttl: timedelta):
    """Decorator for a job that runs in one go: run it under the lease ``name``; skip when held.
    ``ttl`` must exceed the job's longest run (a job with batches uses ``held`` and renews)."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with held(name, ttl=ttl) as lease:
                if lease is None:
                    return None
                return function(*args, **kwargs)

        return run

    return decorate


def last_success(name: str) -> datetime | None:
    return TaskLease.objects.filter(name=name).values_list("last_success_at", flat=True).first()
