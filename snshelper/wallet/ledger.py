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

from snshelper.core.bulk_update import update_rows
from snshelper.wallet import memos
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
    memo: memos.Memo | None = None,
    created_by=None,
    held: LedgerAccount | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction, once per key.

    Only member wallets are locked and carry a cached balance: they are what must never go
    below zero. System accounts (sales, bank clearing, ...) are touched by every order, so a
    lock or cached balance on them would make every order in the shop wait for every other;
    their balances are the sums of their entries (``selectors.balance_of``).

    ``held``: the one wallet the caller already locked (``lock_wallet``) in the surrounding
    transaction, for a key made from a row created in that same transaction, so no earlier post
    can carry it. Locking again, looking for an earlier post and the savepoint are skipped: a
    refusal then undoes the caller's whole transaction (placing an order).
    """
    net = _normalise(lines)
    if held is not None:
        touched = {line.account.pk for line in lines if line.account.kind == LedgerAccount.Kind.MEMBER_WALLET}
        if touched != {held.pk} or not transaction.get_connection().in_atomic_block:
            raise ValueError("`held` is the one wallet locked in the surrounding transaction.")
        return _write(idempotency_key, kind, net, memo, created_by, {held.pk: held})
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
        return _write(idempotency_key, kind, net, memo, created_by, wallets)


def _write(
    idempotency_key, kind, net, memo, created_by, wallets: dict[int, LedgerAccount]
) -> LedgerTransaction:
    """The rows of one transaction, under the locks of the wallets it touches."""
    for pk, wallet in wallets.items():
        if wallet.balance + net[pk] < 0:
            raise InsufficientFunds
    entry_set = LedgerTransaction.objects.create(
        idempotency_key=idempotency_key, kind=kind, memo=memos.stored(memo), created_by=created_by
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=entry_set, account_id=pk, amount=amount) for pk, amount in net.items()
    )
    # New balances are computed here from the locked rows, not in SQL: SQLite keeps decimals
    # as floating point, so `balance + amount` in SQL would drift.
    for pk, wallet in wallets.items():
        wallet.balance += net[pk]
        LedgerAccount.objects.filter(pk=pk).update(balance=wallet.balance)
    return entry_set


@dataclass(frozen=True)
class Posting:
    """One transaction of a batch for ``post_many``."""

    idempotency_key: str
    kind: LedgerTransaction.Kind
    lines: list[Line]
    memo: memos.Memo | None = None  # made by memos.build
    created_by: object = None


def post_many(
    postings: list[Posting], *, held: dict[int, LedgerAccount] | None = None
) -> list[LedgerTransaction]:
    """``post`` for a batch, in one database transaction and a fixed number of queries: the same
    rules (balanced, at most 5 decimals, once per key, no wallet below zero), all or nothing.

    For the jobs that move money for many orders at once (a provider's status sync refunding the
    orders it reports Partial or Canceled). Keys already posted with the same entries are skipped.
    """
    if not postings:
        return []
    keys = [p.idempotency_key for p in postings]
    if len(set(keys)) != len(keys):
        raise ValueError("A batch cannot post the same idempotency key twice.")
    nets = [_normalise(p.lines) for p in postings]
    wallet_ids = sorted(
        {
            line.account.pk
            for p in postings
            for line in p.lines
            if line.account.kind == LedgerAccount.Kind.MEMBER_WALLET
        }
    )
    # With ``held`` the caller's own transaction (or savepoint) undoes a refused batch.
    with transaction.atomic(savepoint=held is None):
        if held is not None:  # the caller locked them in this transaction
            if set(held) != set(wallet_ids) or not transaction.get_connection().in_atomic_block:
                raise ValueError("`held` are the wallets locked in the surrounding transaction.")
            wallets = held
        else:
            wallets = {
                a.pk: a
                for a in LedgerAccount.objects.select_for_update().filter(pk__in=wallet_ids).order_by("pk")
            }
        existing = {
            t.idempotency_key: t
            for t in LedgerTransaction.objects.filter(idempotency_key__in=keys).prefetch_related("entries")
        }
        fresh = []
        for posting, net in zip(postings, nets, strict=True):
            earlier = existing.get(posting.idempotency_key)
            if earlier is None:
                fresh.append((posting, net))
            elif not _same(earlier, posting.kind, net):
                raise IdempotencyConflict
        balances = {pk: wallet.balance for pk, wallet in wallets.items()}
        for _posting, net in fresh:
            for pk, amount in net.items():
                if pk in balances:
                    balances[pk] += amount
                    if balances[pk] < 0:
                        raise InsufficientFunds
        created = LedgerTransaction.objects.bulk_create(
            LedgerTransaction(
                idempotency_key=p.idempotency_key,
                kind=p.kind,
                memo=memos.stored(p.memo),
                created_by=p.created_by,
            )
            for p, _net in fresh
        )
        if any(t.pk is None for t in created):  # pragma: no cover - PostgreSQL and SQLite >= 3.35 return ids
            raise RuntimeError("The database did not return the new transactions' ids.")
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=entry_set, account_id=pk, amount=amount)
            for entry_set, (_posting, net) in zip(created, fresh, strict=True)
            for pk, amount in net.items()
        )
        changed = [
            LedgerAccount(pk=pk, balance=balances[pk])
            for pk in wallets
            if balances[pk] != wallets[pk].balance
        ]
        update_rows(LedgerAccount, changed, ["balance"])
    by_key = {t.idempotency_key: t for t in [*existing.values(), *created]}
    return [by_key[key] for key in keys]
