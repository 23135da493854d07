"""Deadline alerts (P8, P9): requests and questions are answered within ``PRIVACY_ANSWER_DAYS``
(10); one still open on an alert day (``PRIVACY_DEADLINE_ALERT_DAYS``: day 7 and day 9 after it was
received) alerts the privacy officer, on the desk and by mail, once for each day. A periodic job
(``privacy_rights.tasks.alert_deadlines``) makes them; a mail that could not go is tried again by
the next run. The mail names requests by number and kind, never a member's data.
"""

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from snshelper.accounts import selectors as account_selectors
from snshelper.core import clock, dates
from snshelper.privacy.models import DataSubjectRequest, DeadlineAlert, PrivacyInquiry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """One thing waiting for the officer whose alert day has come."""

    item: DataSubjectRequest | PrivacyInquiry
    day: int  # the alert day reached (7, 9)

    @property
    def days_left(self) -> int:
        return max(math.ceil((self.item.due_at - clock.now()) / timedelta(days=1)), 0)


def alert_day(item, now) -> int | None:
    """The latest alert day ``item`` has reached at ``now`` (an earlier one missed is not sent late)."""
    reached = [
        day for day in settings.PRIVACY_DEADLINE_ALERT_DAYS if item.created_at + timedelta(days=day) <= now
    ]
    return max(reached) if reached else None


def _waiting():
    first = min(settings.PRIVACY_DEADLINE_ALERT_DAYS)
    cutoff = clock.now() - timedelta(days=first)
    requests = DataSubjectRequest.objects.filter(
        status=DataSubjectRequest.Status.OPEN, created_at__lte=cutoff
    )
    inquiries = PrivacyInquiry.objects.filter(answered_at__isnull=True, created_at__lte=cutoff)
    return [*requests.prefetch_related("deadline_alerts"), *inquiries.prefetch_related("deadline_alerts")]


def make_alerts() -> list[DeadlineAlert]:
    """Record the alerts whose day has come (once each), then mail the officer what is unmailed."""
    now = clock.now()
    for item in _waiting():
        day = alert_day(item, now)
        if day is None or any(alert.day >= day for alert in item.deadline_alerts.all()):
            continue
        about = {"request": item} if isinstance(item, DataSubjectRequest) else {"inquiry": item}
        try:
            with transaction.atomic():
                DeadlineAlert.objects.create(day=day, created_at=now, **about)
        except IntegrityError:  # another run made it
            continue
    return mail_alerts()


def mail_alerts() -> list[DeadlineAlert]:
    """One mail to the privacy officer listing the alerts not mailed yet (of things still open)."""
    alerts = list(
        DeadlineAlert.objects.filter(mailed_at__isnull=True)
        .select_related("request", "inquiry")
        .order_by("created_at", "pk")
    )
    alerts = [alert for alert in alerts if _still_open(alert)]
    if not alerts:
        return []
    officer = account_selectors.member_by_email(settings.PRIVACY_OFFICER_EMAIL)  # their language, if staff
    with translation.override(officer.language if officer else settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(n)s privacy request nears its deadline",
            "%(n)s privacy requests near their deadline",
            len(alerts),
        ) % {"n": len(alerts)}
        lines = [_line(alert) for alert in alerts]
        body = "\n".join(
            [
                _("These wait for an answer from the privacy officer:"),
                "",
                *lines,
                "",
                _("The privacy desk: %(url)s") % {"url": settings.SITE_URL + reverse("privacy_staff:desk")},
            ]
        )
    try:
        EmailMessage(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, to=[settings.PRIVACY_OFFICER_EMAIL]
        ).send()
    except Exception:  # the mail server did not take it: the next run tries again
        logger.exception("Deadline alerts could not be mailed to the privacy officer")
        return []
    DeadlineAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(mailed_at=clock.now())
    return alerts


def _still_open(alert: DeadlineAlert) -> bool:
    if alert.request is not None:
        return alert.request.status == DataSubjectRequest.Status.OPEN
    return alert.inquiry.answered_at is None


def _line(alert: DeadlineAlert) -> str:
    item = alert.request or alert.inquiry
    due = dates.on_screen(item.due_at, "date")
    if alert.request is not None:
        what = _("Request #%(number)s (%(kind)s)") % {"number": item.pk, "kind": item.get_kind_display()}
    else:
        what = _("Question #%(number)s (%(kind)s)") % {"number": item.pk, "kind": item.get_kind_display()}
    return "– " + _("%(what)s: day %(day)s of %(days)s, answer due %(due)s") % {
        "what": what,
        "day": alert.day,
        "days": settings.PRIVACY_ANSWER_DAYS,
        "due": due,
    }


def nearing(items) -> list[Due]:
    """Of the desk's open items, those whose alert day has come, soonest due first."""
    now = clock.now()
    found = [Due(item, day) for item in items if (day := alert_day(item, now)) is not None]
    return sorted(found, key=lambda due: due.item.due_at)
