"""Health of the parts the site needs: the database and the job queue (down: 503), and the
background work (degraded: a watched job has not finished a run, or the worker has not run its
heartbeat, for longer than ``HEALTH_MAX_JOB_AGE_MINUTES``)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from huey.contrib.djhuey import HUEY

from snshelper.core import clock, leases

# The worker's heartbeat job (core.tasks) writes here each minute.
HEARTBEAT_KEY = "snshelper:worker-heartbeat"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is "down"; the reason is reported
        return f"down: {type(error).__name__}"
    return "ok"


def queue_state(huey=None) -> tuple[str, int | None]:
    """The queue's state and how many jobs wait in it."""
    huey = huey or HUEY
    try:
        return "ok", huey.pending_count()
    except Exception as error:
        return f"down: {type(error).__name__}", None


@dataclass(frozen=True)
class Job:
    name: str
    last_success: datetime | None
    overdue: bool


@dataclass(frozen=True)
class Background:
    """The background work: each watched job's last successful run and the worker's heartbeat."""

    jobs: list[Job]
    worker_last_seen: datetime | None
    worker_overdue: bool
    max_age: timedelta
    overdue: list[str] = field(default_factory=list)  # names of what is late ("worker" included)

    @property
    def degraded(self) -> bool:
        return bool(self.overdue)


def _late(moment: datetime | None, max_age: timedelta) -> bool:
    return moment is None or clock.now() - moment > max_age


def worker_last_seen() -> datetime | None:
    seen = cache.get(HEARTBEAT_KEY)
    try:
        return datetime.fromisoformat(seen) if seen else None
    except (TypeError, ValueError):
        return None


def background_state() -> Background:
    """Whether the watched jobs (``HEALTH_WATCHED_JOBS``) and the worker are within their age;
    a job that never finished a run counts as overdue."""
    max_age = timedelta(minutes=settings.HEALTH_MAX_JOB_AGE_MINUTES)
    jobs = []
    for name in settings.HEALTH_WATCHED_JOBS:
        last = leases.last_success(name)
        jobs.append(Job(name, last, _late(last, max_age)))
    seen = worker_last_seen()
    worker_overdue = _late(seen, max_age)
    overdue = [job.name for job in jobs if job.overdue] + (["worker"] if worker_overdue else [])
    return Background(jobs, seen, worker_overdue, max_age, overdue)
