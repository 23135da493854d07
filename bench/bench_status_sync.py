"""The provider status sync of 10,000 active orders: ``forwarding.sync_statuses(provider)`` against
the provider simulator (a real API v2 server on 127.0.0.1, in this process), in passes: the first
look after forwarding, nothing changed, orders started, orders finished (with refunds). Provider
calls, database queries (CaptureQueriesContext) per 100 orders and wall time for each pass.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_status_sync.py
    ... bench/bench_status_sync.py --orders 10000 --databases postgresql,sqlite

DATABASE_URL only says which PostgreSQL server to use: the benchmark drops and recreates its own
database (``snshelper_bench_sync``, see --database) there and drops it at the end; SQLite runs on a
file in a temporary directory. Each database is measured in a process of its own. Results go to
the status_sync section of docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- status_sync:start -->", "<!-- status_sync:end -->"
IDS_PER_CALL = 100  # API v2's multiple status takes at most 100 ids
TARGET_QUERIES_PER_100 = 5
SIM_KEY = "bench-sim-key"
EXTERNAL_ID = "102"  # the simulator's "Instagram Likes [Fast]", a Default service
QUANTITY = 1000
MEMBERS = 20
FUNDING = Decimal("1000000")


# --- Setting up: a provider, one of its services sold by us, orders forwarded ------------------


def make_provider(simulator):
    from snshelper.providers import services as provider_services

    return provider_services.save_provider(
        name="Bench provider",
        api_url=simulator.url,
        api_key=simulator.key,
        currency=simulator.currency,
        exchange_rate=Decimal("35"),
        timeout_seconds=Decimal("10"),
        markup_percent=Decimal("30"),
        markup_fixed=Decimal("0"),
        supports_idempotency=True,
    )


def sell(provider, external_id: str = EXTERNAL_ID):
    """Import the provider's catalogue and sell one of its Default services as ours."""
    from snshelper.catalog.models import Category, Platform
    from snshelper.catalog.platforms import install_default_platforms
    from snshelper.providers import services as provider_services

    provider_services.sync_services(provider)
    install_default_platforms(Platform)
    category = Category.objects.create(
        platform=Platform.objects.get(code="instagram"), name_th="Bench sync", name_en="Bench sync"
    )
    (service,) = provider_services.add_to_catalog(
        provider_services=[provider.services.get(external_id=external_id)], category=category
    )
    return service


def make_members(count: int, funding: Decimal = FUNDING) -> list:
    from snshelper.accounts import services as account_services
    from snshelper.wallet import services as wallet

    members = []
    for i in range(count):
        member = account_services.register_member(
            email=f"sync{i}@bench.test", name=f"Sync {i}", password=None, verified=True
        )
        wallet.credit_top_up(member=member, amount=funding, idempotency_key=f"bench:sync:fund:{member.pk}")
        members.append(member)
    return members


def link(n: int) -> str:
    return f"https://www.instagram.com/p/Sync{n:06d}/"


def place(service, members, orders: int, quantity: int = QUANTITY) -> int:
    """``orders`` orders through ``place_order``, spread over the members, one link each."""
    from snshelper.orders.services import place_order

    for n in range(orders):
        place_order(member=members[n % len(members)], service=service, link=link(n), quantity=quantity)
    return orders


def forward(orders: int) -> int:
    """Every queued order goes to the provider (``forward_due``); all must be ``sent``."""
    from snshelper.providers import forwarding
    from snshelper.providers.models import Forwarding

    sweeps = 0
    while forwarding.forward_due(limit=orders):
        sweeps += 1
        if sweeps > 5:
            raise RuntimeError("forward_due keeps finding orders to send")
    sent = Forwarding.objects.filter(state=Forwarding.State.SENT).count()
    if sent != orders:
        raise RuntimeError(f"{sent} of {orders} orders reached the provider")
    return sent


