"""Fixed-window rate limits, atomic on every backend (docs/decisions/0012-limits-and-outages.md).

Two stores, one behaviour:

- **Redis** (``REDIS_URL`` set): one Lua script per request, so reading a guard, checking the limit
  and counting are one atomic step and one network round trip.
- **The database** (the embedded default, SQLite or PostgreSQL without Redis): one
  ``INSERT … ON CONFLICT DO UPDATE … WHERE count < limit RETURNING`` statement, atomic on both
  (SQLite's write lock, PostgreSQL's row lock), committed at once outside any transaction.

``hit`` counts one request when the window still has room and says whether it was allowed, and if
not, how long until the window ends. A request over the limit is not counted, so exactly ``limit``
requests pass a window whatever the concurrency. ``guard`` names a second counter that must not be
full (the address's failed key attempts) for the request to be counted at all: read in the same
round trip on Redis.

When Redis does not answer, each limit does what its caller chose (``when_down``): ``ALLOW`` lets
the request through and logs (at most once per ``LOG_EVERY`` seconds per process), ``REFUSE``
answers ``Verdict(allowed=False, unavailable=True)`` with ``retry_after=DOWN_RETRY_AFTER``, which the
caller turns into a 503 with ``Retry-After``. After a failure the limiter does not try Redis again
for ``DOWN_PAUSE`` seconds, so an outage costs no time per request.

Counters are keyed by a keyed hash of the scope, the identifier (an address, a key's id) and the
window: no address is stored in clear, and a window's row is deleted once it has ended
(``forget_ended_windows``, every ten minutes from the queue).
"""

import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal

import redis
from django.conf import settings
from django.db import connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from snshelper.core import clock
from snshelper.core.models import RateCounter

logger = logging.getLogger(__name__)

ALLOW: Literal["allow"] = "allow"
REFUSE: Literal["refuse"] = "refuse"
WhenDown = Literal["allow", "refuse"]

DOWN_RETRY_AFTER = 30  # seconds a refused client is told to wait while Redis is down
DOWN_PAUSE = 1.0  # seconds without trying Redis again after it failed
LOG_EVERY = 10.0  # seconds between two "Redis is down" log lines of one process
REDIS_TIMEOUT = 0.5  # seconds to connect or answer; a limiter must never hold a request long

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)
    unavailable: bool = False  # the limiter's store did not answer; see ``when_down``


def parse(rate: str) -> tuple[int, int]:
    """``"600/60"`` → (600 requests, 60 seconds)."""
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


@dataclass(frozen=True)
class _Window:
    bucket: str  # the counter's name in the store
    limit: int
    seconds: int
    ends: int  # epoch seconds

    def retry_after(self, now: int) -> int:
        return max(1, self.ends - now)


def _window(scope: str, ident: str, rate: str, now: int) -> _Window:
    limit, seconds = parse(rate)
    start = now - now % seconds
    name = f"{scope}:{ident}:{start}".encode()
    digest = hmac.new(_hash_key(), name, hashlib.blake2b).hexdigest()[:40]
    return _Window(f"snshelper:rl:{scope}:{digest}", limit, seconds, start + seconds)


def _hash_key() -> bytes:
    return hashlib.sha256(f"ratelimit:{settings.SECRET_KEY}".encode()).digest()


def hit(
    scope: str,
    ident: str,
    rate: str,
    *,
    guard: tuple[str, str, str] | None = None,
    when_down: WhenDown = ALLOW,
) -> Verdict:
    """Count one request of ``ident`` against ``rate`` (``"count/seconds"``) if the window has room.

    ``guard`` = (scope, ident, rate) of a counter that must not be full: when it is, nothing is
    counted and the verdict is the guard's (refused until the guard's window ends)."""
    now = int(clock.now().timestamp())
    window = _window(scope, ident, rate, now)
    guarded = _window(*guard, now) if guard else None
    if settings.REDIS_URL:
        outcome = _redis_take(window, guarded)
        if outcome is None:
            return _down(scope, when_down)
    else:
        outcome = _database_take(window, guarded, now)
    if outcome == "guard":
        return Verdict(False, guarded.retry_after(now))
    if outcome == "full":
        return Verdict(False, window.retry_after(now))
    return Verdict(True, 0)


