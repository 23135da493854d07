"""Order placement on PostgreSQL: ``place_order`` end to end (validation, the wallet lock, the order,
the ledger posting, the transition) against a raw psycopg baseline writing the same rows in one
transaction, with the same concurrent client threads, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_place_order.py
    ... bench/bench_place_order.py --clients 8 --seconds 10 --rounds 2
    ... bench/bench_place_order.py --orders 2000

DATABASE_URL only says which server to use: the benchmark drops and recreates its own database
(``snshelper_bench``, see --database) there, migrates it, and drops it at the end. Results go to
the place_order section of docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- place_order:start -->", "<!-- place_order:end -->"
TARGET = 0.5


# --- The benchmark's own database ------------------------------------------------------------


def bench_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"DATABASE_URL must point at PostgreSQL (got {parts.scheme or 'nothing'}).")
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(server_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- Measuring -------------------------------------------------------------------------------


def run_rounds(core, fixture, dsn, args) -> dict[str, list]:
    """Alternate which side goes first (D R, R D, ...) so drift does not favour one of them."""
    results: dict[str, list] = {"django": [], "raw": []}
    if args.orders:
        load = {"orders": args.orders // args.clients * args.clients}
    else:
        load = {"seconds": args.seconds}
    for number in range(args.rounds):
        for side in ("django", "raw") if number % 2 == 0 else ("raw", "django"):
            core.reset(fixture, checkpoint=True)
            if side == "django":
                result = core.run_django(fixture, args.clients, **load)
            else:
                result = core.run_raw(fixture, dsn, args.clients, **load)
            core.check_invariants(fixture, result.total)
            results[side].append(result)
            print(
                f"round {number + 1} {side:6} {result.orders:6d} orders in {result.elapsed:6.2f} s "
                f"= {result.rate:8.1f} orders/s (invariants hold)",
                flush=True,
            )
    return results


def pooled_rate(phase_results) -> float:
    return sum(r.orders for r in phase_results) / sum(r.elapsed for r in phase_results)


# --- Reporting -------------------------------------------------------------------------------


def environment(dsn: str) -> dict:
    import django
    import psycopg

    with psycopg.connect(dsn) as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections')"
            ).fetchall()
        )
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "postgres": settings.get("server_version", "?").split()[0],
        "synchronous_commit": settings.get("synchronous_commit", "?"),
        "fsync": settings.get("fsync", "?"),
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _timeline(rows, shorten) -> list[str]:
    lines = [
        "| # | statement | Python before it | round trip | sales row locked |",
        "| ---: | --- | ---: | ---: | :---: |",
    ]
    for n, step in enumerate(rows, start=1):
        sql = shorten(step["sql"]).replace("|", "\\|")
        locked = "yes" if step["sales_locked"] else ""
        lines.append(f"| {n} | `{sql}` | {ms(step['python'])} | {ms(step['db'])} | {locked} |")
    return lines


def report(args, env, results, diagnosis) -> str:
    from bench import _diagnose

    django_rate, raw_rate = pooled_rate(results["django"]), pooled_rate(results["raw"])
    ratio = django_rate / raw_rate
    load = f"{args.orders // args.clients * args.clients} orders" if args.orders else f"{args.seconds:g} s"
    d, r = diagnosis["one_client"]["django"], diagnosis["one_client"]["raw"]
    lines = [
        START,
        "## Order placement: `place_order` against raw psycopg",
        "",
        "Written by `bench/bench_place_order.py` (how to run it and what it measures: `bench/README.md`)."
        " Django: `place_order` end to end (validation, wallet lock, order, ledger posting, transition)."
        f" Baseline: the same rows written by hand over psycopg {env['psycopg']}, one transaction per"
        " order, from the same client threads, in the same run.",
        "",
        f"- **Django / raw: {ratio:.2f}** ({django_rate:.1f} against {raw_rate:.1f} orders/s; target"
        f" ≥ {TARGET}: {'met' if ratio >= TARGET else '**not met**'}).",
        "- The ledger as measured keeps a cached balance on "
        + (
            "every account, so each order also updates the shared sales row (the baseline last of all)."
            if diagnosis["system_balances_cached"]
            else "member wallets only (system accounts are sums of their entries), so neither side"
            " updates the shared sales row."
        ),
        f"- {args.clients} concurrent clients (threads of one process, each with its own connection and"
        f" member), {args.rounds} round{'s' if args.rounds > 1 else ''} of {load} per side, the sides"
        " taking turns to go first. Before"
        " each phase: TRUNCATE of what orders write, balances to zero, funding again, CHECKPOINT. After"
        " each: orders = charge transactions = transitions, every transaction balanced, every cached"
        " balance the sum of its entries.",
        f"- {env['nproc']} CPUs ({env['cpu']}) shared by the clients and PostgreSQL {env['postgres']}"
        f" (same host, TCP; synchronous_commit={env['synchronous_commit']}, fsync={env['fsync']});"
        f" Python {env['python']}, Django {env['django']}, psycopg {env['psycopg']}. {env['date']}.",
        "",
        "| | orders | seconds | orders/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for side, label in (("django", "Django `place_order`"), ("raw", "raw psycopg")):
        for number, x in enumerate(results[side], start=1):
            lines.append(f"| {label}, round {number} | {x.orders} | {x.elapsed:.2f} | {x.rate:.1f} |")
    for side, label, rate in (("django", "Django", django_rate), ("raw", "raw", raw_rate)):
        orders = sum(x.orders for x in results[side])
        seconds = sum(x.elapsed for x in results[side])
        lines.append(f"| **{label}, all rounds** | **{orders}** | **{seconds:.2f}** | **{rate:.1f}** |")
    queries = [q for q in diagnosis["queries"] if q not in ("BEGIN", "COMMIT")]
    lines += [
        "",
        f"### One order, one client (mean of {args.profile_orders}, no contention)",
        "",
        "Statements counted as the client sends them, COMMIT included; psycopg also sends a BEGIN on"
        " both sides. *Waiting* is the time inside the driver's execute and commit (round trip, server"
        " work, and for Django the cursor wrapper and client-side parameter binding). *Client CPU*: user"
        " and system time of the client process per order, measured without the timers.",
        "",
        "| | statements | wall time | waiting on PostgreSQL | Python between statements |"
        " client CPU | shared sales row locked for |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, x in (("Django", d), ("raw", r)):
        lines.append(
            f"| {label} | {x['statements']} | {ms(x['wall'])} | {ms(x['db'])} | {ms(x['wall'] - x['db'])} |"
            f" {ms(x['cpu'])} | {ms(x['sales_hold']) if x['sales_hold'] else 'not locked'} |"
        )
    lines += [
        "",
        f"Django's statements ({len(queries)} from CaptureQueriesContext, then COMMIT):",
        "",
        *_timeline(d["steps"], _diagnose.shorten),
        "",
        "The baseline's:",
        "",
        *_timeline(r["steps"], _diagnose.shorten),
    ]
    if args.deep:
        lines += where_the_time_goes(args, ratio, diagnosis, d, r)
    lines += [END]
    return "\n".join(lines) + "\n"


def _sales_lock_text(label: str, x: dict) -> str:
    if not x["sales_hold"]:
        return f"{label} takes no write lock on it"
    first = next(n for n, step in enumerate(x["steps"], start=1) if step["locks_sales"])
    return (
        f"{label} write-locks it from statement {first}"
        f" of {x['statements']} to COMMIT, {ms(x['sales_hold'])} per order with one client (so at most"
        f" ≈ {1 / x['sales_hold']:.0f} orders/s pass it, however many clients)"
    )


def where_the_time_goes(args, ratio, diagnosis, d, r) -> list[str]:
    from bench import _diagnose

    states = diagnosis["states"]
    rates = {side: res.rate for side, res in diagnosis["concurrent"].items()}
    names = sorted({s for side in states.values() for s in side}, key=lambda s: -states["django"].get(s, 0))
    layers, top = diagnosis["layers"], diagnosis["top"]
    lock_waiters = states["django"].get("waiting for a row lock", 0)
    holder = states["django"].get("in a transaction, waiting for the client", 0)
    replay = rates.get("replay")
    replay_statements = len(_diagnose.REPLAY) - 1  # its BEGIN is not counted, as on the other sides
    lines = [
        "",
        "### Where the time goes",
        "",
        f"{'The ratio is below the target' if ratio < TARGET else 'Written on request (--profile)'}; measured"
        f" in this run, after the rounds above. With {args.clients} clients for {args.diagnose_seconds:g} s"
        " per side, pg_stat_activity sampled every 20 ms: mean number of the clients' backends in each"
        " state.",
        "",
        "| backend state | Django | raw |",
        "| --- | ---: | ---: |",
        *[f"| {s} | {states['django'].get(s, 0):.2f} | {states['raw'].get(s, 0):.2f} |" for s in names],
        f"| **orders/s meanwhile** | **{rates['django']:.1f}** | **{rates['raw']:.1f}** |",
        "",
    ]
    if replay is not None:
        lines += [
            f"Same clients, **replay**: `place_order`'s own {replay_statements} statements and locks sent by"
            " hand over psycopg (ClientCursor, client-side binding, as Django uses it), without the ORM and"
            f" its validation: **{replay:.1f} orders/s**.",
            "",
        ]
    else:
        lines += [
            "*Replay skipped*: `place_order` no longer sends the statements `bench/_diagnose.py` replays"
            " (`REPLAY`); update it to split the gap between the statements and the ORM again.",
            "",
        ]
    lines += [
        "| | orders/s | share of raw |",
        "| --- | ---: | ---: |",
        f"| raw baseline ({r['statements']} statements) | {rates['raw']:.1f} | 1.00 |",
    ]
    if replay is not None:
        lines.append(
            f"| replay of `place_order`'s {replay_statements} statements, no ORM | {replay:.1f} |"
            f" {replay / rates['raw']:.2f} |"
        )
    lines += [
        f"| Django `place_order`, {args.clients} threads | {rates['django']:.1f} |"
        f" {rates['django'] / rates['raw']:.2f} |",
        f"| Django `place_order`, {args.clients} processes (no shared GIL) | {rates['processes']:.1f} |"
        f" {rates['processes'] / rates['raw']:.2f} |",
        "",
        "Reading it:",
        "",
        "1. **Locks.** Every order of every member writes an entry on the one sales account."
        f" {_sales_lock_text('`place_order`', d)}; {_sales_lock_text('the baseline', r)}. Under load, on"
        f" average {lock_waiters:.1f} of Django's {args.clients} backends wait for a row lock while"
        f" {holder:.1f} sit in a transaction waiting for their client"
        + (
            f"; the row passes from order to order {rates['django']:.0f} times a second, so each Django"
            f" order holds it for up to ≈ {ms(1 / rates['django'])}: the holder is waiting for Python."
            if d["sales_hold"]
            else "."
        ),
        f"2. **Round trips.** {d['statements']} statements per order against {r['statements']}"
        f" ({ms(d['db'])} against {ms(r['db'])} of waiting with one client)"
        + (
            f"; the replay ({replay / rates['raw']:.2f} of raw) is what the statement sequence and its"
            " locks cost without any ORM."
            if replay is not None
            else "."
        ),
        f"3. **Python.** With one client Django spends {ms(d['wall'] - d['db'])} per order in Python between"
        " statements, and more inside the driver calls (cursor wrapper, client-side binding); the baseline"
        f" {ms(r['wall'] - r['db'])}. The client process burns {ms(d['cpu'])} of CPU per order against"
        f" {ms(r['cpu'])}: on {os.cpu_count()} CPUs (shared with PostgreSQL) Django cannot place more than"
        f" ≈ {os.cpu_count() / d['cpu']:.0f} orders/s in any number of processes, and threads sharing one GIL"
        f" (released only around network calls) about ≈ {1 / d['cpu']:.0f}; that is"
        f" {os.cpu_count() / d['cpu'] / rates['raw']:.2f} and {1 / d['cpu'] / rates['raw']:.2f} of the raw"
        f" rate. Reaching {TARGET} of raw on this machine needs at most"
        f" {ms(os.cpu_count() / (TARGET * rates['raw']))} of client CPU per order"
        f" ({ms(1 / (TARGET * rates['raw']))} with threads)"
        + (", and Python time inside the sales row's lock lengthens the lock" if d["sales_hold"] else "")
        + "."
        + (f" Django against the replay: {rates['django'] / replay:.2f}." if replay is not None else "")
        + f" As {args.clients} processes instead of threads (no shared GIL) Django places"
        f" {rates['processes']:.1f} orders/s (× {rates['processes'] / rates['django']:.2f} the threads).",
        "",
        f"cProfile, one client, {args.profile_orders} orders: own time per order by layer"
        f" ({ms(sum(layers.values()))} in all under the profiler, which inflates Python-heavy code; against"
        f" {ms(d['wall'])} without it):",
        "",
        "| layer | own time per order |",
        "| --- | ---: |",
        *[f"| {name} | {ms(t)} |" for name, t in layers.items() if t >= 0.00001],
        "",
        "| top functions by own time | per order | calls per order |",
        "| --- | ---: | ---: |",
        *[f"| `{where}` | {ms(t)} | {calls:g} |" for where, t, calls in top],
    ]
    return lines


def write_section(section: str) -> None:
    text = (
        DOC.read_text()
        if DOC.exists()
        else (
            "# Benchmarks\n\nWritten by the scripts under `bench/` (see `bench/README.md`); each rewrites"
            " its own section, between its markers.\n\n"
        )
    )
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


# --- Main ------------------------------------------------------------------------------------


def diagnose(core, fixture, dsn, args) -> dict:
    from bench import _diagnose

    out = {"queries": _diagnose.queries_of_one_order(fixture)}
    out["system_balances_cached"] = fixture.system_balances_cached
    out["one_client"] = _diagnose.one_client(fixture, dsn, args.profile_orders)
    out["states"], out["concurrent"] = {}, {}
    if args.deep:
        core.reset(fixture, checkpoint=True)
        out["concurrent"]["django"], out["states"]["django"] = _diagnose.django_states(
            fixture, dsn, args.clients, args.diagnose_seconds
        )
        core.check_invariants(fixture, out["concurrent"]["django"].total)
        core.reset(fixture, checkpoint=True)
        out["concurrent"]["raw"], out["states"]["raw"] = _diagnose.raw_states(
            fixture, dsn, args.clients, args.diagnose_seconds
        )
        core.check_invariants(fixture, out["concurrent"]["raw"].total)
        if _diagnose.replay_matches(out["queries"]):
            core.reset(fixture, checkpoint=True)
            out["concurrent"]["replay"] = _diagnose.run_replay(
                fixture, dsn, args.clients, args.diagnose_seconds
            )
            core.check_invariants(fixture, out["concurrent"]["replay"].total)
        core.reset(fixture, checkpoint=True)
        out["concurrent"]["processes"] = _diagnose.run_django_processes(
            fixture, args.clients, args.diagnose_seconds
        )
        core.check_invariants(fixture, out["concurrent"]["processes"].total)
        out["layers"], out["top"] = _diagnose.profile_django(fixture, args.profile_orders)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per side and round (default 10)")
    parser.add_argument("--orders", type=int, help="orders per side and round, instead of --seconds")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, the sides taking turns (default 2)")
    parser.add_argument("--profile-orders", type=int, default=150, help="orders of the one-client timings")
    parser.add_argument("--diagnose-seconds", type=float, default=4, help="seconds of each diagnostic phase")
    parser.add_argument("--profile", action="store_true", help="diagnose even when the target is met")
    parser.add_argument("--database", default="snshelper_bench", help="the benchmark's own database")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.rounds < 1 or (args.orders is not None and args.orders < args.clients):
        parser.error("need at least one client and one round, and at least one order per client")

    server = os.environ.get("DATABASE_URL", "")
    url = bench_url(server, args.database)
    if urlsplit(server).path.lstrip("/") == args.database:
        sys.exit("DATABASE_URL names the benchmark's own database; point it at another one on the server.")
    began = time.perf_counter()
    recreate_database(server, args.database)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "snshelper.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench import _core as core

    try:
        call_command("migrate", verbosity=0, interactive=False)
        fixture = core.make_fixture(members=args.clients)
        dsn = core.conninfo()
        print(f"database {args.database} ready in {time.perf_counter() - began:.1f} s", flush=True)
        results = run_rounds(core, fixture, dsn, args)
        args.deep = args.profile or pooled_rate(results["django"]) / pooled_rate(results["raw"]) < TARGET
        diagnosis = diagnose(core, fixture, dsn, args)
        section = report(args, environment(dsn), results, diagnosis)
    finally:
        connections.close_all()
        if not args.keep_database:
            recreate_database(server, args.database, drop_only=True)
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"done in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
