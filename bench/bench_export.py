"""The "view" export of a member with 50,000 orders (``privacy_rights.export.services.prepare``)
against a raw SQL dump of the same rows (psycopg ``COPY (…) TO STDOUT`` into a file), and its peak
memory (tracemalloc) for a member with 5,000 orders and one with 50,000: flat means about equal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_export.py
    ... bench/bench_export.py --orders 50000 --small 5000 --rounds 5     # the defaults

DATABASE_URL only says which PostgreSQL server to use: the benchmark drops and recreates its own
database (``bench_export``, see --database) there and drops it at the end. Results go to the export
section of docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- export:start -->", "<!-- export:end -->"
TARGET_RATIO = 0.3
PRICE = Decimal("9")  # 100 units at ฿90 per 1,000


# --- Setting up: members with many orders -----------------------------------------------------


def make_service():
    from snshelper.catalog.models import Category, Platform, Service
    from snshelper.catalog.platforms import install_default_platforms

    install_default_platforms(Platform)
    category = Category.objects.create(
        platform=Platform.objects.get(code="instagram"), name_th="Bench export", name_en="Bench export"
    )
    return Service.objects.create(
        category=category,
        name_th="Bench followers",
        name_en="Bench followers",
        rate=Decimal("90"),
        min_quantity=10,
        max_quantity=10_000,
        step=10,
        one_active_order_per_link=False,
    )


def make_member(tag: str):
    """A member with the everyday records besides orders: profile, a top-up, a refund account,
    sign-ins and an API key (through the application's services)."""
    from snshelper.accounts import services as account_services
    from snshelper.accounts.models import LoginRecord
    from snshelper.api import services as api_services
    from snshelper.wallet import services as wallet

    member = account_services.register_member(
        email=f"{tag}@bench.test", name=f"Bench {tag}", password=None, verified=True
    )
    account_services.update_profile(member=member, name=f"Bench {tag}", phone="0812345678")
    wallet.credit_top_up(member=member, amount=Decimal("1000000"), idempotency_key=f"bench:export:{tag}")
    wallet.save_refund_account(
        member=member, bank_name="KBank", account_holder=f"Bench {tag}", account_number="1234567890"
    )
    for _ in range(20):
        account_services.record_sign_in(request=None, member=member, result=LoginRecord.Result.SUCCESS)
    api_services.create_key(member=member, name="panel", networks=[ip_network("198.51.100.7")])
    return member


def add_orders(member, service, count: int) -> None:
    """``count`` completed orders as ``place_order`` leaves them, written in bulk with SQL: the
    order (one in ten with comments), its Pending transition, and its charge in the ledger (a
    transaction with the wallet's and the sales account's entries)."""
    from django.db import connection, transaction

    from snshelper.wallet import ledger
    from snshelper.wallet.models import LedgerAccount

    wallet_id = ledger.wallet_of(member).pk
    sales_id = ledger.system_account(LedgerAccount.Kind.SALES).pk
    key = f"bench:export:{member.pk}:"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_order (member_id, service_id, link, quantity, runs_done, comments,"
            " type_fields, rate, charge, refunded, status, idempotency_key, created_at, updated_at)"
            " SELECT %s, %s, 'https://www.instagram.com/p/Bench' || lpad(g::text, 6, '0') || '/', 100, 0,"
            " CASE WHEN g %% 10 = 0 THEN 'start slowly please, order ' || g ELSE '' END,"
            " CASE WHEN g %% 25 = 0 THEN jsonb_build_object('usernames', jsonb_build_array('user' || g))"
            " ELSE '{}'::jsonb END,"
            " 90, %s, 0, 'Completed', '', now() - make_interval(mins => g), now()"
            " FROM generate_series(1, %s) AS g",
            [member.pk, service.pk, PRICE, count],
        )
        cursor.execute(
            "INSERT INTO orders_ordertransition (order_id, from_status, to_status, reason, at)"
            " SELECT id, '', 'Pending', '', created_at FROM orders_order WHERE member_id = %s",
            [member.pk],
        )
        cursor.execute(
            "INSERT INTO wallet_ledgertransaction (idempotency_key, kind, memo, created_at)"
            " SELECT %s || id, 'order_charge', 'Order #' || id, created_at FROM orders_order"
            " WHERE member_id = %s",
            [key, member.pk],
        )
        cursor.execute(
            "INSERT INTO wallet_ledgerentry (transaction_id, account_id, amount)"
            " SELECT id, %s, -%s FROM wallet_ledgertransaction WHERE idempotency_key LIKE %s"
            " UNION ALL SELECT id, %s, %s FROM wallet_ledgertransaction WHERE idempotency_key LIKE %s",
            [wallet_id, PRICE, key + "%", sales_id, PRICE, key + "%"],
        )
        cursor.execute(
            "UPDATE wallet_ledgeraccount SET balance = balance - %s WHERE id = %s", [PRICE * count, wallet_id]
        )
        cursor.execute("ANALYZE")


# --- The two sides ----------------------------------------------------------------------------


def owned_queries(member) -> list[tuple[str, str]]:
    """(model, SQL) of the rows and columns the export writes: the same querysets, as SQL."""
    from django.db import connection

    from snshelper.privacy import registry

    queries = []
    for label in registry.owned_models():
        names = [d.field for d in registry.declarations_for(label)]
        queryset = registry.member_rows(label, member).order_by("pk").values_list("pk", *names)
        sql, params = queryset.query.sql_with_params()
        queries.append((label, connection.ops.compose_sql(sql, params)))
    return queries


def raw_dump(queries, conninfo: str, out: Path) -> dict:
    """The baseline: each query as ``COPY (…) TO STDOUT`` (text format) over a plain psycopg
    connection, streamed into one file."""
    import psycopg

    began = time.perf_counter()
    rows = 0
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor, open(out, "wb") as sink:
        for _label, sql in queries:
            with cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    sink.write(block)
            rows += cursor.rowcount
    return {"seconds": time.perf_counter() - began, "bytes": out.stat().st_size, "rows": rows}


def rowjson_dump(queries, conninfo: str, out: Path) -> dict:
    """For context: each query's rows as JSON made by PostgreSQL (``row_to_json``), fetched through
    a server-side cursor and written a line each."""
    import psycopg

    began = time.perf_counter()
    rows = 0
    with psycopg.connect(conninfo) as conn, open(out, "w", encoding="utf-8") as sink:
        for n, (_label, sql) in enumerate(queries):
            with conn.cursor(name=f"dump{n}") as cursor:
                cursor.itersize = 2000
                cursor.execute(f"SELECT row_to_json(t)::text FROM ({sql}) AS t")
                for (line,) in cursor:
                    sink.write(line + "\n")
                    rows += 1
    return {"seconds": time.perf_counter() - began, "bytes": out.stat().st_size, "rows": rows}


def run_export(member, *, trace: bool = False) -> dict:
    """``export.request_view`` then ``export.prepare`` (what the queue runs), timed; with ``trace``,
    tracemalloc's peak during ``prepare`` instead (slower, so timed separately)."""
    from snshelper.privacy_rights.export import services as export

    request = export.request_view(member=member)
    gc.collect()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    began = time.perf_counter()
    found = export.prepare(request.export)
    seconds = time.perf_counter() - began
    result = {"seconds": seconds, "bytes": found.size}
    if trace:
        result["peak"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    path = export.file_path(found)
    # the records' rows, as the file counts them (decrypted: the file on disk is encrypted)
    with io.TextIOWrapper(export.open_file(path), encoding="utf-8") as written:
        result["rows"] = sum(
            int(line.split(":")[1].split("}")[0]) for line in written if line.startswith('], "count"')
        )
    export.destroy_file(found)
    return result


def _environment() -> dict:
    import django
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'server_version'")
        (version,) = cursor.fetchone()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = "unknown CPU"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"PostgreSQL {version.split()[0]} (same host, TCP; psycopg {psycopg.__version__})",
    }


def measure(args) -> dict:
    """Members with ``--small`` and ``--orders`` orders; rounds of export and raw dump taking turns
    to go first; then tracemalloc peaks."""
    from django.conf import settings

    from bench import _core as core

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    service = make_service()
    members = {}
    setup = {}
    for size in (args.small, args.orders):
        began = time.perf_counter()
        member = make_member(f"m{size}")
        add_orders(member, service, size)
        members[size] = member
        setup[size] = time.perf_counter() - began
        print(f"member with {size} orders set up in {setup[size]:.1f} s", flush=True)

    conninfo = core.conninfo()
    scratch = Path(settings.MEDIA_ROOT) / "bench"
    scratch.mkdir(parents=True, exist_ok=True)
    rounds = {size: {"export": [], "raw": [], "rowjson": []} for size in members}
    for size, member in members.items():
        queries = owned_queries(member)
        run_export(member)  # warm-up: caches, the first server-side cursor, translations
        raw_dump(queries, conninfo, scratch / "warm.copy")
        for number in range(args.rounds if size == args.orders else 1):
            order = ("export", "raw") if number % 2 == 0 else ("raw", "export")
            for side in order:
                if side == "export":
                    result = run_export(member)
                else:
                    result = raw_dump(queries, conninfo, scratch / "dump.copy")
                rounds[size][side].append(result)
                print(f"{size} orders, {side}: {result['seconds']:.2f} s, {result['rows']} rows", flush=True)
        rounds[size]["rowjson"].append(rowjson_dump(queries, conninfo, scratch / "dump.jsonl"))
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run_export(members[args.orders])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    memory = {}
    for size, member in members.items():
        memory[size] = run_export(member, trace=True)
        print(f"{size} orders, tracemalloc peak {memory[size]['peak'] / 1024:.0f} KiB", flush=True)
    return {
        "orders": args.orders,
        "small": args.small,
        "setup": setup,
        "rounds": rounds,
        "memory": memory,
        "env": _environment(),
    }


# --- Reporting ---------------------------------------------------------------------------------


def _median(results: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in results)


def report(result: dict) -> str:
    large, small = result["orders"], result["small"]
    big = result["rounds"][large]
    export_s, raw_s = _median(big["export"]), _median(big["raw"])
    ratio = raw_s / export_s if export_s else 0.0
    ratios = sorted(r["seconds"] / e["seconds"] for r, e in zip(big["raw"], big["export"], strict=False))
    peak_small, peak_large = result["memory"][small]["peak"], result["memory"][large]["peak"]
    growth = peak_large / peak_small if peak_small else 0.0
    env = result["env"]
    met = "met" if ratio >= TARGET_RATIO else "**not met**"
    flat = "flat" if growth < 1.5 else "**not flat**"
    times = "ten times" if large == 10 * small else f"{large / small:.1f} times"
    lines = [
        START,
        '## Privacy "view" export: `export.prepare` against a raw SQL dump',
        "",
        "Written by `bench/bench_export.py` (how to run it and what it measures: `bench/README.md`).",
        "",
        f"- **raw / export: {ratio:.2f}** (median times: the dump {raw_s:.2f} s, the export {export_s:.2f} s,"
        f" for a member with {large:,} orders; {len(big['export'])} rounds, per-round ratios"
        f" {', '.join(f'{r:.2f}' for r in ratios)}; target ≥ {TARGET_RATIO}: {met}).",
        f"- **Peak memory (tracemalloc, during `prepare`): {peak_small / 1024:,.0f} KiB with {small:,}"
        f" orders, {peak_large / 1024:,.0f} KiB with {large:,}** (× {growth:.2f} for {times} the orders:"
        f" {flat}).",
        f"- Rows written for {large:,} orders: {big['export'][0]['rows']:,} (each order with its"
        " transition and its charge's ledger transaction and wallet entry, besides the member's other"
        f" records); the JSON file is {big['export'][0]['bytes'] / 1024 / 1024:.1f} MiB, the dump"
        f" {big['raw'][0]['bytes'] / 1024 / 1024:.1f} MiB.",
        f"- {env['nproc']} CPUs ({env['cpu']}) shared by the benchmark and {env['database']};"
        f" Python {env['python']}, Django {env['django']}. {env['date']}.",
        "",
        "| | orders | rows | seconds (median) | rows/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for size in (small, large):
        for side, name in (
            ("export", "`export.prepare`"),
            ("raw", "raw `COPY (…) TO STDOUT`"),
            ("rowjson", "`row_to_json` through a server-side cursor (context)"),
        ):
            runs = result["rounds"][size][side]
            seconds = _median(runs)
            rows = runs[0]["rows"]
            lines.append(f"| {name} | {size:,} | {rows:,} | {seconds:.3f} | {rows / seconds:,.0f} |")
    lines += [
        "",
        "- **Export**: `privacy_rights.export.services.request_view` then `prepare`, what the queue runs:"
        " for every kind of record the registry says a member owns, the member's rows "
        "(`registry.member_rows`) with the declared fields, streamed (`.iterator(chunk_size=2000)`, a "
        "server-side cursor) into the JSON file one line a row; then the request closed and the member "
        "mailed. On PostgreSQL the database writes each line's JSON text for the plain columns "
        "(`to_json`, timestamps as Python's `isoformat()`; a test on PostgreSQL checks that this text is "
        "byte for byte what Python writes, as it does on SQLite); Python decrypts and encodes the "
        "encrypted fields, withholds credentials and cuts disclosure bundles to the member's own part.- "
        "**Baseline**: the same SELECTs (the export's querysets with their plain columns, as SQL) run as "
        "`COPY (…) TO STDOUT` (text format) over a plain psycopg connection into a file: the rows as "
        "stored, encrypted fields still encrypted. The `row_to_json` line is for context only.- Setup: "
        "the orders are written in bulk with SQL as `place_order` leaves them (order, Pending transition,"
        " ledger charge with its two entries; one order in ten with comments, one in 25 with type "
        "fields), plus the member's profile, a top-up, a refund account, 20 sign-ins and an API key "
        "through the services. Each side runs once to warm up, then the rounds alternate which side goes "
        "first. Each export adds its own request, step and export rows, so later rounds write a few more "
        "rows. tracemalloc runs apart from the timed rounds (it slows Python down) and counts Python's "
        "allocations, not the C driver's or PostgreSQL's.- The machine is shared: compare the two sides "
        "of one run, not numbers across runs.",
        END,
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=50_000, help="orders of the large member")
    parser.add_argument("--small", type=int, default=5_000, help="orders of the small member")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds for the large member")
    parser.add_argument("--database", default="bench_export", help="the PostgreSQL database's name")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--profile", action="store_true", help="print cProfile's view of one export")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    if args.orders < 1 or args.small < 1 or args.rounds < 1:
        parser.error("orders, small and rounds must be positive")
    sys.path.insert(0, str(ROOT))
    server_url = os.environ.get("DATABASE_URL", "")
    from bench.bench_place_order import bench_url, recreate_database

    if urlsplit(server_url).path.lstrip("/") == args.database:
        sys.exit("DATABASE_URL names the benchmark's own database; point it at another one.")
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-export-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),  # keys, media (the export files) and the job queue of this run
        DJANGO_DEBUG="0",
        DATABASE_URL=bench_url(server_url, args.database),
    )
    for name in ("REDIS_URL", "HUEY_IMMEDIATE", "EMAIL_URL"):
        os.environ.pop(name, None)
    recreate_database(server_url, args.database)
    began = time.perf_counter()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        result = measure(args)
        connections.close_all()
    finally:
        if not args.keep_database:
            recreate_database(server_url, args.database, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)
    section = report(result)
    print(section)
    if not args.no_write:
        from bench import _core as core

        core.write_doc_section(DOC, START, END, section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"done in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
