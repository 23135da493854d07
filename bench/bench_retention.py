"""The retention sweep on PostgreSQL: ``privacy.sweeps.run()`` destroying expired login records,
against a raw ``DELETE FROM accounts_loginrecord WHERE created_at < t`` on an identical table in
the same run; and the sweep on a small and a large table with the same number of expired rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_retention.py
    ... bench/bench_retention.py --total 1000000 --expired 100000 --small 100000 --same-expired 10000

DATABASE_URL only says which server to use: the benchmark drops and recreates its own database
(``snshelper_bench_retention``, see --database) there, migrates it, and drops it at the end.
Results go to the retention section of docs/benchmarks.md (--no-write: print only). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- retention:start -->", "<!-- retention:end -->"
RATIO_TARGET = 0.5
MEMBERS = 200
TABLE = "accounts_loginrecord"

# Login records as sign-ins write them: ids rise with time, a member each (of MEMBERS), an IPv4
# address, a browser, one in ten failed. The first %(expired)s rows are older than the rule's
# cutoff (spread over the 180 days before it), the rest younger (spread up to now).
LOAD = f"""
    INSERT INTO {TABLE} (member_id, ip_address, user_agent, result, created_at)
    SELECT (%(members)s::bigint[])[1 + g %% cardinality(%(members)s::bigint[])],
           ('10.' || (g >> 16 & 255) || '.' || (g >> 8 & 255) || '.' || (g & 255))::inet,
           'Mozilla/5.0 (Linux; Android 14; bench ' || (g %% 50) || ') Mobile Safari',
           CASE WHEN g %% 10 = 0 THEN 'failed' ELSE 'success' END,
           CASE WHEN g <= %(expired)s
                THEN %(old_start)s::timestamptz + (g - 1) * %(old_step)s * interval '1 microsecond'
                ELSE %(new_start)s::timestamptz
                     + (g - %(expired)s - 1) * %(new_step)s * interval '1 microsecond'
           END
    FROM generate_series(1::bigint, %(total)s::bigint) AS g"""


# --- Loading ---------------------------------------------------------------------------------


def make_members(count: int = MEMBERS) -> list[int]:
    from snshelper.accounts.models import Member

    members = [
        Member(email=f"retention{i}@bench.test", name=f"Bench {i}", password="!") for i in range(count)
    ]
    return [m.pk for m in Member.objects.bulk_create(members)]


def load(total: int, expired: int, members: list[int], *, now: datetime, maintain: bool = True) -> datetime:
    """An empty login-record table filled with ``total`` rows of which the oldest ``expired`` have
    passed the login-records rule at ``now``; returns the rule's cutoff. ``maintain``: VACUUM
    ANALYZE and CHECKPOINT after, so what is measured next starts from the same state."""
    from django.db import connection

    from snshelper.privacy.retention import RULES

    cutoff = RULES["login_records"].cutoff(now)
    old_start, new_start = cutoff - timedelta(days=181), cutoff + timedelta(days=1)
    old_span, new_span = timedelta(days=180), now - new_start - timedelta(hours=1)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        cursor.execute(
            LOAD,
            {
                "members": members,
                "total": total,
                "expired": expired,
                "old_start": old_start,
                "old_step": int(old_span / timedelta(microseconds=1) / max(expired, 1)),
                "new_start": new_start,
                "new_step": int(new_span / timedelta(microseconds=1) / max(total - expired, 1)),
            },
        )
        if maintain:
            cursor.execute(f"VACUUM ANALYZE {TABLE}")
            cursor.execute("CHECKPOINT")
    return cutoff


def _count(sql: str, params=()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class Timing:
    side: str  # "sweep" or "raw"
    total: int
    expired: int
    seconds: float
    deleted: int
    batch_size: int | None = None
    statements: Counter = field(default_factory=Counter)
    sql_seconds: float = 0.0


class Statements:
    """Counts and times every statement Django sends (``execute_wrapper``), by verb and table."""

    def __init__(self):
        self.shapes: Counter = Counter()
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.shapes[shape(sql)] += 1


QUOTE = '"'


def shape(sql: str) -> str:
    """``SELECT accounts_loginrecord``: the verb and the first table named after it."""
    words = sql.replace("(", " ").split()
    verb = words[0].upper() if words else "?"
    after = {"SELECT": "FROM", "DELETE": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE"}.get(verb)
    for before, word in zip(words, words[1:], strict=False):
        if after and before.upper() == after:
            return f"{verb} {word.strip(QUOTE)}"
    return verb


def time_sweep(total: int, expired: int, *, batch_size: int) -> Timing:
    """``privacy.sweeps.run()`` as the nightly job calls it (every declared sweep; the other
    tables are empty), checked: exactly the expired rows gone, and logged."""
    from django.db import connection

    from snshelper.privacy import sweeps
    from snshelper.privacy.models import DestructionLog

    DestructionLog.objects.all().delete()
    watch = Statements()
    with connection.execute_wrapper(watch):
        began = time.perf_counter()
        results = sweeps.run(batch_size=batch_size)
        seconds = time.perf_counter() - began
    deleted = sum(r.count for r in results if r.record_type == "accounts.LoginRecord")
    left = _count(f"SELECT count(*) FROM {TABLE}")
    logged = list(DestructionLog.objects.filter(rule="login_records").values_list("count", flat=True))
    assert deleted == expired == total - left, (
        f"sweep deleted {deleted}, {left} of {total} left, {expired} due"
    )
    assert logged == ([expired] if expired else []), f"destruction log says {logged}, {expired} deleted"
    return Timing("sweep", total, expired, seconds, deleted, batch_size, watch.shapes, watch.seconds)


def time_raw(total: int, expired: int, cutoff: datetime) -> Timing:
    """The baseline: one DELETE of everything older than the cutoff, in autocommit."""
    from django.db import connection

    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(f"DELETE FROM {TABLE} WHERE created_at < %s", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
        seconds = time.perf_counter() - began
    left = _count(f"SELECT count(*) FROM {TABLE}")
    assert deleted == expired == total - left, f"raw deleted {deleted}, {left} of {total} left"
    return Timing("raw", total, expired, seconds, deleted, None, Counter({f"DELETE {TABLE}": 1}), seconds)


def run_ratio(members, args, *, maintain: bool = True) -> list[Timing]:
    """The sweep (at its default batch size and at the others asked for) and the raw DELETE on
    identical tables; each round reverses the order."""
    sides = [("raw", None), ("sweep", args.batch_size)] + [("sweep", size) for size in args.other_batch_sizes]
    timings = []
    for number in range(args.rounds):
        for side, batch_size in sides if number % 2 == 0 else sides[::-1]:
            cutoff = load(args.total, args.expired, members, now=datetime.now(UTC), maintain=maintain)
            if side == "raw":
                timings.append(time_raw(args.total, args.expired, cutoff))
            else:
                timings.append(time_sweep(args.total, args.expired, batch_size=batch_size))
            print(f"ratio round {number + 1}: {_line(timings[-1])}", flush=True)
    return timings


def run_scaling(members, args, *, maintain: bool = True) -> list[Timing]:
    """The sweep on a small and a large table with the same number of expired rows, and on the
    large table with nothing expired (what every sweep run costs before it destroys anything)."""
    timings = []
    for number in range(args.rounds):
        sizes = (args.small, args.total) if number % 2 == 0 else (args.total, args.small)
        for total in sizes:
            load(total, args.same_expired, members, now=datetime.now(UTC), maintain=maintain)
            timings.append(time_sweep(total, args.same_expired, batch_size=args.batch_size))
            print(f"scaling round {number + 1}: {_line(timings[-1])}", flush=True)
    load(args.total, 0, members, now=datetime.now(UTC), maintain=maintain)
    for _ in range(args.rounds):
        timings.append(time_sweep(args.total, 0, batch_size=args.batch_size))
        print(f"nothing expired: {_line(timings[-1])}", flush=True)
    return timings


def _line(t: Timing) -> str:
    batch = f" (batches of {t.batch_size:,})" if t.batch_size else ""
    return f"{t.side}{batch}: {t.deleted:,} of {t.total:,} rows in {t.seconds:.3f} s"


def pick(timings: list[Timing], side: str, *, total=None, expired=None, batch_size=None) -> list[Timing]:
    return [
        t
        for t in timings
        if t.side == side
        and total in (None, t.total)
        and expired in (None, t.expired)
        and batch_size in (None, t.batch_size)
    ]


def median(timings: list[Timing]) -> float:
    return statistics.median(t.seconds for t in timings)


# --- Report ----------------------------------------------------------------------------------


def environment() -> dict:
    import django
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings"
            " WHERE name IN ('server_version', 'synchronous_commit', 'fsync')"
        )
        pg = dict(cursor.fetchall())
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
        "database": f"PostgreSQL {pg['server_version'].split()[0]} (same host, TCP;"
        f" synchronous_commit={pg['synchronous_commit']}, fsync={pg['fsync']};"
        f" psycopg {psycopg.__version__})",
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def report(args, env: dict, ratio: list[Timing], scaling: list[Timing]) -> str:
    default = args.batch_size
    sweep = median(pick(ratio, "sweep", batch_size=default))
    raw = median(pick(ratio, "raw"))
    small = median(pick(scaling, "sweep", total=args.small, expired=args.same_expired))
    large = median(pick(scaling, "sweep", total=args.total, expired=args.same_expired))
    idle = median(pick(scaling, "sweep", expired=0))
    ratio_value, growth = raw / sweep, large / small
    sample = pick(ratio, "sweep", batch_size=default)[0]
    deletes = sample.statements.get(f"DELETE {TABLE}", 0)
    lines = [
        START,
        "## Retention sweep: expired login records",
        "",
        "Written by `bench/bench_retention.py` (how to run it and what it measures: `bench/README.md`)."
        " The sweep is `snshelper.privacy.sweeps.run()` as the nightly job calls it: every declared sweep"
        " (the other tables are empty), the legal holds read, the login-records sweep walking the index on"
        " `created_at` in batches (each: one `SELECT` of the batch's last `created_at`, `OFFSET` the batch"
        " size, one range `DELETE`, the destruction log's count, `COMMIT`). The baseline is one"
        f" `DELETE FROM {TABLE} WHERE created_at < t` in autocommit on an identical table, in the same"
        " run. Before each measurement the table is emptied (`TRUNCATE`), loaded with"
        " `INSERT … SELECT generate_series` (ids rising with time, 200 members, IPv4, browser, one in ten"
        " failed), then `VACUUM ANALYZE` and `CHECKPOINT`. After each: exactly the expired rows are gone"
        f" (and, for the sweep, the destruction log says how many). Medians of {args.rounds} rounds, each"
        " round reversing the order of the sides.",
        "",
        f"- **Raw DELETE / sweep: {ratio_value:.2f}** on {args.total:,} rows of which {args.expired:,}"
        f" ({args.expired / args.total:.0%}) expired, batches of {default:,}: {raw:.3f} s against"
        f" {sweep:.3f} s (target ≥ {RATIO_TARGET}: {_verdict(ratio_value >= RATIO_TARGET)}).",
        f"- **Sweep time, {args.total:,} rows / {args.small:,} rows, {args.same_expired:,} expired in each:"
        f" {growth:.2f}** ({large:.3f} s against {small:.3f} s; target: about equal, the cost following the"
        f" expired rows, not the table: {_verdict(growth <= 1.5)}, taking ≤ 1.5 as about equal). With"
        f" nothing expired, a run over the {args.total:,}-row table takes {idle * 1000:.1f} ms (one"
        " look through each sweep's index).",
        f"- {env['nproc']} CPUs ({env['cpu']}) shared by the benchmark and {env['database']};"
        f" Python {env['python']}, Django {env['django']}. {env['date']}.",
        "",
        "| measurement | table rows | expired | batch | round times (s) | median (s) | raw / this |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    groups = [("raw `DELETE`", pick(ratio, "raw"))]
    for size in [default, *args.other_batch_sizes]:
        groups.append(("sweep", pick(ratio, "sweep", batch_size=size)))
    groups += [
        ("sweep, small table", pick(scaling, "sweep", total=args.small, expired=args.same_expired)),
        ("sweep, large table", pick(scaling, "sweep", total=args.total, expired=args.same_expired)),
        ("sweep, nothing expired", pick(scaling, "sweep", expired=0)),
    ]
    for name, chosen in groups:
        if not chosen:
            continue
        first = chosen[0]
        batch = f"{first.batch_size:,}" if first.batch_size else "—"
        versus = (
            f"{raw / median(chosen):.2f}"
            if first.total == args.total and first.expired == args.expired
            else ""
        )
        lines.append(
            f"| {name} | {first.total:,} | {first.expired:,} | {batch} |"
            f" {', '.join(f'{t.seconds:.3f}' for t in chosen)} | {median(chosen):.3f} | {versus} |"
        )
    lines += [
        "",
        f"One sweep of {args.expired:,} expired rows in batches of {default:,} sent"
        f" {sum(sample.statements.values()):,} statements ({deletes} range `DELETE`s on the table) and spent"
        f" {sample.sql_seconds:.3f} s of its {sample.seconds:.3f} s inside them (COMMITs not included); the"
        " rest is Python (building each batch's statements) and the COMMITs:",
        "",
        "| statement | count |",
        "| --- | ---: |",
        *[f"| `{shape}` | {n:,} |" for shape, n in sample.statements.most_common()],
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


# --- Main ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=1_000_000, help="rows of the large table (1000000)")
    parser.add_argument(
        "--expired", type=int, default=100_000, help="expired rows of the ratio runs (100000)"
    )
    parser.add_argument("--small", type=int, default=100_000, help="rows of the small table (100000)")
    parser.add_argument(
        "--same-expired", type=int, default=10_000, help="expired rows in the small and large table (10000)"
    )
    parser.add_argument("--batch-size", type=int, default=None, help="the sweep's batch (its default)")
    parser.add_argument(
        "--other-batch-sizes",
        default="5000,10000",
        help="batch sizes also measured (5000,10000; '' for none)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each comparison (5)")
    parser.add_argument(
        "--database", default="snshelper_bench_retention", help="the benchmark's own database"
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    args.other_batch_sizes = [int(size) for size in args.other_batch_sizes.split(",") if size.strip()]
    if not (0 < args.expired <= args.total and 0 < args.same_expired <= args.small <= args.total):
        parser.error("need 0 < expired ≤ total and 0 < same-expired ≤ small ≤ total")
    sys.path.insert(0, str(ROOT))
    from bench.bench_place_order import bench_url, recreate_database

    server = os.environ.get("DATABASE_URL", "")
    if urlsplit(server).path.lstrip("/") == args.database:
        sys.exit("DATABASE_URL names the benchmark's own database; point it at another one on the server.")
    began = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-retention-"))
    os.environ.update(
        DATABASE_URL=bench_url(server, args.database),
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),  # keys and the job queue of this run only
        DJANGO_DEBUG="0",
    )
    os.environ.pop("REDIS_URL", None)
    recreate_database(server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from snshelper.privacy import sweeps

    args.batch_size = args.batch_size or sweeps.BATCH_SIZE
    args.other_batch_sizes = [size for size in args.other_batch_sizes if size != args.batch_size]
    try:
        call_command("migrate", verbosity=0, interactive=False)
        members = make_members()
        print(f"database {args.database} ready in {time.perf_counter() - began:.1f} s", flush=True)
        ratio = run_ratio(members, args)
        scaling = run_scaling(members, args)
        section = report(args, environment(), ratio, scaling)
    finally:
        connections.close_all()
        if not args.keep_database:
            recreate_database(server, args.database, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(section)
    if not args.no_write:
        from bench import _core as core

        core.write_doc_section(DOC, START, END, section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"done in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
