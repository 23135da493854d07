"""The order-placement benchmark's core: the workload, the two clients (Django and raw psycopg),
the reset between phases and the bookkeeping invariants.

Import it once Django is set up. Nothing here creates or drops databases or writes files: the
script (bench/bench_place_order.py) does that, and tests/test_bench_smoke.py runs this core on
the test database with a tiny workload.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
from django.db import connection, connections

from snshelper.accounts import services as account_services
from snshelper.catalog.models import Category, Platform, Service
from snshelper.catalog.platforms import install_default_platforms
from snshelper.wallet import ledger
from snshelper.wallet import services as wallet
from snshelper.wallet.models import LedgerAccount

QUANTITY = 100  # units per order; at ฿90 per 1,000 an order costs ฿9
FUNDING = Decimal("10000000")  # per member and phase: far more than any run spends

# Everything an order writes. TRUNCATE, not DELETE: triggers refuse DELETE on the ledger tables.
WRITTEN_TABLES = ["orders_ordertransition", "orders_order", "wallet_ledgerentry", "wallet_ledgertransaction"]


@dataclass(frozen=True)
class Fixture:
    service_id: int
    quantity: int
    price: Decimal
    member_ids: list[int]
    wallet_ids: list[int]  # the members' wallets, in the same order
    sales_id: int
    funding: Decimal
    # Whether the ledger keeps a cached balance on system accounts (sales, bank clearing) as well
    # as on member wallets. Probed, not assumed: the baseline writes what place_order writes.
    system_balances_cached: bool = True

    def link(self, client: int) -> str:
        return f"https://www.instagram.com/p/bench{client}/"


@dataclass
class PhaseResult:
    side: str  # "django" or "raw"
    clients: int
    orders: int  # placed inside the timed window
    warmup_orders: int  # placed before it (count for the invariants, not for the rate)
    elapsed: float
    per_client: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.orders / self.elapsed if self.elapsed else 0.0

    @property
    def total(self) -> int:
        return self.orders + self.warmup_orders


# --- Setup and reset -------------------------------------------------------------------------


def make_fixture(members: int, *, funding: Decimal = FUNDING, quantity: int = QUANTITY) -> Fixture:
    """One active service (repeat orders on a link allowed) and ``members`` funded members."""
    install_default_platforms(Platform)  # migration data, gone after a test database flush
    category = Category.objects.create(
        platform=Platform.objects.get(code="instagram"), name_th="Bench", name_en="Bench"
    )
    service = Service.objects.create(
        category=category,
        name_th="Bench followers",
        name_en="Bench followers",
        rate=Decimal("90"),
        min_quantity=10,
        max_quantity=10_000,
        step=10,
        one_active_order_per_link=False,
    )
    people = [
        account_services.register_member(
            email=f"bench{i}@bench.test", name=f"Bench {i}", password=None, verified=True
        )
        for i in range(members)
    ]
    bank = ledger.system_account(LedgerAccount.Kind.BANK_CLEARING)
    fixture = Fixture(
        service_id=service.pk,
        quantity=quantity,
        price=service.price(quantity),
        member_ids=[m.pk for m in people],
        wallet_ids=[ledger.wallet_of(m).pk for m in people],
        sales_id=ledger.system_account(LedgerAccount.Kind.SALES).pk,  # exists before any client races
        funding=funding,
    )
    fund(fixture)
    bank.refresh_from_db()
    return dataclasses.replace(fixture, system_balances_cached=bank.balance != 0)


_funding_round = iter(range(1, 1_000_000))


def fund(fixture: Fixture) -> None:
    """Each member tops up ``funding`` through the application's own service."""
    from snshelper.accounts.models import Member

    tag = next(_funding_round)
    for member in Member.objects.filter(pk__in=fixture.member_ids):
        wallet.credit_top_up(
            member=member, amount=fixture.funding, idempotency_key=f"bench:fund:{tag}:{member.pk}"
        )