# --- One pass of the sync, measured ---------------------------------------------------------


def _max_pk(model) -> int:
    from django.db.models import Max

    return model.objects.aggregate(top=Max("pk"))["top"] or 0


class Stopwatch:
    """Where a pass's wall time goes, cheaply enough to run inside the measured pass: waiting for
    the provider's answers, executing SQL (``execute_wrapper``), and the Python of the writes
    (``forwarding._apply``: comparing, the state machine, building the statements) apart from the
    SQL they execute."""

    def __init__(self):
        self.seconds = Counter()
        self._in_apply = False

    def execute(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - began
            self.seconds["sql"] += spent
            if self._in_apply:
                self.seconds["apply_sql"] += spent

    def wrap(self, name: str, function):
        watch = self

        def timed(*args, **kwargs):
            watch._in_apply = name == "apply"
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                watch.seconds[name] += time.perf_counter() - began
                watch._in_apply = False

        return timed


def _shape(sql: str) -> str:
    """``_diagnose.shape``, and a ``WITH v AS (VALUES …) UPDATE t …`` (SQLite's ``update_rows``)
    named by what it does: an UPDATE of ``t``."""
    from bench._diagnose import shape

    if sql.lstrip().upper().startswith("WITH"):
        found = re.search(r"\)\s+UPDATE\s", sql, flags=re.IGNORECASE)
        if found:
            sql = sql[found.start() + 1 :]
    return shape(sql)


def measure(provider, simulator, name: str, said: str) -> dict:
    """One ``sync_statuses`` under CaptureQueriesContext: what it asked, wrote and cost."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from snshelper.orders.models import OrderTransition
    from snshelper.providers import forwarding
    from snshelper.providers.client import ProviderClient
    from snshelper.wallet.models import LedgerTransaction

    calls = simulator.calls("status")
    last_move, last_money = _max_pk(OrderTransition), _max_pk(LedgerTransaction)
    watch = Stopwatch()
    with (
        CaptureQueriesContext(connection) as captured,
        connection.execute_wrapper(watch.execute),
        mock.patch.object(ProviderClient, "statuses", watch.wrap("provider", ProviderClient.statuses)),
        mock.patch.object(forwarding, "_apply", watch.wrap("apply", forwarding._apply)),
    ):
        began = time.perf_counter()
        result = forwarding.sync_statuses(provider)
        wall = time.perf_counter() - began
    if result.failed_calls:
        raise RuntimeError(f"{result.failed_calls} status calls failed: {result.errors[:3]}")
    moves = Counter(
        f"{a} → {b}"
        for a, b in OrderTransition.objects.filter(pk__gt=last_move).values_list("from_status", "to_status")
    )
    refunds = LedgerTransaction.objects.filter(pk__gt=last_money, kind="order_refund").count()
    statements = [q["sql"] for q in captured.captured_queries]
    spent = watch.seconds
    return {
        "name": name,
        "said": said,
        "orders": result.orders,
        "calls": simulator.calls("status") - calls,
        "changed": result.changed,
        "missing": result.missing,
        "queries": len(statements),
        "wall": wall,
        "provider": spent["provider"],
        "sql": spent["sql"],
        "apply": spent["apply"],
        "apply_python": spent["apply"] - spent["apply_sql"],
        "moves": dict(moves.most_common()),
        "refunds": refunds,
        "shapes": dict(Counter(_shape(sql) for sql in statements).most_common()),
    }


def run_passes(provider, simulator) -> list[dict]:
    """The passes, on the simulator's own clock (it runs at speed 0: only ``advance`` moves it).
    Its orders wait 30 to 300 s Pending, then work 600 to 3,600 s; 5 % end Canceled (as soon as
    their Pending ends), 10 % Partial, the rest Completed."""
    passes = [
        measure(
            provider,
            simulator,
            "first look after forwarding",
            "Pending, with start count 0 and remains (we held neither)",
        ),
        measure(provider, simulator, "nothing changed", "the same as last time"),
    ]
    simulator.advance(300)
    passes.append(
        measure(
            provider,
            simulator,
            "orders started",
            "In progress or Processing with their start count (and Canceled, the 5 % the provider drops)",
        )
    )
    simulator.advance(4000)
    passes.append(
        measure(provider, simulator, "orders finished", "Completed, or Partial with the remains refunded")
    )
    passes.append(measure(provider, simulator, "after the end", "nothing: no order is active any more"))
    return passes


# --- Invariants --------------------------------------------------------------------------------


def check_invariants(simulator, orders: int) -> dict:
    """After the passes: every order is where the provider says it is, refunded once and exactly
    what was not delivered, sent to the provider once, and the books balance."""
    from snshelper.orders.models import ACTIVE, Order
    from snshelper.orders.services import QUANTUM
    from snshelper.wallet.models import LedgerAccount, LedgerEntry

    ours = list(Order.objects.select_related("forwarding"))
    assert len(ours) == orders, f"{len(ours)} orders, {orders} placed"
    assert not [o for o in ours if o.status in ACTIVE], "orders still active after the provider finished"
    assert not simulator.duplicates(), f"orders made twice at the provider: {simulator.duplicates()}"
    assert len(simulator.received_adds()) == orders, "an order was sent more than once (or not at all)"
    # Sums in Python, with Decimals: SQLite would add them up as floats.
    refunds, per_transaction, per_wallet = Counter(), Counter(), Counter()
    for key, kind, account_kind, account_id, amount in LedgerEntry.objects.values_list(
        "transaction__idempotency_key", "transaction__kind", "account__kind", "account_id", "amount"
    ):
        per_transaction[key] += amount
        if account_kind == "member_wallet":
            per_wallet[account_id] += amount
            if kind == "order_refund":
                refunds[key] += amount
    statuses = Counter()
    for order in ours:
        theirs = simulator.order(order.forwarding.external_id)
        assert (order.status, order.remains) == (theirs["status"], theirs["remains"]), (
            f"order {order.pk}: {order.status}/{order.remains},"
            f" the provider {theirs['status']}/{theirs['remains']}"
        )
        statuses[order.status] += 1
        paid = refunds.get(f"order:{order.pk}:refund", Decimal(0))
        if order.status == "Canceled":
            expected = order.charge
        elif order.status == "Partial":
            expected = (order.charge * order.remains / order.total_quantity).quantize(
                QUANTUM, rounding="ROUND_DOWN"
            )
        else:
            expected = Decimal(0)
        assert paid == order.refunded == expected, (
            f"order {order.pk} ({order.status}, remains {order.remains}): refunded {paid}, recorded"
            f" {order.refunded}, due {expected}"
        )
    assert len(refunds) == statuses["Partial"] + statuses["Canceled"], "refunds ≠ Partial + Canceled orders"
    unbalanced = [key for key, total in per_transaction.items() if total != 0]
    assert not unbalanced, f"ledger transactions that do not balance: {unbalanced[:5]}"
    drifted = [
        (a.pk, a.balance, per_wallet[a.pk])
        for a in LedgerAccount.objects.filter(kind="member_wallet")
        if a.balance != per_wallet[a.pk]
    ]
    assert not drifted, f"wallets whose balance is not the sum of their entries: {drifted[:5]}"
    return {"statuses": dict(statuses.most_common()), "refunds": len(refunds)}


# --- One database, in a process of its own -----------------------------------------------------


def _environment(kind: str) -> dict:
    import django
    from django.db import connection

    env = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    with connection.cursor() as cursor:
        if kind == "postgresql":
            import psycopg

            cursor.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN"
                " ('server_version', 'synchronous_commit', 'fsync')"
            )
            settings = dict(cursor.fetchall())
            env["database"] = (
                f"PostgreSQL {settings['server_version'].split()[0]} (same host, TCP;"
                f" synchronous_commit={settings['synchronous_commit']}, fsync={settings['fsync']};"
                f" psycopg {psycopg.__version__})"
            )
        else:
            cursor.execute("SELECT sqlite_version()")
            env["database"] = f"SQLite {cursor.fetchone()[0]} (a file; WAL, synchronous=NORMAL)"
    try:
        env["cpu"] = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        env["cpu"] = "unknown CPU"
    return env


def measure_database(kind: str, args) -> dict:
    """Set up Django on a fresh database of ``kind``, then: provider, service, members, orders,
    forwarding, the passes and the invariants."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"snshelper-bench-sync-{kind}-"))
    server_url = os.environ.get("DATABASE_URL", "")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),  # keys, the cache and the job queue of this run only
        DJANGO_DEBUG="0",
    )
    for name in ("REDIS_URL", "HUEY_IMMEDIATE"):  # jobs queued by place_order stay in var_dir
        os.environ.pop(name, None)
    if kind == "postgresql":
        from bench.bench_place_order import bench_url, recreate_database

        if urlsplit(server_url).path.lstrip("/") == args.database:
            sys.exit("DATABASE_URL names the benchmark's own database; point it at another one.")
        os.environ["DATABASE_URL"] = bench_url(server_url, args.database)
        recreate_database(server_url, args.database)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import connections

    from snshelper.providers import forwarding as forwarding_module
    from snshelper.providers.simulator import ProviderSimulator

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one line per provider call
    simulator = ProviderSimulator(port=0, key=SIM_KEY, seed=args.seed, speed=0)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        simulator.start()
        provider = make_provider(simulator)
        service = sell(provider)
        members = make_members(args.members)
        began = time.perf_counter()
        place(service, members, args.orders)
        placing = time.perf_counter() - began
        print(f"{kind}: {args.orders} orders placed in {placing:.1f} s", flush=True)
        began = time.perf_counter()
        forward(args.orders)
        forwarding = time.perf_counter() - began
        print(f"{kind}: forwarded in {forwarding:.1f} s", flush=True)
        passes = run_passes(provider, simulator)
        for p in passes:
            print(
                f"{kind}: {p['name']}: {p['orders']} orders, {p['calls']} calls, {p['queries']} queries,"
                f" {p['wall']:.2f} s",
                flush=True,
            )
        invariants = check_invariants(simulator, args.orders)
        return {
            "kind": kind,
            "orders": args.orders,
            "members": args.members,
            "service": f"{service.name_en} (the provider's {EXTERNAL_ID}), {QUANTITY:,} a order",
            "per_write": forwarding_module.ORDERS_PER_WRITE,
            "placing": placing,
            "forwarding": forwarding,
            "adds": simulator.calls("add"),
            "passes": passes,
            "invariants": invariants,
            "env": _environment(kind),
        }
    finally:
        simulator.stop()
        connections.close_all()
        if kind == "postgresql" and not args.keep_database:
            from bench.bench_place_order import recreate_database

            recreate_database(server_url, args.database, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)


