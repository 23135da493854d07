"""Posting to the ledger: the only code that writes LedgerTransaction and LedgerEntry rows.

``post`` is idempotent (the same key twice has one effect, even when the two calls race), locks
the accounts it touches in a fixed order (no deadlocks), checks that the entries balance and that
no member wallet goes below zero, and updates the cached balances in the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Context, Decimal

from django.conf import settings
from django.db import connections, router, transaction

from snshelper.core import rows
from snshelper.core.bulk_update import update_rows
from snshelper.wallet import memos
from snshelper.wallet.errors import IdempotencyConflict, InsufficientFunds
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction

QUANTUM = Decimal("0.00001")


@dataclass(frozen=True)
class Line:
    account: LedgerAccount | int  # an account, or the id of a system account (never locked)
    amount: Decimal  # credit-positive

    @property
    def account_id(self) -> int:
        return self.account if isinstance(self.account, int) else self.account.pk

    @property
    def on_wallet(self) -> bool:
        return not isinstance(self.account, int) and self.account.kind == LedgerAccount.Kind.MEMBER_WALLET


def wallet_of(member, currency: str | None = None) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        kind=LedgerAccount.Kind.MEMBER_WALLET, member=member, currency=currency or settings.CURRENCY
    )
    return account


def lock_wallet(member) -> LedgerAccount:
    """The member's wallet, row-locked until the surrounding transaction ends: everything a
    member does with money is serialised on it (orders, top-ups, withdrawals)."""
    return lock_wallet_beside(member)[0]


def _decimal(value) -> Decimal:
    """A money column as read by a raw cursor: SQLite hands back floats (15 significant digits, as
    Django's own converter reads them) or integers."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Context(prec=15).create_decimal_from_float(value).quantize(QUANTUM)
    return Decimal(value).quantize(QUANTUM)


def lock_wallet_beside(member, counterpart: LedgerAccount.Kind | None = None) -> tuple[LedgerAccount, int]:
    """``lock_wallet`` in one round trip, with the id of the system account of kind ``counterpart``
    (the other side of the posting to come, e.g. sales for an order) read in the same statement.

    A direct ``SELECT … FOR UPDATE`` on the wallet's unique index (on SQLite, where every write
    transaction holds the database's one write lock from its BEGIN, a plain read). Its rare misses,
    a member's first wallet or a shop's first sale, fall back to ``get_or_create``. The system
    account's id is read, not cached: it costs an index lookup inside a round trip made anyway, and
    cannot go stale (a test's flush, a restored backup)."""
    connection = connections[router.db_for_write(LedgerAccount)]
    table = rows.table(LedgerAccount, connection)
    currency = settings.CURRENCY
    beside, params = "NULL", []
    if counterpart is not None:
        beside = f"(SELECT id FROM {table} WHERE kind = %s AND member_id IS NULL AND currency = %s)"  # noqa: S608
        params = [counterpart, currency]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, balance, {beside} FROM {table}"  # noqa: S608
            f" WHERE kind = %s AND member_id = %s AND currency = %s{lock}",
            [*params, LedgerAccount.Kind.MEMBER_WALLET, member.pk, currency],
        )
        found = cursor.fetchone()
    if found is None:
        account, _ = LedgerAccount.objects.select_for_update().get_or_create(
            kind=LedgerAccount.Kind.MEMBER_WALLET, member=member, currency=currency
        )
        other = system_account(counterpart).pk if counterpart is not None else None
        return account, other
    pk, balance, other = found
    if counterpart is not None and other is None:
        other = system_account(counterpart).pk
    account = LedgerAccount(
        pk=pk,
        kind=LedgerAccount.Kind.MEMBER_WALLET,
        member_id=member.pk,
        currency=currency,
        balance=_decimal(balance),
    )
    account._state.adding, account._state.db = False, connection.alias
    return account, other


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
        net[line.account_id] += line.amount
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
        touched = {line.account_id for line in lines if line.on_wallet}
        if touched != {held.pk} or not transaction.get_connection().in_atomic_block:
            raise ValueError("`held` is the one wallet locked in the surrounding transaction.")
        return _write(idempotency_key, kind, net, memo, created_by, {held.pk: held})
    with transaction.atomic():  # a savepoint when nested: a refusal leaves the caller usable
        wallet_ids = sorted({line.account_id for line in lines if line.on_wallet})
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
    """The rows of one transaction, under the locks of the wallets it touches.

    The transaction row is built as a model instance (its memo and every other column as the
    model makes them) and written with its entries and the wallets' new balances by ``_insert``:
    one statement on PostgreSQL. New balances are computed here from the locked rows, not in SQL:
    SQLite keeps decimals as floating point, so ``balance + amount`` in SQL would drift."""
    balances = {pk: wallet.balance + net[pk] for pk, wallet in wallets.items()}
    if any(balance < 0 for balance in balances.values()):
        raise InsufficientFunds
    entry_set = LedgerTransaction(
        idempotency_key=idempotency_key, kind=kind, memo=memos.stored(memo), created_by=created_by
    )
    _insert(entry_set, net, balances)
    for pk, wallet in wallets.items():
        wallet.balance = balances[pk]
    return entry_set


