"""Writes of maintenance mode: an administrator switches it on (with a message per language and an
expected end) and off, from the back office or ``manage.py maintenance``. Each switch is a new row
of the log; nothing is ever changed or deleted."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.maintenance import selectors
from snshelper.maintenance.models import MaintenanceSwitch

logger = logging.getLogger(__name__)
Via = MaintenanceSwitch.Via


class MaintenanceRefused(DomainError):
    message = _("Maintenance mode cannot be switched now.")


class ThaiMessageMissing(MaintenanceRefused):
    message = _("Write the message in Thai: it is shown to everybody whose language is missing.")


class EndInThePast(MaintenanceRefused):
    message = _("The expected end must be in the future. Leave it empty when you do not know it.")


class AlreadyOff(MaintenanceRefused):
    message = _("Maintenance mode is already off.")


def _who(by) -> str:
    return getattr(by, "member_id", "") or "nobody"


@transaction.atomic
def switch_on(
    *,
    message_th: str,
    message_en: str = "",
    message_ko: str = "",
    ends_at: datetime | None = None,
    by=None,
    via: str = Via.BACK_OFFICE,
) -> MaintenanceSwitch:
    """Close the site to members and visitors (staff keep working), or change the message while it
    is closed. Takes effect on every web process within ``MAINTENANCE_CACHE_SECONDS`` (at once on
    this one and wherever the cache is shared)."""
    messages = {
        "message_th": message_th.strip(),
        "message_en": message_en.strip(),
        "message_ko": message_ko.strip(),
    }
    if not messages["message_th"]:
        raise ThaiMessageMissing
    now = clock.now()
    if ends_at is not None and ends_at <= now:
        raise EndInThePast
    switch = MaintenanceSwitch.objects.create(is_on=True, ends_at=ends_at, by=by, via=via, at=now, **messages)
    transaction.on_commit(selectors.forget)
    logger.warning("Maintenance mode on (%s, by %s), expected end %s", via, _who(by), ends_at or "not given")
    return switch


@transaction.atomic
def switch_off(*, by=None, via: str = Via.BACK_OFFICE) -> MaintenanceSwitch:
    """Open the site again."""
    latest = MaintenanceSwitch.objects.select_for_update().order_by("-id").first()
    if latest is None or not latest.is_on:
        raise AlreadyOff
    switch = MaintenanceSwitch.objects.create(is_on=False, by=by, via=via, at=clock.now())
    transaction.on_commit(selectors.forget)
    logger.warning("Maintenance mode off (%s, by %s)", via, _who(by))
    return switch
