"""Reads for announcements: the popup, the public updates page and the staff list."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from snshelper.core import clock
from snshelper.web.models import Announcement, PopupSeen

NEWEST_FIRST = ("-published_at", "-id")


def _showing(now) -> Q:
    """Active, published and not ended: shown to visitors (popup and updates page)."""
    return Q(is_active=True, published_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def popup_announcement(*, dismissed_up_to: int) -> Announcement | None:
    """The newest announcement showing now that the visitor has not chosen to hide."""
    return (
        Announcement.objects.filter(_showing(clock.now()), id__gt=dismissed_up_to)
        .order_by(*NEWEST_FIRST)
        .first()
    )


def showing_announcements() -> QuerySet[Announcement]:
    """The updates page: every announcement showing now, newest first ("shown until" holds here
    too: an ended announcement is gone from the site)."""
    return Announcement.objects.filter(_showing(clock.now())).order_by(*NEWEST_FIRST)


@dataclass(frozen=True)
class StaffAnnouncements:
    showing: list[Announcement]
    scheduled: list[Announcement]
    ended: list[Announcement]


def staff_announcements(*, ended_limit: int = 50) -> StaffAnnouncements:
    """The staff list: showing now, scheduled (starting later), and the latest ended ones."""
    now = clock.now()
    not_ended = Q(is_active=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return StaffAnnouncements(
        showing=list(Announcement.objects.filter(_showing(now)).order_by(*NEWEST_FIRST)),
        scheduled=list(Announcement.objects.filter(not_ended, published_at__gt=now).order_by("published_at")),
        ended=list(Announcement.objects.exclude(not_ended).order_by("-ends_at", "-id")[:ended_limit]),
    )


def popup_seen_up_to(*, member) -> int:
    """The newest announcement the member closed in the popup (0: none)."""
    return PopupSeen.objects.filter(member=member).values_list("up_to", flat=True).first() or 0