# --- Reporting ---------------------------------------------------------------------------------


def _per_write(result: dict) -> int:
    """Orders a write transaction took (the sync's ``ORDERS_PER_WRITE`` when it was measured)."""
    if "per_write" in result:
        return result["per_write"]
    from snshelper.providers.forwarding import ORDERS_PER_WRITE

    return ORDERS_PER_WRITE


def call_target(orders: int) -> int:
    return math.ceil(orders / IDS_PER_CALL)


def per_100(p: dict) -> float:
    return p["queries"] * 100 / p["orders"] if p["orders"] else 0.0


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


ONCE_A_SYNC = {"INSERT providers_providercall", "UPDATE providers_provider"}  # the call log, synced-at


def writes_of(p: dict) -> int:
    """The write transactions of a pass: each begins with the locked read of its orders."""
    return p["shapes"].get("SELECT orders_order FOR UPDATE", 0) + p["shapes"].get("SELECT orders_order", 0)


def _once(p: dict) -> int:
    """Statements a sync sends once, whatever its orders: the call log (in a transaction of its
    own when there were calls) and the provider's synced-at."""
    return sum(p["shapes"].get(shape, 0) for shape in ONCE_A_SYNC) + (2 if p["calls"] else 0)


def _write_transaction(p: dict) -> dict[str, float]:
    """Statements per write transaction (BEGIN … COMMIT of ``_apply``), by shape: everything but
    the reads of forwarded orders, the call log and the provider's synced-at."""
    shapes = dict(p["shapes"])
    if p["calls"]:
        shapes["BEGIN"] = shapes.get("BEGIN", 0) - 1  # the call log's own, once per sync
        shapes["COMMIT"] = shapes.get("COMMIT", 0) - 1
    writes = writes_of(p)
    return {
        shape: n / writes
        for shape, n in shapes.items()
        if shape not in ONCE_A_SYNC | {"SELECT providers_forwarding"} and n > 0
    }


