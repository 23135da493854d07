"""Reads for members and sign-in."""

from django.db.models import QuerySet

from snshelper.accounts.models import LoginRecord, Member


def recent_sign_ins(*, member: Member, limit: int = 20) -> QuerySet[LoginRecord]:
    """A member's own latest sign-in attempts, newest first."""
    return LoginRecord.objects.filter(member=member).order_by("-created_at", "-id")[:limit]


def member_by_email(email: str) -> Member | None:
    return Member.objects.filter(email__iexact=(email or "").strip()).first()


def member_by_member_id(member_id: str) -> Member | None:
    return Member.objects.filter(
        member_id=(member_id or "").strip().upper(), withdrawn_at__isnull=True
    ).first()
