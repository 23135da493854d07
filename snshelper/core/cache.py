"""The Redis cache, tolerant of a Redis outage (docs/decisions/0012-limits-and-outages.md).

Everything the site keeps in the cache can be read again from the database (the maintenance
state, the footer's links, sessions when they are cached) or lost without harm (the worker's
heartbeat, allauth's sign-in counters). So while Redis does not answer, a read is a miss and a
write is skipped, logged at most once every ten seconds per process, never a 500. After a failure
the cache does not try Redis again for a second, so an outage costs no time per request.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from snshelper.core.ratelimit import DOWN_PAUSE, LOG_EVERY, REDIS_ERRORS, REDIS_TIMEOUT

logger = logging.getLogger(__name__)

_MISSES = {  # what each method answers while Redis is down
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


class TolerantRedisCache(RedisCache):
    """Django's RedisCache with short timeouts, no retries, and a miss instead of an error."""

    _down_until = 0.0
    _last_logged = 0.0

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", REDIS_TIMEOUT)
        options.setdefault("socket_timeout", REDIS_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, params)


def _tolerant(name: str, miss):
    def method(self, *args, **kwargs):
        cls = type(self)
        if time.monotonic() < cls._down_until:
            return miss(args, kwargs)
        try:
            return getattr(super(TolerantRedisCache, self), name)(*args, **kwargs)
        except REDIS_ERRORS as error:
            cls._down_until = time.monotonic() + DOWN_PAUSE
            if time.monotonic() - cls._last_logged >= LOG_EVERY:
                cls._last_logged = time.monotonic()
                logger.error("Cache: Redis does not answer (%s); reads miss, writes are skipped.", error)
            return miss(args, kwargs)

    method.__name__ = name
    return method


for _name, _miss in _MISSES.items():
    setattr(TolerantRedisCache, _name, _tolerant(_name, _miss))
