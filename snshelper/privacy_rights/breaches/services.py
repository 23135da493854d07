"""Breaches (P18): the register of incidents, the notices to affected members, the 72-hour clocks.

The privacy officer records an incident (what happened, when it was found, which data, whom it
touched, what we did and offer). Each affected member gets one notice in their own language,
shown on the site until seen (``BreachNotice``, the kept record) and sent once through the
notification service (``privacy.notices``: the notification centre, email and LINE); its text
carries the five items the law asks
(what leaked; when and how; what the person can do; our response and remedies; whom to contact).
The register computes each deadline from the moment the incident was found: the regulator
(Thailand's PDPC) is told within 72 hours, and so are the members (Korea's PIPA). Every change is
written to the incident's log — which fields changed and counts, never the data itself.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from snshelper.accounts.models import Member
from snshelper.core import clock, events
from snshelper.core.errors import DomainError
from snshelper.privacy.models import BreachEvent, BreachIncident, BreachNotice
from snshelper.privacy.registry import Category
from snshelper.privacy_rights import signals
from snshelper.privacy_rights.notices import BREACH, send_banner_notices

REGULATOR_HOURS = 72  # PDPA s.37(4): the PDPC is told within 72 hours of becoming aware
MEMBER_NOTICE_HOURS = 72  # PIPA art.34 (enforcement decree): the people concerned, within 72 hours
NOTICE_BATCH = 500

# What the officer may write and change on an incident (the log names these, never their values).
TEXT_FIELDS = (
    "title",
    "what_happened",
    "how",
    "likely_consequences",
    "measures",
    "remedies",
    "what_members_can_do",
    "contact",
)
TIME_FIELDS = ("found_at", "occurred_from", "occurred_until")
FIELDS = (*TEXT_FIELDS, *TIME_FIELDS, "categories")


class BreachRefused(DomainError):
    message = _("This change to the incident cannot be made.")


def default_contact() -> str:
    """The privacy officer, from the settings: whom members and the regulator reach by default."""
    return f"{settings.PRIVACY_OFFICER_NAME} <{settings.PRIVACY_OFFICER_EMAIL}>"


def category_labels(incident: BreachIncident) -> list[str]:
    """The data concerned, named in the active language."""
    return [str(Category(value).label) for value in incident.categories if value in Category.values]


# --- Writing the register ----------------------------------------------------------------------


def _log(incident: BreachIncident, *, by, action: str, **changes) -> BreachEvent:
    return BreachEvent.objects.create(
        incident=incident, at=clock.now(), actor=by, action=action, changes=changes
    )


def _cleaned(values: dict) -> dict:
    cleaned = {}
    for field, value in values.items():
        if field not in FIELDS:
            raise TypeError(f"Not a field of a breach incident: {field}")
        if field in TEXT_FIELDS:
            value = (value or "").strip()
        elif field == "categories":
            value = list(dict.fromkeys(value or []))
            if any(category not in Category.values for category in value):
                raise BreachRefused(_("Choose the kinds of data concerned from the list."))
        cleaned[field] = value
    return cleaned


def _check(incident: BreachIncident) -> None:
    if not incident.title or not incident.what_happened:
        raise BreachRefused(_("Give the incident a title and say what happened."))
    if incident.found_at is None:
        raise BreachRefused(_("Say when the incident was found: the 72-hour clock counts from then."))
    if incident.found_at > clock.now():
        raise BreachRefused(_("An incident is found when it is found, not in the future."))
    if (
        incident.occurred_from
        and incident.occurred_until
        and incident.occurred_from > incident.occurred_until
    ):
        raise BreachRefused(_("The incident cannot end before it began."))


@transaction.atomic
def record_incident(*, by, member_ids: list[str] = (), **values) -> BreachIncident:
    """Enter an incident in the register (and, when given, the members it touched)."""
    values = _cleaned(values)
    values.setdefault("contact", "")
    values["contact"] = values["contact"] or default_contact()
    incident = BreachIncident(created_by=by, created_at=clock.now(), **values)
    _check(incident)
    incident.save()
    _log(incident, by=by, action="recorded", fields=sorted(f for f, v in values.items() if v))
    if member_ids:
        add_affected_members(incident=incident, by=by, member_ids=member_ids)
    return incident


def _locked(incident: BreachIncident) -> BreachIncident:
    locked = BreachIncident.objects.select_for_update().get(pk=incident.pk)
    if locked.status == BreachIncident.Status.CLOSED:
        raise BreachRefused(_("This incident is closed."))
    return locked


@transaction.atomic
def update_incident(*, incident: BreachIncident, by, **values) -> list[str]:
    """Change what the register says; returns the fields that changed (logged by name only)."""
    locked = _locked(incident)
    cleaned = _cleaned(values)
    if "contact" in cleaned:
        cleaned["contact"] = cleaned["contact"] or default_contact()
    changed = sorted(field for field, value in cleaned.items() if getattr(locked, field) != value)
    if not changed:
        return []
    for field in changed:
        setattr(locked, field, cleaned[field])
    _check(locked)
    locked.save(update_fields=changed)
    _log(locked, by=by, action="updated", fields=changed)
    incident.refresh_from_db()
    return changed


def _member_ids(member_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(m.strip().upper() for m in member_ids if m.strip()))


@transaction.atomic
def add_affected_members(*, incident: BreachIncident, by, member_ids: list[str]) -> int:
    """Add members (by member ID) to the incident; returns how many were new to it."""
    locked = _locked(incident)
    wanted = _member_ids(member_ids)
    if not wanted:
        raise BreachRefused(_("Give the member IDs of the members concerned."))
    found = {m.member_id: m for m in Member.objects.filter(member_id__in=wanted)}
    missing = [m for m in wanted if m not in found]
    if missing:
        raise BreachRefused(_("Unknown member IDs: %(ids)s") % {"ids": ", ".join(missing)})
    gone = [m for m in wanted if found[m].withdrawn_at is not None]
    if gone:
        raise BreachRefused(
            _(
                "%(ids)s left SNS Helper: they have no account to receive a notice. Reach them "
                "through the contact kept in the withdrawn-member store."
            )
            % {"ids": ", ".join(gone)}
        )
    already = set(locked.affected_members.filter(member_id__in=wanted).values_list("member_id", flat=True))
    new = [found[m] for m in wanted if m not in already]
    if new:
        locked.affected_members.add(*new)
        _log(locked, by=by, action="members_added", count=len(new))
    return len(new)


@transaction.atomic
def mark_reported(
    *, incident: BreachIncident, by, reported_at: datetime | None = None, reference: str = ""
) -> BreachIncident:
    """The report went to the regulator (PDPC): when, and the reference they gave."""
    locked = _locked(incident)
    reported_at = reported_at or clock.now()
    if reported_at > clock.now() or reported_at < locked.found_at:
        raise BreachRefused(_("The report is made after the incident is found, and not in the future."))
    locked.regulator_reported_at = reported_at
    locked.regulator_reference = (reference or "").strip()[:100]
    locked.save(update_fields=["regulator_reported_at", "regulator_reference"])
    _log(locked, by=by, action="reported", fields=["regulator_reported_at", "regulator_reference"])
    incident.refresh_from_db()
    return incident


@transaction.atomic
def close_incident(*, incident: BreachIncident, by) -> BreachIncident:
    """Nothing more to do: the incident is kept (rule "breaches") from now, then destroyed."""
    locked = _locked(incident)
    locked.status, locked.closed_at = BreachIncident.Status.CLOSED, clock.now()
    locked.save(update_fields=["status", "closed_at"])
    _log(locked, by=by, action="closed")
    incident.refresh_from_db()
    return incident


# --- Notices to affected members -----------------------------------------------------------------


def missing_items(incident: BreachIncident) -> list[str]:
    """The five items a notice must carry that the incident does not say yet."""
    missing = []
    if not incident.categories or not incident.what_happened:
        missing.append(_("what data leaked"))
    if incident.found_at is None:
        missing.append(_("when and how it happened"))
    if not incident.what_members_can_do:
        missing.append(_("what members can do"))
    if not incident.measures and not incident.remedies:
        missing.append(_("our response and remedies"))
    if not incident.contact:
        missing.append(_("whom to contact"))
    return [str(item) for item in missing]


def notice_text(incident: BreachIncident, language: str) -> str:
    """The notice in ``language``, with the five items (a plain text, shown and mailed as is)."""
    with translation.override(language):
        return render_to_string(
            "privacy/breach_notice.txt",
            {
                "incident": incident,
                "categories": category_labels(incident),
                "officer_name": settings.PRIVACY_OFFICER_NAME,
                "officer_email": settings.PRIVACY_OFFICER_EMAIL,
                "site_name": settings.SITE_NAME,
            },
        ).strip()


@transaction.atomic
def notify_members(*, incident: BreachIncident, by) -> int:
    """One notice to each affected member not yet told, in their language; the queue sends them
    through the notification service once this commits. Re-running tells no one twice. Returns how
    many notices were made."""
    locked = _locked(incident)
    missing = missing_items(locked)
    if missing:
        raise BreachRefused(
            _("A notice must say %(items)s: fill these in first.") % {"items": ", ".join(missing)}
        )
    members = (
        locked.affected_members.filter(withdrawn_at__isnull=True, is_active=True)
        .exclude(breach_notices__incident=locked)
        .order_by("pk")
    )
    now, created = clock.now(), 0
    texts: dict[str, str] = {}
    batch = []
    for member in members.iterator():
        language = member.language or settings.LANGUAGE_CODE
        if language not in texts:
            texts[language] = notice_text(locked, language)
        batch.append(
            BreachNotice(
                incident=locked, member=member, language=language, text=texts[language], created_at=now
            )
        )
    if batch:
        BreachNotice.objects.bulk_create(batch, batch_size=NOTICE_BATCH)
        created = len(batch)
        if locked.members_notified_at is None:
            locked.members_notified_at = now
            locked.save(update_fields=["members_notified_at"])
        _log(locked, by=by, action="members_notified", count=created)
        events.send_on_commit(signals.breach_notices_made, sender=BreachIncident, incident_id=locked.pk)
    incident.refresh_from_db()
    return created


def event_key(incident: BreachIncident) -> str:
    return f"breach:{incident.pk}"


def mail_notices(*, incident: BreachIncident) -> int:
    """Send each notice of ``incident`` through the notification service: the notification centre,
    and email and LINE as the member chose, with the notice's text as made (in their language). The
    event key makes it once per member, so a re-run tells no one twice. Returns how many go by email.

    ``emailed_at`` records that the email is on its way. An email refused at once (the address is
    being corrected, P10) leaves it empty: the member keeps the on-site notice.
    """
    key = event_key(incident)
    link = reverse("privacy_member:overview")
    return send_banner_notices(
        BreachNotice.objects.filter(incident=incident, emailed_at__isnull=True).order_by("pk"),
        kind=BREACH,
        link=link,
        event_key=key,
        params=lambda notice: {"notice": notice.pk, "incident_title": incident.title},
        batch=NOTICE_BATCH,
    )


def mail_unsent_notices() -> int:
    """What a lost or failed job left unsent, for incidents still open."""
    open_ = BreachIncident.objects.filter(status=BreachIncident.Status.OPEN, notices__emailed_at__isnull=True)
    return sum(mail_notices(incident=incident) for incident in open_.distinct())


def unseen_notices(member) -> list[BreachNotice]:
    """A member's notices not yet dismissed (one query; none for a visitor)."""
    if not getattr(member, "is_authenticated", False):
        return []
    return list(
        BreachNotice.objects.filter(member=member, seen_at__isnull=True)
        .select_related("incident")
        .only("pk", "text", "created_at", "incident__title")
        .order_by("-created_at", "-pk")
    )


