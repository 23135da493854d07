"""Reads of balances and statements."""

from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, Sum

from snshelper.wallet.models import LedgerAccount, LedgerEntry, TopUp, Withdrawal


def balance(member) -> Decimal:
    """The member's balance (the cached sum of their wallet's entries); 0 before any movement."""
    account = LedgerAccount.objects.filter(kind=LedgerAccount.Kind.MEMBER_WALLET, member=member).first()
    return account.balance if account else Decimal("0")


def balance_from_entries(account: LedgerAccount) -> Decimal:
    """The balance recomputed from the entries: the source of truth the cache must match.

    PostgreSQL sums numerics exactly; SQLite sums them as floats, so there the exact Decimal
    values are added up here instead.
    """
    entries = LedgerEntry.objects.filter(account=account)
    if connection.vendor == "postgresql":
        return entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return sum(entries.values_list("amount", flat=True).iterator(), Decimal(0))


def balance_of(account: LedgerAccount) -> Decimal:
    """Any account's balance: member wallets keep it cached; system accounts are summed."""
    if account.kind == LedgerAccount.Kind.MEMBER_WALLET:
        return account.balance
    return balance_from_entries(account)


def statement(member) -> QuerySet[LedgerEntry]:
    """A member's wallet movements, newest first."""
    return (
        LedgerEntry.objects.filter(account__kind=LedgerAccount.Kind.MEMBER_WALLET, account__member=member)
        .select_related("transaction")
        .order_by("-transaction__created_at", "-id")
    )


def top_ups_for(member, limit: int = 20):
    return TopUp.objects.filter(member=member).order_by("-created_at", "-id")[:limit]


def top_up_for(member, reference: str):
    return TopUp.objects.filter(member=member, reference=reference).first()


def top_ups_to_review():
    """What finance has to look at: slips to check and QR payments to confirm, oldest first."""
    return (
        TopUp.objects.filter(status__in=[TopUp.Status.PENDING_REVIEW, TopUp.Status.AWAITING_PAYMENT])
        .select_related("member")
        .order_by("created_at", "id")
    )


def withdrawals_for(member, limit: int = 20):
    return Withdrawal.objects.filter(member=member).order_by("-requested_at", "-id")[:limit]


def withdrawals_to_pay():
    return (
        Withdrawal.objects.filter(status=Withdrawal.Status.REQUESTED)
        .select_related("member")
        .order_by("requested_at", "id")
    )
