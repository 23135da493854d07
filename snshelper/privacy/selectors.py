"""Reads for the privacy engine's pages."""

from dataclasses import dataclass

from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry


@dataclass
class Desk:
    requests: list
    inquiries: list
    overdue: int


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
    return Desk(requests, inquiries, overdue)
