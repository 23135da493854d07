"""Jobs of the core app."""

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from snshelper.core import clock, ratelimit
from snshelper.core.health import HEARTBEAT_KEY


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat():
    """Lets /healthz say when a worker last ran a job."""
    cache.set(HEARTBEAT_KEY, clock.now().isoformat(), timeout=24 * 3600)


@db_periodic_task(crontab(minute="*/10"))
def forget_ended_rate_windows():
    """Rate-limit counters kept in the database (no Redis) are deleted once their window ends."""
    ratelimit.forget_ended_windows()
