"""Posting to the ledger: the only code that writes LedgerTransaction and LedgerEntry rows.

``post`` is idempotent (the same key twice has one effect, even when the two calls race), locks
the accounts it touches in a fixed order (no deadlocks), checks that the entries balance and that
no member wallet goes below zero, and updates the cached balances in the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from snshelper.wallet.errors import IdempotencyConflict, InsufficientFunds
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction

QUANTUM = Decimal("0.00001")


@dataclass(frozen=True)
class Line:
    account: LedgerAccount
    amount: Decimal  # credit-positive


def wallet_of(member, currency: str | None = None) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        kind=LedgerAccount.Kind.MEMBER_WALLET, member=member, currency=currency or settings.CURRENCY
    )
    return account


def lock_wallet(member) -> LedgerAccount:
    """The member's wallet, row-locked until the surrounding transaction ends: everything a
    member does with money is serialised on it (orders, top-ups, withdrawals)."""
    account, _ = LedgerAccount.objects.select_for_update().get_or_create(
        kind=LedgerAccount.Kind.MEMBER_WALLET, member=member, currency=settings.CURRENCY
    )
    return account


def system_account(kind: LedgerAccount.Kind, currency: str | None = None) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        kind=kind, member=None, currency=currency or settings.CURRENCY
    )
    return account


def _normalise(lines: list[Line]) -> dict[int, Decimal]:
    """Net amount per account; refuses floats, sub-quantum precision and unbalanced sets."""
    net: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if not isinstance(line.amount, Decimal):
            raise TypeError("Ledger amounts are Decimal, never float.")
        if line.amount != line.amount.quantize(QUANTUM):
            raise ValueError(f"Ledger amounts have at most 5 decimals: {line.amount}")
        net[line.account.pk] += line.amount
    net = {pk: amount for pk, amount in net.items() if amount}
    if len(net) < 2 or sum(net.values()) != 0:
        raise ValueError(f"A ledger transaction must balance across two or more accounts: {net}")
    return net


def _same(existing: LedgerTransaction, kind: str, net: dict[int, Decimal]) -> bool:
    recorded = {e.account_id: e.amount for e in existing.entries.all()}
    return existing.kind == kind and recorded == net


def post(
    *,
    idempotency_key: str,
    kind: LedgerTransaction.Kind,
    lines: list[Line],
    memo: str = "",
    created_by=None,
) -> LedgerTransaction:
    """Write one balanced transaction, once per key.

    Only member wallets are locked and carry a cached balance: they are what must never go
    below zero. System accounts (sales, bank clearing, ...) are touched by every order, so a
    lock or cached balance on them would make every order in the shop wait for every other;
    their balances are the sums of their entries (``selectors.balance_of``).
    """
    net = _normalise(lines)
    with transaction.atomic():  # a savepoint when nested: a refusal leaves the caller usable
        wallet_ids = sorted(
            {line.account.pk for line in lines if line.account.kind == LedgerAccount.Kind.MEMBER_WALLET}
        )
        # Lock first, then look for an earlier post with this key: a racing twin that got the
        # lock first has committed by the time we hold it, so we see its row. (Posts that touch
        # no wallet are made under a lock of their business object: a withdrawal, a top-up.)
        wallets = {
            a.pk: a
            for a in LedgerAccount.objects.select_for_update().filter(pk__in=wallet_ids).order_by("pk")
        }
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if not _same(existing, kind, net):
                raise IdempotencyConflict
            return existing
        for pk, wallet in wallets.items():
            if wallet.balance + net[pk] < 0:
                raise InsufficientFunds
        entry_set = LedgerTransaction.objects.create(
            idempotency_key=idempotency_key, kind=kind, memo=memo[:300], created_by=created_by
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=entry_set, account_id=pk, amount=amount) for pk, amount in net.items()
        )
        # New balances are computed here from the locked rows, not in SQL: SQLite keeps decimals
        # as floating point, so `balance + amount` in SQL would drift.
        for pk, wallet in wallets.items():
            LedgerAccount.objects.filter(pk=pk).update(balance=wallet.balance + net[pk])
    return entry_set
