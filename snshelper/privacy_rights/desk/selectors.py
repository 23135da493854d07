"""Reads for the privacy engine's pages."""

from dataclasses import dataclass

from snshelper.core import clock
from snshelper.privacy import registry, restrictions
from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry
from snshelper.privacy_rights.desk import alerts


@dataclass
class Desk:
    requests: list
    inquiries: list
    overdue: int
    nearing: list  # of alerts.Due: open on day 7 or 9 of their 10, soonest due first


def officer_desk() -> Desk:
    """Open requests and unanswered inquiries, the soonest due first."""
    requests = list(
        DataSubjectRequest.objects.filter(status=DataSubjectRequest.Status.OPEN)
        .select_related("member")
        .order_by("due_at", "id")
    )
    inquiries = list(
        PrivacyInquiry.objects.filter(answered_at__isnull=True)
        .select_related("member")
        .order_by("due_at", "id")
    )
    overdue = sum(1 for item in [*requests, *inquiries] if item.is_overdue)
    nearing = [due for due in alerts.nearing([*requests, *inquiries]) if not due.item.is_overdue]
    return Desk(requests, inquiries, overdue, nearing)


def member_privacy(member) -> dict:
    """What a member's privacy page shows: their requests (with any export), their questions."""

    return {
        "data_requests": list(
            DataSubjectRequest.objects.filter(member=member)
            .select_related("export")
            .order_by("-created_at")[:50]
        ),
        "inquiries": list(PrivacyInquiry.objects.filter(member=member).order_by("-created_at")[:50]),
        "suspended": restrictions.processing_suspended(member),
        "now": clock.now(),
    }


def target_record(data_request: DataSubjectRequest):
    """The member's record the request is about (None for a request about all their data)."""
    if not data_request.target:
        return None

    label, _field = data_request.target.rsplit(".", 1)
    rows = registry.member_rows(label, data_request.member)
    if data_request.target_id:
        rows = rows.filter(pk=data_request.target_id)
    return rows.first()
