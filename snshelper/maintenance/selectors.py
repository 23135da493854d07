"""Reads of maintenance mode: the state now (cached briefly: every request asks) and the log."""

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from snshelper.maintenance.models import MaintenanceSwitch

CACHE_KEY = "maintenance:state"
LANGUAGES = ("th", "en", "ko")
DEFAULT_MESSAGE = gettext_noop("We are improving the site and will be back soon. Thank you for waiting.")


@dataclass(frozen=True)
class Maintenance:
    on: bool
    messages: dict[str, str] = field(default_factory=dict)
    ends_at: datetime | None = None
    since: datetime | None = None

    def message(self, language: str | None = None) -> str:
        """What visitors read, in ``language`` (else Thai)."""
        language = (language or translation.get_language() or "th")[:2]
        return self.messages.get(language) or self.messages.get("th", "")


OFF = Maintenance(on=False)


def _state(latest: MaintenanceSwitch | None) -> Maintenance:
    if latest is None or not latest.is_on:
        return OFF
    messages = {language: getattr(latest, f"message_{language}") for language in LANGUAGES}
    return Maintenance(on=True, messages=messages, ends_at=latest.ends_at, since=latest.at)


# Each process also keeps the state it last read for LOCAL_SECONDS: a request then asks neither
# the shared cache nor the database (the order hot path's one Redis round trip is the rate limit's).
LOCAL_SECONDS = 1.0
_local: dict = {"state": None, "until": 0.0}


def current() -> Maintenance:
    """The state now: read from the database at most once per ``MAINTENANCE_CACHE_SECONDS`` (and at
    once after a switch, which forgets the cached state), from the shared cache at most once a
    second per process."""
    now = time.monotonic()
    state = _local["state"]
    if state is not None and now < _local["until"]:
        return state
    state = cache.get(CACHE_KEY)
    if state is None:
        state = _state(MaintenanceSwitch.objects.order_by("-id").first())
        cache.set(CACHE_KEY, state, settings.MAINTENANCE_CACHE_SECONDS)
    _local.update(state=state, until=now + LOCAL_SECONDS)
    return state


def forget() -> None:
    _local.update(state=None, until=0.0)
    cache.delete(CACHE_KEY)


def history(*, limit: int = 100) -> QuerySet[MaintenanceSwitch]:
    return MaintenanceSwitch.objects.select_related("by").order_by("-id")[:limit]


def default_messages() -> dict[str, str]:
    """The message offered when switching on, in each language."""
    messages = {}
    for language in LANGUAGES:
        with translation.override(language):
            messages[language] = gettext(DEFAULT_MESSAGE)
    return messages
