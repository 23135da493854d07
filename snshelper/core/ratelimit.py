"""Fixed-window counters in the cache (Redis when configured, the shared file cache otherwise).

Used where allauth's own limits do not reach: API keys, failed key attempts. ``hit`` counts one
request and says whether it is still inside the limit, and if not, how long until the window ends.
"""

from dataclasses import dataclass

from django.core.cache import cache

from snshelper.core import clock


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


def parse(rate: str) -> tuple[int, int]:
    """``"600/60"`` → (600 requests, 60 seconds)."""
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def hit(scope: str, ident: str, rate: str) -> Verdict:
    limit, window = parse(rate)
    now = int(clock.now().timestamp())
    start = now - now % window
    key = f"snshelper:rl:{scope}:{ident}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return Verdict(False, max(1, start + window - now))
    return Verdict(True, 0)


def exceeded(scope: str, ident: str, rate: str) -> Verdict:
    """Whether the limit is already used up, without counting a request."""
    limit, window = parse(rate)
    now = int(clock.now().timestamp())
    start = now - now % window
    count = cache.get(f"snshelper:rl:{scope}:{ident}:{start}", 0)
    if count >= limit:
        return Verdict(False, max(1, start + window - now))
    return Verdict(True, 0)