def reset(fixture: Fixture, *, checkpoint: bool = False) -> None:
    """Empty what orders write, zero the balances and fund the members again: every phase starts
    from the same state. ``checkpoint`` flushes the WAL first so a phase does not pay for the
    previous one's checkpoint (needs a superuser)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(WRITTEN_TABLES)} CASCADE")
        cursor.execute("UPDATE wallet_ledgeraccount SET balance = 0")
        if checkpoint:
            cursor.execute("CHECKPOINT")
    fund(fixture)


def conninfo(alias: str = "default") -> str:
    """A libpq connection string for the database Django's ``alias`` points at."""
    settings = connections[alias].settings_dict
    parts = {
        "dbname": settings["NAME"],
        "user": settings.get("USER"),
        "password": settings.get("PASSWORD"),
        "host": settings.get("HOST"),
        "port": settings.get("PORT"),
    }
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v})


# --- The clients ------------------------------------------------------------------------------


def _quotas(orders: int, clients: int) -> list[int]:
    return [orders // clients + (1 if i < orders % clients else 0) for i in range(clients)]


def _run_clients(
    side: str,
    clients: int,
    open_client: Callable[[int], tuple[Callable[[], None], Callable[[], None]]],
    *,
    orders: int | None,
    seconds: float | None,
    warmup: int,
) -> PhaseResult:
    """Run ``clients`` threads. Each opens its connection (``open_client(i)`` returns
    ``(place_one, close)``), places ``warmup`` orders, waits for the others, then places orders
    until its quota (``orders`` split evenly) is done or ``seconds`` have passed."""
    if (orders is None) == (seconds is None):
        raise ValueError("Give either orders or seconds.")
    quotas = _quotas(orders, clients) if orders is not None else [None] * clients
    start: list[float] = []
    barrier = threading.Barrier(clients, action=lambda: start.append(time.perf_counter()))
    done = [0] * clients
    ended = [0.0] * clients
    errors: list[BaseException] = []

    def run(i: int) -> None:
        close = None
        try:
            place_one, close = open_client(i)
            for _ in range(warmup):
                place_one()
            barrier.wait()
            deadline = start[0] + seconds if seconds is not None else None
            while True:
                if quotas[i] is not None and done[i] >= quotas[i]:
                    break
                if deadline is not None and time.perf_counter() >= deadline:
                    break
                place_one()
                done[i] += 1
            ended[i] = time.perf_counter()
        except BaseException as error:  # reported by the caller
            errors.append(error)
            barrier.abort()
        finally:
            if close is not None:
                close()

    threads = [threading.Thread(target=run, args=(i,), name=f"{side}-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        raise RuntimeError(f"{side} client failed: {(real or errors)[0]!r}") from (real or errors)[0]
    return PhaseResult(
        side=side,
        clients=clients,
        orders=sum(done),
        warmup_orders=warmup * clients,
        elapsed=max(ended) - start[0],
        per_client=done,
    )


def place_one_order(member, fixture: Fixture, client: int):
    """One order as an edge places it (the API's or a page's): the orderable service looked up,
    then ``place_order``."""
    from snshelper.catalog import selectors as catalog
    from snshelper.orders.services import place_order

    service = catalog.orderable_service(fixture.service_id)
    return place_order(member=member, service=service, link=fixture.link(client), quantity=fixture.quantity)


def run_django(
    fixture: Fixture,
    clients: int,
    *,
    orders: int | None = None,
    seconds: float | None = None,
    warmup: int = 2,
) -> PhaseResult:
    """Each client thread calls ``place_order`` end to end on its own Django connection."""
    from snshelper.accounts.models import Member

    def open_client(i: int):
        member = Member.objects.get(pk=fixture.member_ids[i % len(fixture.member_ids)])

        def place_one() -> None:
            place_one_order(member, fixture, i)

        return place_one, connections.close_all

    return _run_clients("django", clients, open_client, orders=orders, seconds=seconds, warmup=warmup)


class InsufficientFunds(Exception):
    pass


# The same rows place_order writes, one round trip per statement, in one transaction. The member's
# wallet is locked first (as lock_wallet does). Where the ledger caches system accounts' balances,
# the shared sales row is updated last, so it stays locked as briefly as possible (it is the row
# every order of every member touches); where it does not, the baseline does not either.
LOCK_WALLET = "SELECT balance FROM wallet_ledgeraccount WHERE id = %s FOR UPDATE"
INSERT_ORDER = """
    INSERT INTO orders_order (member_id, service_id, link, quantity, runs, interval, runs_done, comments,
        type_fields, rate, charge, refunded, status, start_count, remains, idempotency_key, created_at,
        updated_at)
    VALUES (%s, %s, %s, %s, NULL, NULL, 0, '', '{}'::jsonb, %s, %s, 0, 'Pending', NULL, NULL, '', %s, %s)
    RETURNING id"""
INSERT_TRANSITION = """
    INSERT INTO orders_ordertransition (order_id, from_status, to_status, by_id, reason, start_count,
        remains, at)
    VALUES (%s, '', 'Pending', NULL, '', NULL, NULL, %s)"""
INSERT_LEDGER_TRANSACTION = """
    INSERT INTO wallet_ledgertransaction (idempotency_key, kind, memo, created_by_id, created_at)
    VALUES (%s, 'order_charge', %s, NULL, %s) RETURNING id"""
INSERT_ENTRIES = """
    INSERT INTO wallet_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s), (%s, %s, %s)"""
SET_BALANCE = "UPDATE wallet_ledgeraccount SET balance = %s WHERE id = %s"
ADD_TO_BALANCE = "UPDATE wallet_ledgeraccount SET balance = balance + %s WHERE id = %s"


def raw_place_order(conn: psycopg.Connection, cur: psycopg.Cursor, fixture: Fixture, client: int) -> int:
    """One order by hand: what place_order does for a Default service, without the ORM."""
    wallet_id = fixture.wallet_ids[client % len(fixture.wallet_ids)]
    member_id = fixture.member_ids[client % len(fixture.member_ids)]
    price, now = fixture.price, datetime.now(UTC)
    try:
        cur.execute(LOCK_WALLET, (wallet_id,))
        (balance,) = cur.fetchone()
        if balance < price:
            raise InsufficientFunds(member_id)
        rate = Decimal("90")  # the service's, as make_fixture sets it
        cur.execute(
            INSERT_ORDER,
            (member_id, fixture.service_id, fixture.link(client), fixture.quantity, rate, price, now, now),
        )
        (order_id,) = cur.fetchone()
        cur.execute(INSERT_TRANSITION, (order_id, now))
        cur.execute(INSERT_LEDGER_TRANSACTION, (f"order:{order_id}:charge", f"Order #{order_id}", now))
        (transaction_id,) = cur.fetchone()
        cur.execute(
            INSERT_ENTRIES, (transaction_id, wallet_id, -price, transaction_id, fixture.sales_id, price)
        )
        cur.execute(SET_BALANCE, (balance - price, wallet_id))
        if fixture.system_balances_cached:
            cur.execute(ADD_TO_BALANCE, (price, fixture.sales_id))
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return order_id


def run_raw(
    fixture: Fixture,
    dsn: str,
    clients: int,
    *,
    orders: int | None = None,
    seconds: float | None = None,
    warmup: int = 2,
) -> PhaseResult:
    """The baseline: the same client threads, each on its own plain psycopg 3 connection."""

    def open_client(i: int):
        conn = psycopg.connect(dsn)
        cur = conn.cursor()
        return (lambda: raw_place_order(conn, cur, fixture, i)), conn.close

    return _run_clients("raw", clients, open_client, orders=orders, seconds=seconds, warmup=warmup)


# --- Invariants -------------------------------------------------------------------------------


def _one(sql: str, params=()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def check_invariants(fixture: Fixture, placed: int) -> dict:
    """After a phase that placed ``placed`` orders since the last reset: one charge per order,
    balanced entries, every cached balance (member wallets; system accounts too where the ledger
    caches them) equal to the sum of its entries, nothing lost."""
    (orders,) = _one("SELECT count(*) FROM orders_order")
    (charges,) = _one("SELECT count(*) FROM wallet_ledgertransaction WHERE kind = 'order_charge'")
    (transitions,) = _one("SELECT count(*) FROM orders_ordertransition")
    assert orders == placed, f"{orders} orders in the table, {placed} placed"
    assert charges == orders, f"{charges} charge transactions for {orders} orders"
    assert transitions == orders, f"{transitions} transitions for {orders} orders"
    (unmatched,) = _one(
        """SELECT count(*) FROM orders_order o FULL JOIN wallet_ledgertransaction t
           ON t.idempotency_key = 'order:' || o.id || ':charge'
           WHERE t.kind IS DISTINCT FROM 'top_up' AND (o.id IS NULL OR t.id IS NULL)"""
    )
    assert unmatched == 0, f"{unmatched} orders without their charge (or charges without an order)"
    (unbalanced,) = _one(
        """SELECT count(*) FROM (SELECT transaction_id FROM wallet_ledgerentry GROUP BY transaction_id
           HAVING sum(amount) <> 0 OR count(*) < 2) AS bad"""
    )
    assert unbalanced == 0, f"{unbalanced} ledger transactions do not balance"
    (drifted,) = _one(
        """SELECT count(*) FROM wallet_ledgeraccount a
           LEFT JOIN (SELECT account_id, sum(amount) AS total FROM wallet_ledgerentry GROUP BY account_id) e
           ON e.account_id = a.id
           WHERE a.balance <> coalesce(e.total, 0) AND (a.kind = 'member_wallet' OR %s)""",
        (fixture.system_balances_cached,),
    )
    assert drifted == 0, f"{drifted} accounts whose balance is not the sum of their entries"
    (sales,) = _one(
        "SELECT coalesce(sum(amount), 0) FROM wallet_ledgerentry WHERE account_id = %s", (fixture.sales_id,)
    )
    assert sales == fixture.price * placed, f"sales entries sum to {sales}, expected {fixture.price * placed}"
    (wallets_left,) = _one(
        "SELECT coalesce(sum(balance), 0) FROM wallet_ledgeraccount WHERE id = ANY(%s)", (fixture.wallet_ids,)
    )
    expected_left = fixture.funding * len(fixture.wallet_ids) - fixture.price * placed
    assert wallets_left == expected_left, f"wallets hold {wallets_left}, expected {expected_left}"
    return {"orders": orders, "charges": charges, "transitions": transitions, "sales": sales}


# --- Shared by the other benchmarks -----------------------------------------------------------


def database_url(alias: str = "default") -> str:
    """A ``DATABASE_URL`` for the PostgreSQL database Django's ``alias`` points at, for a server
    started as a subprocess (it reads its database from the environment, as in production)."""
    from urllib.parse import quote

    settings = connections[alias].settings_dict
    user = quote(str(settings.get("USER") or ""), safe="")
    password = quote(str(settings.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(str(settings['NAME']), safe='')}"


def write_doc_section(doc, start: str, end: str, section: str) -> None:
    """Replace the text between ``start`` and ``end`` in ``doc`` (markers included in
    ``section``), or append the section when the markers are not there yet."""
    text = (
        doc.read_text()
        if doc.exists()
        else (
            "# Benchmarks\n\nWritten by the scripts under `bench/` (see `bench/README.md`); each rewrites"
            " its own section, between its markers.\n\n"
        )
    )
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)