def notices_of(member) -> list[BreachNotice]:
    return list(BreachNotice.objects.filter(member=member).order_by("-created_at", "-pk"))


def mark_seen(*, member, notice_id: int) -> bool:
    """The member dismissed the on-site notice (the incident's log is not touched: it is theirs)."""
    return bool(
        BreachNotice.objects.filter(pk=notice_id, member=member, seen_at__isnull=True).update(
            seen_at=clock.now()
        )
    )


# --- The clocks and the regulator's report -------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One 72-hour clock: when it is due, when it was met, and where it stands now."""

    key: str  # "regulator" or "members"
    label: str
    due_at: datetime
    done_at: datetime | None
    now: datetime

    @property
    def remaining(self) -> timedelta:
        return self.due_at - self.now

    @property
    def met(self) -> bool:
        return self.done_at is not None and self.done_at <= self.due_at

    @property
    def late(self) -> bool:
        """Done after the deadline."""
        return self.done_at is not None and self.done_at > self.due_at

    @property
    def overdue(self) -> bool:
        """Not done, and the deadline has passed."""
        return self.done_at is None and self.now > self.due_at

    @property
    def hours_left(self) -> int:
        return max(0, math.floor(self.remaining.total_seconds() / 3600))

    @property
    def hours_overdue(self) -> int:
        return max(0, math.ceil(-self.remaining.total_seconds() / 3600))


