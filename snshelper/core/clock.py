"""The one clock. Code that depends on "now" asks here, so tests can move time.

Production reads the system clock; tests freeze or move it with ``travel_to`` /
``advance`` (see the ``clock`` fixture in tests/conftest.py).
"""

from datetime import datetime, timedelta

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else timezone.now()


def travel_to(moment: datetime) -> None:
    """Freeze the clock at ``moment`` (aware)."""
    global _frozen
    if timezone.is_naive(moment):
        raise ValueError("The clock only holds timezone-aware times.")
    _frozen = moment


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (freezing it at the current time first)."""
    travel_to(now() + delta)


def release() -> None:
    """Back to the system clock."""
    global _frozen
    _frozen = None