def exceeded(scope: str, ident: str, rate: str, *, when_down: WhenDown = ALLOW) -> Verdict:
    """Whether the limit is already used up, without counting a request."""
    now = int(clock.now().timestamp())
    window = _window(scope, ident, rate, now)
    if settings.REDIS_URL:
        count = _redis_count(window)
        if count is None:
            return _down(scope, when_down)
    else:
        count = _database_count(window, now)
    if count >= window.limit:
        return Verdict(False, window.retry_after(now))
    return Verdict(True, 0)


# --- Redis ---------------------------------------------------------------------------------------

# KEYS[1] the counter, KEYS[2] the guard (or absent); ARGV: limit, seconds, guard limit.
# Answers 0 when the guard is full, -1 when the counter is full, else the new count.
_TAKE = """
if KEYS[2] then
  local guard = tonumber(redis.call('GET', KEYS[2]) or '0')
  if guard >= tonumber(ARGV[3]) then return 0 end
end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return -1 end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) + 1) end
return count
"""

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()
_down_until = 0.0
_last_logged = 0.0


def redis_client() -> redis.Redis:
    """The limiter's own client (short timeouts, no retries), one per ``REDIS_URL``."""
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=REDIS_TIMEOUT,
                    socket_timeout=REDIS_TIMEOUT,
                    retry=Retry(NoBackoff(), 0),
                    retry_on_timeout=False,
                )
                _clients[url] = client
    return client


def _redis_call(run):
    """``run(client)``, or None when Redis does not answer (and for DOWN_PAUSE seconds after)."""
    global _down_until
    if time.monotonic() < _down_until:
        return None
    try:
        return run(redis_client())
    except REDIS_ERRORS as error:
        _down_until = time.monotonic() + DOWN_PAUSE
        _log_down(error)
        return None


def _redis_take(window: _Window, guard: _Window | None) -> str | None:
    keys = [window.bucket] + ([guard.bucket] if guard else [])
    args = [window.limit, window.seconds, guard.limit if guard else 0]
    answer = _redis_call(lambda client: client.eval(_TAKE, len(keys), *keys, *args))
    if answer is None:
        return None
    return "guard" if answer == 0 else "full" if answer < 0 else "taken"


def _redis_count(window: _Window) -> int | None:
    answer = _redis_call(lambda client: [client.get(window.bucket)])
    return None if answer is None else int(answer[0] or 0)


def _log_down(error: Exception) -> None:
    global _last_logged
    if time.monotonic() - _last_logged >= LOG_EVERY:
        _last_logged = time.monotonic()
        logger.error("Rate limits: Redis does not answer (%s); each limit applies its when_down rule.", error)


def _down(scope: str, when_down: WhenDown) -> Verdict:
    if when_down == REFUSE:
        return Verdict(False, DOWN_RETRY_AFTER, unavailable=True)
    return Verdict(True, 0, unavailable=True)


# --- The database ----------------------------------------------------------------------------

# Counts one request unless the window is full: no row comes back when it is.
_UPSERT = (
    "INSERT INTO core_ratecounter (bucket, count, ends_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (bucket) DO UPDATE SET count = core_ratecounter.count + 1 "
    "WHERE core_ratecounter.count < %s RETURNING count"
)


def _database_take(window: _Window, guard: _Window | None, now: int) -> str:
    # No view runs in a transaction (ATOMIC_REQUESTS is off): each statement commits at once, so
    # a counter never holds a lock for the length of a request.
    if guard is not None and _database_count(guard, now) >= guard.limit:
        return "guard"
    if window.limit <= 0:
        return "full"
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [window.bucket, window.ends, window.limit])
        return "taken" if cursor.fetchone() else "full"


def _database_count(window: _Window, now: int) -> int:
    found = RateCounter.objects.filter(bucket=window.bucket, ends_at__gt=now).values_list("count", flat=True)
    return found.first() or 0


def forget_ended_windows() -> int:
    """Delete the rows of windows that have ended (the queue runs it every ten minutes)."""
    return RateCounter.objects.filter(ends_at__lte=int(clock.now().timestamp())).delete()[0]
