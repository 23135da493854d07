"""API v2 ``add`` for one member with 10 and with 10,000 active orders, on PostgreSQL: the
one-active-order-per-link rule must cost the same however many orders a reseller has running.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_active_orders.py
    ... bench/bench_active_orders.py --sizes 10,10000 --orders 400 --rounds 3 --redis-url redis://127.0.0.1:6379/2

DATABASE_URL only names the server: the benchmark drops and recreates its own database
(``snshelper_bench_active``, --database), migrates it and drops it at the end. Results go to the
active_orders section of docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- active_orders:start -->", "<!-- active_orders:end -->"
TARGET = 0.9

# Active orders for one member on the benchmark's service, as place_order leaves them (Pending,
# the link held in the rule's index), charged nothing so the ledger needs no rows for them.
FILL = """
    INSERT INTO orders_order (member_id, service_id, link, quantity, runs, interval, runs_done, comments,
        type_fields, rate, charge, refunded, status, start_count, remains, idempotency_key, active_link,
        created_at, updated_at)
    SELECT %(member)s, %(service)s, link, 100, NULL, NULL, 0, '', '{}'::jsonb, 90, 0, 0,
        (ARRAY['Pending', 'Processing', 'In progress'])[1 + n %% 3], NULL, NULL, '',
        encode(sha256(convert_to(link, 'UTF8')), 'hex'), now(), now()
    FROM (SELECT n, 'https://www.instagram.com/p/held' || n || '/' AS link
          FROM generate_series(1, %(count)s) AS n) AS held"""
# The rule as it was checked before decision 0010: a search of the member's active orders.
OLD_CHECK = """
    EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1 FROM orders_order WHERE member_id = %s AND service_id = %s
    AND link = %s AND status IN ('Pending', 'Processing', 'In progress') LIMIT 1"""
NEW_CHECK = """
    EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1 FROM orders_order WHERE member_id = %s AND service_id = %s
    AND active_link = encode(sha256(convert_to(%s, 'UTF8')), 'hex') LIMIT 1"""


def environ(body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v2",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def prepare(core, fixture, size: int) -> None:
    """Empty what orders write, fund the member again, hold ``size`` active orders, analyse."""
    from django.db import connection

    core.reset(fixture, checkpoint=True)
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"member": fixture.member_ids[0], "service": fixture.service_id, "count": size})
        cursor.execute("ANALYZE orders_order")


def run_adds(handler, fixture, secret: str, *, orders: int, tag: str) -> list[float]:
    """``orders`` API v2 adds, each a new link, through Django's whole WSGI handler; seconds each."""
    times = []
    for i in range(orders):
        fields = {
            "key": secret,
            "action": "add",
            "service": fixture.service_id,
            "link": f"https://www.instagram.com/p/{tag}{i}/",
            "quantity": fixture.quantity,
        }
        body = urlencode(fields).encode()
        began = time.perf_counter()
        answer = handler(environ(body), lambda status, headers, exc_info=None: None)
        content = b"".join(answer)
        answer.close()
        times.append(time.perf_counter() - began)
        if b'"order"' not in content:
            raise RuntimeError(f"add failed: {content[:300]!r}")
    return times


def check(fixture, placed: int, size: int) -> None:
    """Every measured add: one order, one charge, one transition; the wallet the sum of its entries."""
    from bench._core import _one

    (orders,) = _one("SELECT count(*) FROM orders_order")
    (charges,) = _one("SELECT count(*) FROM wallet_ledgertransaction WHERE kind = 'order_charge'")
    (transitions,) = _one("SELECT count(*) FROM orders_ordertransition")
    assert orders == size + placed, (orders, size, placed)
    assert charges == transitions == placed, (charges, transitions, placed)
    (drifted,) = _one(
        """SELECT count(*) FROM wallet_ledgeraccount a LEFT JOIN (SELECT account_id, sum(amount) AS total
           FROM wallet_ledgerentry GROUP BY account_id) e ON e.account_id = a.id
           WHERE a.kind = 'member_wallet' AND a.balance <> coalesce(e.total, 0)"""
    )
    assert drifted == 0, "a wallet's balance is not the sum of its entries"