def database_section(result: dict) -> list[str]:
    env, orders = result["env"], result["orders"]
    target = call_target(orders)
    passes = result["passes"]
    lines = [
        f"### {env['database'].split(' (')[0]}",
        "",
        f"{env['database']}; {env['nproc']} CPUs ({env['cpu']}), Python {env['python']}, Django"
        f" {env['django']}. {env['date']}. Setup: {orders:,} orders placed with `place_order` in"
        f" {result['placing']:.1f} s ({result['members']} members, {result['service']}), forwarded"
        f" with `forward_due` in {result['forwarding']:.1f} s ({result['adds']:,} `add` calls).",
        "",
        f"| pass | the provider said | orders asked about | provider calls (≤ {target}) | queries |"
        f" queries per 100 orders (≤ {TARGET_QUERIES_PER_100}) | wall | orders changed | refunds |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in passes:
        calls_ok = p["calls"] <= target
        queries_ok = per_100(p) <= TARGET_QUERIES_PER_100
        lines.append(
            f"| {p['name']} | {p['said']} | {p['orders']:,} | {p['calls']} ({_verdict(calls_ok)}) |"
            f" {p['queries']:,} | {per_100(p):.2f} ({_verdict(queries_ok)}) | {p['wall']:.2f} s |"
            f" {p['changed']:,} | {p['refunds']:,} |"
        )
    per_write = _per_write(result)
    lines += [
        "",
        f"How the queries add up: one read of up to {per_write:,} forwarded orders"
        f" (`SELECT providers_forwarding`), their {per_write // IDS_PER_CALL} provider calls of up to"
        f" {IDS_PER_CALL} ids, then, when anything changed, one write transaction for all of them"
        " (`_apply`); once a sync, the call log and the provider's synced-at.",
        "",
        "| pass | reads | writes | statements per write | once a sync | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in passes:
        writes = writes_of(p)
        each = sum(_write_transaction(p).values()) if writes else 0
        lines.append(
            f"| {p['name']} | {p['shapes'].get('SELECT providers_forwarding', 0)} | {writes} |"
            f" {each:.1f} | {_once(p)} | {p['queries']:,} |"
        )
    lines += ["", "Each write transaction, statement by statement (on average over the pass's writes):", ""]
    for p in passes:
        if writes_of(p):
            detail = ", ".join(f"`{shape}` {n:.2g}" for shape, n in _write_transaction(p).items())
            lines.append(f"- {p['name']}: {detail}.")
    lines += [
        "",
        "Where each pass's wall time went: waiting for the provider's answers (the simulator answers"
        " in this process), executing SQL (`execute_wrapper`; COMMIT not included), the Python of the"
        " writes apart from their SQL (`_apply`: comparing, the state machine, building the"
        " statements), and the rest (reading, the ORM's other Python, the simulator's own work,"
        " CaptureQueriesContext). A write holds its orders' row locks from its locked read to its"
        " COMMIT, at most `_apply`'s time divided by the writes (the last column; the refunded members'"
        " wallets only from the ledger's statements on, the end of it).",
        "",
        "| pass | wall | provider calls | SQL | the writes' Python | the rest | one write |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in passes:
        rest = p["wall"] - p["provider"] - p["sql"] - p["apply_python"]
        writes = writes_of(p)
        held = f"{p['apply'] / writes * 1000:.0f} ms" if writes else "–"
        lines.append(
            f"| {p['name']} | {p['wall']:.2f} s | {p['provider']:.2f} s | {p['sql']:.2f} s |"
            f" {p['apply_python']:.2f} s | {rest:.2f} s | {held} |"
        )
    lines += ["", "What moved (transitions written):", ""]
    for p in passes:
        moves = ", ".join(f"{move} {n:,}" for move, n in p["moves"].items()) or "no transition"
        lines.append(f"- {p['name']}: {moves}.")
    shapes = list(dict.fromkeys(shape for p in passes for shape in p["shapes"]))
    lines += [
        "",
        "The statements each pass sent (CaptureQueriesContext, by verb and first table):",
        "",
        "| statement | " + " | ".join(p["name"] for p in passes) + " |",
        "| --- | " + " | ".join("---:" for _ in passes) + " |",
        *[
            f"| `{shape}` | " + " | ".join(f"{p['shapes'].get(shape, 0):,}" for p in passes) + " |"
            for shape in shapes
        ],
    ]
    statuses = ", ".join(f"{s} {n:,}" for s, n in result["invariants"]["statuses"].items())
    lines += [
        "",
        f"Invariants after the passes: every order final and where the provider says it is ({statuses});"
        f" {result['invariants']['refunds']:,} refunds, one per Partial or Canceled order and each exactly"
        " what was not delivered (Canceled: the whole charge), none on a Completed order; no order sent"
        " twice; every ledger transaction balanced and every wallet's balance the sum of its entries.",
        "",
    ]
    return lines


def report(results: list[dict]) -> str:
    orders = results[0]["orders"]
    per_write = _per_write(results[0])
    target = call_target(orders)
    summary = []
    for result in results:
        name = result["env"]["database"].split(" (")[0]
        calls = [p["name"] for p in result["passes"] if p["calls"] <= target]
        queries = [p["name"] for p in result["passes"] if per_100(p) <= TARGET_QUERIES_PER_100]
        missed = [p["name"] for p in result["passes"] if per_100(p) > TARGET_QUERIES_PER_100]
        summary.append(
            f"- **{name}**: provider calls ≤ {target} in "
            + ("every pass" if len(calls) == len(result["passes"]) else ", ".join(calls) or "no pass")
            + f"; queries ≤ {TARGET_QUERIES_PER_100} per 100 orders in "
            + (
                "every pass"
                if not missed
                else (", ".join(queries) or "no pass") + f"; **not met** in {', '.join(missed)}"
            )
            + "."
        )
    lines = [
        START,
        f"## Provider status sync: {orders:,} active orders",
        "",
        "Written by `bench/bench_status_sync.py` (how to run it and what it measures: `bench/README.md`)."
        " `forwarding.sync_statuses(provider)` against the provider simulator"
        " (`snshelper.providers.simulator.ProviderSimulator`, a real API v2 server on 127.0.0.1 in the"
        " benchmark's process, HTTP/1.1 keep-alive, no faults, its clock moved only by `advance`), each"
        f" pass under CaptureQueriesContext. Targets: at most {target} provider calls for {orders:,}"
        f" orders (100 ids a call), at most {TARGET_QUERIES_PER_100} database queries per 100 orders."
        " Wall time includes CaptureQueriesContext's own cost and the simulator's (it shares the process).",
        "",
        *summary,
        "",
        f"How: the provider is still asked {IDS_PER_CALL} ids a call, but the answers of"
        f" {per_write // IDS_PER_CALL} calls (`forwarding.ORDERS_PER_WRITE`, {per_write:,} orders) are"
        " written in one transaction: a locked read of those orders (`SELECT … FOR UPDATE`, in"
        " primary-key order), one update of them (`core.bulk_update.update_rows`: `UPDATE … FROM"
        " unnest(…)` on PostgreSQL, `WITH v AS (VALUES …) UPDATE … FROM v` on SQLite), one insert of"
        " their transitions (who, when, why, the counts), then the refunds of the Partial and Canceled"
        " ones together (`wallet.refund_many`: the wallets row-locked, after the orders as everywhere"
        " else, the keys already posted looked up, one insert of ledger transactions, one of their"
        " entries, one update of the balances) and one update of the forwarding rows (charge,"
        " unknown-id count). Those statements do not grow with the orders (but on SQLite, below), so"
        " ten calls share them. Nothing is locked while the provider answers: the orders are read"
        " without a lock before the calls, and the write locks them again and applies only what the"
        " transition table still allows (a second sync racing it, or staff moving an order meanwhile,"
        " finds it already moved: no second transition or refund; `tests/test_providers_sync.py` races"
        " four syncs and staff on PostgreSQL).",
        "",
        "Why not a transaction per call (100 orders), as before: the read, BEGIN, the locked read, the"
        " update and COMMIT are already 5 statements per 100 orders, and orders that move add at least"
        " the insert of their transitions, refunds the ledger's inserts and the wallets' lock and"
        " update; per call the target is out of reach whenever anything changes, without dropping the"
        " lock, the transition history or the ledger's checks. On SQLite, Django 5.2 splits an INSERT"
        " at 999 bound values (`max_query_params`, whatever the library allows), so the transitions of"
        " a write take several INSERTs there.",
        "",
    ]
    for result in results:
        lines += database_section(result)
    lines += [END]
    return "\n".join(lines) + "\n"


# --- Main --------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="active orders to sync (default 10000)")
    parser.add_argument("--members", type=int, default=MEMBERS, help="members placing them (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="the simulator's seed (outcomes, counts)")
    parser.add_argument(
        "--databases", default="postgresql,sqlite", help="postgresql, sqlite or both (the default)"
    )
    parser.add_argument("--database", default="snshelper_bench_sync", help="the PostgreSQL database's name")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    parser.add_argument("--child", choices=("postgresql", "sqlite"), help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if args.orders < 1 or args.members < 1 or not kinds or set(kinds) - {"postgresql", "sqlite"}:
        parser.error("need orders, members, and databases among postgresql and sqlite")
    sys.path.insert(0, str(ROOT))

    if args.child:
        result = measure_database(args.child, args)
        Path(args.json).write_text(json.dumps(result))
        return 0

    began = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="snshelper-bench-sync-") as scratch:
        for kind in kinds:
            out = Path(scratch) / f"{kind}.json"
            command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--json", str(out)]
            command += [
                "--orders",
                str(args.orders),
                "--members",
                str(args.members),
                "--seed",
                str(args.seed),
            ]
            command += ["--database", args.database] + (["--keep-database"] if args.keep_database else [])
            subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - this script, our interpreter
            results.append(json.loads(out.read_text()))
        section = report(results)
        print(section)
        if not args.no_write:
            os.environ.update(
                DJANGO_SETTINGS_MODULE="snshelper.settings",
                SNSHELPER_VAR_DIR=scratch,
                DATABASE_URL=f"sqlite:///{scratch}/unused.sqlite3",  # Django set up for _core; no queries
            )
            import django

            django.setup()
            from bench import _core as core

            core.write_doc_section(DOC, START, END, section)
            print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"done in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
