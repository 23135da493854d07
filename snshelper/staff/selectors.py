"""Reads about staff: who may open personal data, pledges, training, hand-overs (P17)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from snshelper.accounts.models import Member
from snshelper.core import clock
from snshelper.staff import open_work, pledge
from snshelper.staff.models import HandOver, SecurityPledge, TrainingSession
from snshelper.staff.roles import ROLE_LABELS, ROLES

TRAINING_DUE_DAYS = 365  # a training session every year
_ROLES_READ = "_staff_roles_read"  # where ``roles_of`` keeps the roles on the user object


def roles_of(user) -> frozenset[str]:
    """The staff roles ``user`` holds (none for anonymous visitors and members). Read with one query
    and kept on the user object, which a request loads afresh: the access checks, the dashboard's
    panels and links, templates and reveals of one request all share one read."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    held = getattr(user, _ROLES_READ, None)
    if held is None:
        held = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        setattr(user, _ROLES_READ, held)
    return held


def forget_roles(user) -> None:
    """After ``user``'s roles change: the next ``roles_of`` reads them again."""
    if hasattr(user, _ROLES_READ):
        delattr(user, _ROLES_READ)


def has_signed_pledge(staff: Member) -> bool:
    """Whether ``staff`` signed the pledge version in force."""
    return SecurityPledge.objects.filter(staff=staff, version=pledge.PLEDGE_VERSION).exists()


def departed(staff: Member) -> bool:
    """Whether the hand-over time of ``staff`` has come (even before the job has ended access)."""
    return HandOver.objects.filter(staff=staff, effective_at__lte=clock.now()).exists()


def may_open_personal_data(staff: Member) -> bool:
    """The rule before any personal data opens to a staff member: an active staff account that has
    signed the pledge in force and whose hand-over time has not come."""
    if not (staff.is_authenticated and staff.is_active and staff.is_staff):
        return False
    return has_signed_pledge(staff) and not departed(staff)


def last_training(staff: Member) -> TrainingSession | None:
    return TrainingSession.objects.filter(staff=staff).order_by("-held_on", "-id").first()


def training_overdue(staff: Member, *, today: date | None = None) -> bool:
    """No training session held in the last year (a staff member never trained is overdue too)."""
    latest = last_training(staff)
    return _overdue(latest, today or timezone.localdate(clock.now()))


def _overdue(latest: TrainingSession | None, today: date) -> bool:
    return latest is None or latest.held_on <= today - timedelta(days=TRAINING_DUE_DAYS)


def open_work_of(staff: Member) -> list[tuple[str, int]]:
    """The open work ``staff`` holds, by kind, with counts (kinds with none left out)."""
    counts = [(str(kind.label), kind.rows(staff).count()) for kind in open_work.kinds()]
    return [(label, count) for label, count in counts if count]


@dataclass(frozen=True)
class StaffRecord:
    member: Member
    roles: list[str]
    roles_held: list[str]  # the roles given up at the hand-over
    pledge: SecurityPledge | None  # the latest signature
    pledge_current: bool
    last_training: TrainingSession | None
    training_overdue: bool
    hand_over: HandOver | None
    departed: bool


def _role_label(key: str) -> str:
    return str(ROLE_LABELS.get(key, key))


def current_staff():
    """Staff members still in post (no hand-over recorded), for choosing who takes over."""
    return Member.objects.filter(is_staff=True, is_active=True, hand_over__isnull=True).order_by("name", "pk")


def staff_overview() -> list[StaffRecord]:
    """Every staff member, and everyone who left through a hand-over: role, pledge, training and
    hand-over status. Current staff first."""
    now = clock.now()
    today = timezone.localdate(now)
    people = (
        Member.objects.filter(Q(is_staff=True) | Q(hand_over__isnull=False), withdrawn_at__isnull=True)
        .select_related("hand_over", "hand_over__reassigned_to")
        .prefetch_related("groups", "security_pledges", "training_sessions")
        .order_by("name", "pk")
    )
    records = []
    for member in people:
        pledges = sorted(member.security_pledges.all(), key=lambda p: p.signed_at, reverse=True)
        sessions = sorted(member.training_sessions.all(), key=lambda t: (t.held_on, t.pk), reverse=True)
        hand_over = getattr(member, "hand_over", None)
        records.append(
            StaffRecord(
                member=member,
                roles=[_role_label(group.name) for group in member.groups.all()],
                roles_held=[_role_label(key) for key in hand_over.roles_held.split(", ") if key]
                if hand_over
                else [],
                pledge=pledges[0] if pledges else None,
                pledge_current=any(p.version == pledge.PLEDGE_VERSION for p in pledges),
                last_training=sessions[0] if sessions else None,
                training_overdue=_overdue(sessions[0] if sessions else None, today),
                hand_over=hand_over,
                departed=hand_over is not None and hand_over.effective_at <= now,
            )
        )
    return sorted(records, key=lambda record: record.hand_over is not None)