def plan_time(sql: str, params) -> float:
    """Execution time PostgreSQL reports for one statement, in milliseconds (median of 5)."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(5):
            cursor.execute(sql, params)
            samples.append(cursor.fetchone()[0][0]["Execution Time"])
    return statistics.median(samples)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,10000", help="active orders held by the member (10,10000)")
    parser.add_argument("--orders", type=int, default=400, help="adds measured per size and round (400)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the sizes in reverse every other (3)")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/2", help="rate limits ('' = file cache)"
    )
    parser.add_argument("--database", default="snshelper_bench_active", help="the benchmark's own database")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]

    sys.path.insert(0, str(ROOT))
    from bench.bench_place_order import bench_url, environment, recreate_database

    server_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(server_url).path.lstrip("/") == args.database:
        sys.exit("DATABASE_URL names the benchmark's own database; point it at another one on the server.")
    load_before = os.getloadavg()
    began = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-active-"))
    recreate_database(server_url, args.database)
    os.environ.update(
        DATABASE_URL=bench_url(server_url, args.database),
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),
        API_KEY_RATE="100000000/60",
        DJANGO_DEBUG="0",
    )
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connections

    from bench import _core as core
    from snshelper.accounts.models import Member
    from snshelper.api.services import create_key
    from snshelper.catalog.models import Service

    section = None
    try:
        call_command("migrate", verbosity=0, interactive=False)
        fixture = core.make_fixture(members=1)
        service = Service.objects.get(pk=fixture.service_id)
        service.one_active_order_per_link = True  # the rule this benchmark is about
        service.save(update_fields=["one_active_order_per_link"])
        secret = create_key(member=Member.objects.get(pk=fixture.member_ids[0]), name="Bench").secret
        handler = WSGIHandler()
        times: dict[int, list[float]] = {size: [] for size in sizes}
        rounds: dict[int, list[float]] = {size: [] for size in sizes}
        for number in range(args.rounds):
            for size in sizes if number % 2 == 0 else reversed(sizes):
                prepare(core, fixture, size)
                run_adds(handler, fixture, secret, orders=10, tag=f"warm{number}-")  # warm-up
                measured = run_adds(handler, fixture, secret, orders=args.orders, tag=f"r{number}-")
                check(fixture, args.orders + 10, size)
                times[size] += measured
                rounds[size].append(len(measured) / sum(measured))
                print(f"round {number + 1}, {size} active: {rounds[size][-1]:.1f} adds/s", flush=True)
        member = fixture.member_ids[0]
        plans = {}
        for size in sizes:
            prepare(core, fixture, size)
            plans[size] = [
                plan_time(sql, (member, fixture.service_id, link))
                for link in ("https://www.instagram.com/p/new/", "https://www.instagram.com/p/held7/")
                for sql in (OLD_CHECK, NEW_CHECK)
            ]
        env = environment(core.conninfo())
        section = report(args, env, sizes, times, rounds, plans, load_before, os.getloadavg())
    finally:
        connections.close_all()
        if not args.keep_database:
            recreate_database(server_url, args.database, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(section)
    if not args.no_write:
        core.write_doc_section(DOC, START, END, section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"done in {time.perf_counter() - began:.1f} s")
    return 0


def report(args, env, sizes, times, rounds, plans, load_before, load_after) -> str:
    rate = {size: len(times[size]) / sum(times[size]) for size in sizes}
    small, large = min(sizes), max(sizes)
    ratio = rate[large] / rate[small]
    loads = " / ".join(f"{x:.2f}" for x in load_before), " / ".join(f"{x:.2f}" for x in load_after)
    lines = [
        START,
        "## API v2 `add` with 10 and with 10,000 active orders on one member",
        "",
        "Written by `bench/bench_active_orders.py` (see `bench/README.md`). One member with an API key"
        " holds N active orders (Pending, Processing, In progress) on a service that keeps one active"
        " order per link; one client then sends API v2 `add` for new links through Django's whole"
        f" WSGI handler in the benchmark's process, {args.orders} adds per size and round after 10 of"
        f" warm-up, {args.rounds} rounds, the sizes in reverse order every other round. Before each:"
        " TRUNCATE of what orders write, the member funded again, the N orders inserted, ANALYZE,"
        " CHECKPOINT; after each: one order, one charge and one transition per add, the wallet the sum"
        " of its entries.",
        "",
        f"- **{large:,} active / {small:,} active: {ratio:.2f}** ({rate[large]:.1f} against"
        f" {rate[small]:.1f} adds/s; target ≥ {TARGET}: {'met' if ratio >= TARGET else '**not met**'}).",
        f"- {env['nproc']} CPUs ({env['cpu']}), PostgreSQL {env['postgres']} on the same host"
        f" (synchronous_commit={env['synchronous_commit']}); load average {loads[0]} before the run and"
        f" {loads[1]} after (1, 5, 15 minutes): the machine is shared with other engineers' tests and"
        " benchmarks and was loaded, so compare the sizes of one run, not runs. Python"
        f" {env['python']}, Django {env['django']}, psycopg {env['psycopg']}. {env['date']}.",
        "",
        "| active orders | adds/s, all rounds | p50 | p99 | each round, adds/s |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        ordered = sorted(times[size])
        p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        lines.append(
            f"| {size:,} | {rate[size]:.1f} | {p50 * 1000:.2f} ms | {p99 * 1000:.2f} ms |"
            f" {', '.join(f'{r:.1f}' for r in rounds[size])} |"
        )
    lines += [
        "",
        "The rule's check, as PostgreSQL times it (EXPLAIN ANALYZE, median of 5): the search of active"
        " orders the rule was before (by member, service, status and link, made under the wallet's"
        " lock) against a lookup of `one_active_order_per_link`, the unique index the order's own"
        " INSERT now meets. A new link (every accepted order) makes the search read all the member's"
        " active orders; a link already held stops it at the first match:",
        "",
        "| active orders | new link: search (before) | new link: index (now) | held link: search |"
        " held link: index |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {size:,} | " + " | ".join(f"{t:.3f} ms" for t in checks) + " |"
            for size, checks in plans.items()
        ],
        END,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