def _insert(entry_set: LedgerTransaction, net: dict[int, Decimal], balances: dict[int, Decimal]) -> None:
    """Write ``entry_set``, its entries (``net``: account id → amount) and the wallets' cached
    ``balances``; ``entry_set`` gets its id. PostgreSQL: one statement (the transaction's
    ``INSERT … RETURNING`` feeding the entries' multi-row ``INSERT`` and the balances' ``UPDATE``
    in one ``WITH``); SQLite, which has no writes inside ``WITH``: one statement per table."""
    connection = connections[router.db_for_write(LedgerTransaction)]
    columns, params = rows.values(entry_set, connection)
    transactions = rows.table(LedgerTransaction, connection)
    entries, accounts = rows.table(LedgerEntry, connection), rows.table(LedgerAccount, connection)
    amount = LedgerEntry._meta.get_field("amount")
    balance = LedgerAccount._meta.get_field("balance")
    entry_values = [
        value for pk, value in net.items() for value in (pk, amount.get_db_prep_save(value, connection))
    ]
    marks = ", ".join(["%s"] * len(columns))
    names = ", ".join(columns)
    head = f"INSERT INTO {transactions} ({names}) VALUES ({marks}) RETURNING id"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pairs = ", ".join(["(%s::bigint, %s::numeric)"] * len(net))
            update = f"UPDATE {accounts} SET balance = %s WHERE id = %s"  # noqa: S608
            updates = "".join(f", w{i} AS ({update})" for i in range(len(balances)))
            update_values = [
                value
                for pk, new in balances.items()
                for value in (balance.get_db_prep_save(new, connection), pk)
            ]
            cursor.execute(
                f"WITH t AS ({head}), e AS (INSERT INTO {entries} (transaction_id, account_id, amount)"  # noqa: S608
                f" SELECT t.id, v.account, v.amount FROM t, (VALUES {pairs}) AS v(account, amount))"
                f"{updates} SELECT id FROM t",
                [*params, *entry_values, *update_values],
            )
            entry_set.pk = cursor.fetchone()[0]
        else:
            cursor.execute(head, params)
            entry_set.pk = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO {entries} (transaction_id, account_id, amount) VALUES "  # noqa: S608
                + ", ".join(["(%s, %s, %s)"] * len(net)),
                [
                    value
                    for pk, value in net.items()
                    for value in (entry_set.pk, pk, amount.get_db_prep_save(value, connection))
                ],
            )
            for pk, new in balances.items():
                cursor.execute(
                    f"UPDATE {accounts} SET balance = %s WHERE id = %s",  # noqa: S608
                    [balance.get_db_prep_save(new, connection), pk],
                )
    entry_set._state.adding, entry_set._state.db = False, connection.alias


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
    wallet_ids = sorted({line.account_id for p in postings for line in p.lines if line.on_wallet})
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