def regulator_deadline(incident: BreachIncident) -> datetime:
    return incident.found_at + timedelta(hours=REGULATOR_HOURS)


def members_deadline(incident: BreachIncident) -> datetime:
    return incident.found_at + timedelta(hours=MEMBER_NOTICE_HOURS)


def deadlines(incident: BreachIncident) -> list[Deadline]:
    now = clock.now()
    return [
        Deadline(
            "regulator",
            str(_("Report to the regulator (PDPC)")),
            regulator_deadline(incident),
            incident.regulator_reported_at,
            now,
        ),
        Deadline(
            "members",
            str(_("Notices to the affected members")),
            members_deadline(incident),
            incident.members_notified_at,
            now,
        ),
    ]


def report_text(incident: BreachIncident, language: str = "en") -> str:
    """The report to the PDPC, in ``language`` (the office takes Thai; English for the file)."""
    with translation.override(language):
        return render_to_string(
            "privacy/staff/breach_report.txt",
            {
                "incident": incident,
                "categories": category_labels(incident),
                "people": incident.affected_members.count(),
                "deadline": regulator_deadline(incident),
                "controller": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "officer_name": settings.PRIVACY_OFFICER_NAME,
                "officer_email": settings.PRIVACY_OFFICER_EMAIL,
            },
        ).strip()
