"""Writes for announcements: staff publish, edit and end them (issue 8). The popup and the updates
page read them through ``selectors``."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.web.models import Announcement, PopupSeen

TEXT_FIELDS = ("title_th", "title_en", "title_ko", "body_th", "body_en", "body_ko")


class AnnouncementRefused(DomainError):
    message = _("This announcement cannot be saved.")


class ThaiTextMissing(AnnouncementRefused):
    message = _("Write the Thai title and text: Thai is shown to everybody whose language is missing.")


class EndsBeforeStart(AnnouncementRefused):
    message = _("The end must come after the start. Leave the end empty to show it until you end it.")


class UnknownKind(AnnouncementRefused):
    message = _("Choose the kind of announcement: service news, price change or maintenance.")


class AlreadyEnded(AnnouncementRefused):
    message = _("This announcement has already ended.")


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {field: (values.get(field) or "").strip() for field in TEXT_FIELDS}


def _check(*, kind: str, texts: dict[str, str], published_at: datetime, ends_at: datetime | None) -> None:
    if kind not in Announcement.Kind.values:
        raise UnknownKind
    if not texts["title_th"] or not texts["body_th"]:
        raise ThaiTextMissing
    if ends_at is not None and ends_at <= published_at:
        raise EndsBeforeStart


def publish_announcement(
    *,
    kind: str,
    title_th: str,
    body_th: str,
    title_en: str = "",
    body_en: str = "",
    title_ko: str = "",
    body_ko: str = "",
    published_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Announcement:
    """A new announcement, shown from ``published_at`` (now when empty) until ``ends_at`` (until
    ended when empty). Languages left empty fall back to Thai."""
    texts = _texts(locals())
    published_at = published_at or clock.now()
    _check(kind=kind, texts=texts, published_at=published_at, ends_at=ends_at)
    return Announcement.objects.create(kind=kind, published_at=published_at, ends_at=ends_at, **texts)


@transaction.atomic
def edit_announcement(
    *,
    announcement: Announcement,
    kind: str,
    title_th: str,
    body_th: str,
    title_en: str = "",
    body_en: str = "",
    title_ko: str = "",
    body_ko: str = "",
    published_at: datetime,
    ends_at: datetime | None = None,
) -> Announcement:
    """Change an announcement's text, kind or dates. A visitor who hid it keeps it hidden."""
    texts = _texts(locals())
    _check(kind=kind, texts=texts, published_at=published_at, ends_at=ends_at)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    for field, value in texts.items():
        setattr(announcement, field, value)
    announcement.kind = kind
    announcement.published_at = published_at
    announcement.ends_at = ends_at
    announcement.save()
    return announcement


@transaction.atomic
def end_announcement(*, announcement: Announcement) -> Announcement:
    """Stop showing it now (it stays on record). A scheduled one ends before it starts."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    now = clock.now()
    if not announcement.is_active or (announcement.ends_at is not None and announcement.ends_at <= now):
        raise AlreadyEnded
    announcement.is_active = False
    announcement.ends_at = now if announcement.published_at < now else announcement.published_at
    announcement.save(update_fields=["is_active", "ends_at"])
    return announcement


def remember_popup_seen(*, member, up_to: int) -> None:
    """The member closed the popup of announcement ``up_to``: it (and older ones) stay closed on
    every device. Never moves back (two tabs may close two announcements in either order)."""
    _, created = PopupSeen.objects.get_or_create(member=member, defaults={"up_to": up_to})
    if not created:
        PopupSeen.objects.filter(member=member, up_to__lt=up_to).update(up_to=up_to)
