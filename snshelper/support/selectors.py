"""Reads of consultations: the member's own (never staff notes), the staff queue with its filters
and times, and the counts another page shows (the staff dashboard)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet

from snshelper.accounts.models import Member
from snshelper.core import clock
from snshelper.orders import selectors as orders
from snshelper.staff.roles import SUPPORT
from snshelper.support.models import Attachment, CannedReply, Consultation, Message, Status, Topic
from snshelper.wallet import selectors as wallet

QUEUE_FILTERS = ("waiting", "mine", "unassigned", "overdue", "complaints", "closed", "all")


# --- The member's side --------------------------------------------------------------------------


def consultations_for(member) -> QuerySet[Consultation]:
    return Consultation.objects.filter(member=member).select_related("order", "top_up")


def consultation_for(member, number: str) -> Consultation | None:
    """The member's consultation with its public thread (staff notes left out), or None."""
    public = Message.objects.filter(internal=False).prefetch_related("attachments")
    return (
        Consultation.objects.filter(member=member, number=number)
        .select_related("order", "top_up")
        .prefetch_related(Prefetch("messages", queryset=public, to_attr="thread"))
        .first()
    )


def attachment_for_member(member, pk: int) -> Attachment | None:
    """An attachment of a message the member may read (their own consultation, never a note)."""
    return (
        Attachment.objects.filter(pk=pk, message__consultation__member=member, message__internal=False)
        .select_related("message__consultation")
        .first()
    )


def member_orders(member, limit: int = 50):
    return list(orders.orders_for(member).select_related("service")[:limit])


def member_top_ups(member, limit: int = 20):
    return list(wallet.top_ups_for(member, limit=limit))


# --- The staff side -----------------------------------------------------------------------------


def queue(*, filter: str = "waiting", staff=None) -> QuerySet[Consultation]:  # noqa: A002
    """The staff queue: what waits for us first (oldest due first), then the rest by activity."""
    now = clock.now()
    rows = Consultation.objects.select_related("member", "assigned_to", "order", "top_up")
    if filter == "waiting":
        rows = rows.filter(status=Status.WAITING).order_by("due_at", "id")
    elif filter == "mine":
        rows = rows.filter(assigned_to=staff).exclude(status=Status.CLOSED).order_by("due_at", "id")
    elif filter == "unassigned":
        rows = rows.filter(assigned_to__isnull=True).exclude(status=Status.CLOSED).order_by("due_at", "id")
    elif filter == "overdue":
        rows = _overdue(rows, now).order_by("due_at", "id")
    elif filter == "complaints":
        rows = rows.filter(is_complaint=True).order_by("-updated_at", "-id")
    elif filter == "closed":
        rows = rows.filter(status=Status.CLOSED).order_by("-closed_at", "-id")
    else:
        rows = rows.order_by("-updated_at", "-id")
    return rows


def _overdue(rows, now):
    """Not yet answered for the first time, and past the time it was due."""
    return rows.filter(first_response_at__isnull=True, due_at__lt=now).exclude(status=Status.CLOSED)


def is_overdue(consultation: Consultation, now=None) -> bool:
    now = now or clock.now()
    return (
        consultation.first_response_at is None
        and consultation.status != Status.CLOSED
        and consultation.due_at < now
    )


def first_response_time(consultation: Consultation) -> timedelta | None:
    if consultation.first_response_at is None:
        return None
    return consultation.first_response_at - consultation.created_at


def resolution_time(consultation: Consultation) -> timedelta | None:
    if consultation.closed_at is None:
        return None
    return consultation.closed_at - consultation.created_at


@dataclass(frozen=True)
class QueueTimes:
    average_first_response: timedelta | None
    average_resolution: timedelta | None
    answered: int
    resolved: int


def _average(values: list[timedelta]) -> timedelta | None:
    return sum(values, timedelta()) / len(values) if values else None


def queue_times(*, days: int = 30) -> QueueTimes:
    """Average first-response and resolution times of consultations opened in the last ``days``."""
    since = clock.now() - timedelta(days=days)
    rows = list(
        Consultation.objects.filter(created_at__gte=since).values_list(
            "created_at", "first_response_at", "closed_at"
        )
    )
    firsts = [first - opened for opened, first, _closed in rows if first]
    closes = [closed - opened for opened, _first, closed in rows if closed]
    return QueueTimes(_average(firsts), _average(closes), len(firsts), len(closes))


def queue_counts() -> dict[str, int]:
    """For the staff dashboard: consultations waiting for us, and those past their first-answer time."""
    return {
        "waiting": Consultation.objects.filter(status=Status.WAITING).count(),
        "overdue": _overdue(Consultation.objects.all(), clock.now()).count(),
    }


def consultation_for_staff(number: str) -> Consultation | None:
    """A consultation with its whole thread, staff notes included."""
    thread = Message.objects.select_related("author").prefetch_related("attachments")
    return (
        Consultation.objects.filter(number=number)
        .select_related("member", "assigned_to", "order__service", "top_up")
        .prefetch_related(Prefetch("messages", queryset=thread, to_attr="thread"))
        .first()
    )


def attachment_for_staff(pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk).select_related("message__consultation").first()


def support_staff():
    """Who a consultation may be assigned to: current staff of the support role."""

    return Member.objects.filter(is_active=True, is_staff=True, groups__name=SUPPORT).order_by("name", "pk")


def canned_replies(*, active_only: bool = True) -> QuerySet[CannedReply]:
    rows = CannedReply.objects.all()
    return rows.filter(active=True) if active_only else rows


def canned_reply(pk: int) -> CannedReply | None:
    return CannedReply.objects.filter(pk=pk).first()


def other_consultations(consultation: Consultation, limit: int = 10):
    """The member's other consultations (staff see the history at a glance)."""
    return list(
        Consultation.objects.filter(member_id=consultation.member_id)
        .exclude(pk=consultation.pk)
        .order_by("-created_at")[:limit]
    )


def search_filter(rows, text: str):
    """Narrow a queue by a consultation number or member ID."""
    text = (text or "").strip()
    if not text:
        return rows
    return rows.filter(Q(number__iexact=text) | Q(member__member_id__iexact=text))


def privacy_officer_view(rows):
    """What the privacy officer reads: complaints and disputes, and consultations about personal data."""
    return rows.filter(Q(is_complaint=True) | Q(topic=Topic.PRIVACY))
