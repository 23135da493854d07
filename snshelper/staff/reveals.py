"""Revealing masked personal data to staff (P16): personal data on staff pages is masked until a
staff member whose role ``access.FIELDS`` names reveals it, with a reason; each reveal writes exactly
one ``RevealLog`` row (who, whose data, which field, when, why) and nothing else shows the value."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.staff import access, selectors
from snshelper.staff.models import RevealLog


class RevealRefused(DomainError):
    message = _("This personal data cannot be shown to you.")


class NotPermitted(RevealRefused):
    message = _("Your role may not see this personal data.")


class PledgeOrAccessMissing(RevealRefused):
    message = _("Personal data opens only to current staff who have signed the security pledge in force.")


class ReasonRequired(RevealRefused):
    message = _("Say why you need to see this personal data.")


class UnknownField(RevealRefused):
    message = _("This field cannot be revealed.")


def _field_name(field: str, record) -> str:
    label, _dot, name = field.rpartition(".")
    if label != record._meta.label:
        raise UnknownField
    return name


def reveal(*, staff, member, field: str, reason: str, record, ip_address: str | None = None) -> str:
    """The clear value of ``field`` ("app_label.Model.field") on ``record``, which holds ``member``'s
    data. Refused unless the role may reveal the field, the staff member may open personal data at
    all (pledge signed, not departed) and a reason is given; a refusal writes nothing."""
    if not access.revealable(field):
        raise UnknownField
    name = _field_name(field, record)
    if not selectors.may_open_personal_data(staff):
        raise PledgeOrAccessMissing
    if not access.may_reveal(staff, field):
        raise NotPermitted
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    RevealLog.objects.create(
        staff=staff, member=member, field=field, reason=reason[:300], at=clock.now(), ip_address=ip_address
    )
    return getattr(record, name)


@transaction.atomic
def reveal_many(*, staff, member, asks, reason: str, ip_address: str | None = None) -> dict[str, str]:
    """Several fields at once, as ``{key: value}`` for ``asks`` of ``(key, field, record)``: all of
    them (one log row each) or, when one is refused, none and no log row."""
    return {
        key: reveal(
            staff=staff, member=member, field=field, reason=reason, record=record, ip_address=ip_address
        )
        for key, field, record in asks
    }


def search(
    *,
    staff_id: str = "",
    member_id: str = "",
    field: str = "",
    since: date | None = None,
    until: date | None = None,
):
    """Reveal-log rows for the privacy officer, newest first, narrowed by what is given."""
    rows = RevealLog.objects.select_related("staff", "member")
    if staff_id:
        rows = rows.filter(staff__member_id__iexact=staff_id.strip())
    if member_id:
        rows = rows.filter(member__member_id__iexact=member_id.strip())
    if field:
        rows = rows.filter(field=field)
    if since:
        rows = rows.filter(at__gte=_midnight(since))
    if until:
        rows = rows.filter(at__lt=_midnight(until) + timedelta(days=1))
    return rows.order_by("-at", "-id")


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class MonthlyLine:
    staff_id: str
    reveals: int
    members: int
    fields: list[str]
    outside_hours: int  # before 08:00 or from 20:00, Bangkok time


def monthly_report(month: date) -> list[MonthlyLine]:
    """The privacy officer's monthly review (P16): for each staff member, how many reveals, of how
    many members' data, which fields, and how many outside working hours; the busiest first."""
    start = _midnight(month.replace(day=1))
    end = _midnight((month.replace(day=28) + timedelta(days=4)).replace(day=1))
    lines: dict[str, dict] = {}
    for staff_id, member_pk, field, at in RevealLog.objects.filter(at__gte=start, at__lt=end).values_list(
        "staff__member_id", "member_id", "field", "at"
    ):
        line = lines.setdefault(staff_id, {"reveals": 0, "members": set(), "fields": set(), "outside": 0})
        line["reveals"] += 1
        line["members"].add(member_pk)
        line["fields"].add(field)
        if not 8 <= timezone.localtime(at).hour < 20:
            line["outside"] += 1
    return sorted(
        (
            MonthlyLine(staff_id, v["reveals"], len(v["members"]), sorted(v["fields"]), v["outside"])
            for staff_id, v in lines.items()
        ),
        key=lambda line: (-line.reveals, line.staff_id),
    )
