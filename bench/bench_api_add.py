"""API v2 ``add`` over HTTP on PostgreSQL: the site served by granian (1, 2 and 4 workers), 50
concurrent keep-alive clients on loopback each POSTing ``action=add`` with its own member's API key,
against the raw psycopg baseline of bench_place_order (``_core.run_raw``) writing the same number
of orders, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_api_add.py
    ... bench/bench_api_add.py --clients 50 --seconds 10 --workers 1,2,4 --raw-clients 8

DATABASE_URL only says which server to use: the benchmark drops and recreates its own database
(``snshelper_bench_api``, see --database) there, migrates it, and drops it at the end. Results go to
the api_add section of docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- api_add:start -->", "<!-- api_add:end -->"
TARGET = 0.35  # issue 14
API_PATH = "/api/v2"
FLOORS = {
    "view": ("/floor/view", "the same view without middleware"),
    "orm": ("/floor/orm", "the same reads and transaction through the ORM, no middleware"),
    "sql": ("/floor/sql", "the same statements as raw SQL through Django's connection"),
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU, from /proc ---------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command, parent pid, own CPU seconds, CPU seconds of children it reaped)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return command, int(fields[1]), own, reaped


def _processes() -> dict[int, tuple[str, int, float, float]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                found[int(entry)] = stat
    return found


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy / CLOCK_TICKS, (busy + idle + iowait) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds used so far by each party: the web server (the granian process tree), PostgreSQL
    (its live processes, except backends of other databases, plus the backends it already reaped),
    Redis, the clients (this process) and the machine as a whole."""

    def __init__(self, dsn: str, database: str):
        import psycopg

        self.dsn, self.database, self.server_pid = dsn, database, None
        with psycopg.connect(dsn) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.postmaster = _stat(backend)[1]

    def _foreign_backends(self) -> set[int]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'"
                " AND datname IS DISTINCT FROM %s",
                (self.database,),
            ).fetchall()
        return {pid for (pid,) in rows}

    def snapshot(self) -> dict[str, float]:
        foreign = self._foreign_backends()
        processes = _processes()
        web: set[int] = set()
        if self.server_pid is not None:
            web, frontier = {self.server_pid}, [self.server_pid]
            while frontier:
                parent = frontier.pop()
                children = [pid for pid, (_c, ppid, _o, _r) in processes.items() if ppid == parent]
                web.update(children)
                frontier.extend(children)
        out = defaultdict(float)
        for pid, (command, ppid, own, _reaped) in processes.items():
            if pid in web:
                out["web"] += own
            elif pid == self.postmaster or (ppid == self.postmaster and pid not in foreign):
                out["postgres"] += own
            elif command.startswith("redis-server"):
                out["redis"] += own
            elif pid == os.getpid():
                out["clients"] += own
        postmaster = processes.get(self.postmaster)
        if postmaster is not None:
            out["postgres"] += postmaster[3]  # backends that ended (the baseline's, at its end)
        out["machine"], out["machine_total"] = _machine()
        return dict(out)


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    used = {name: after.get(name, 0.0) - before.get(name, 0.0) for name in after}
    used["other"] = max(
        0.0, used["machine"] - sum(used.get(n, 0.0) for n in ("web", "postgres", "redis", "clients"))
    )
    return used


# --- The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """granian serving ``bench.floors:application`` (the site at /api/v2, the floors beside it:
    ``bench/floors.py``) as ``manage.py serve`` serves the site (WSGI, blocking threads and
    backpressure 2 × CPUs + 1, at most 8), as a subprocess in its own session, on a free port, with
    the environment of this process (database, var dir, Redis, API_KEY_RATE): stopped by its
    process group at the end. ``path``: what the clients POST to."""

    def __init__(
        self, workers: int, *, secret: str, log: Path, env: dict | None = None, path: str = API_PATH
    ):
        self.workers, self.secret, self.log_path = workers, secret, log
        self.port = free_port()
        self.probe = f"http://127.0.0.1:{self.port}{API_PATH}"
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.env = {**os.environ, "DJANGO_DEBUG": "0", **(env or {})}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        threads = str(min(8, 2 * (os.cpu_count() or 1) + 1))
        command = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--no-ws"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        command += ["--blocking-threads", threads, "--backpressure", threads, "bench.floors:application"]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter's granian
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self, timeout: float = 90) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"granian exited ({self.process.returncode}): {self.tail()}")
            try:
                answer = httpx.post(self.probe, data={"key": self.secret, "action": "balance"}, timeout=5)
                if answer.status_code == 200 and "balance" in answer.json():
                    return
                raise RuntimeError(f"the API answered {answer.status_code}: {answer.text[:300]}")
            except (httpx.TransportError, ValueError):
                time.sleep(0.2)
        raise RuntimeError(f"granian did not answer in {timeout:g} s: {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-1500:]

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- The clients -------------------------------------------------------------------------------


class ApiFailure(RuntimeError):
    pass


@dataclass
class ApiPhase:
    workers: int
    clients: int
    seconds: float
    orders: int  # answered with an order id inside the measured window
    placed: int  # every order placed, warm-up included (for the invariants)
    latencies: list[float] = field(default_factory=list)
    per_client: list[int] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.orders / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def add_fields(fixture, secret: str, client: int) -> dict[str, str]:
    """What a reseller's panel sends: its key and the order, as a form."""
    return {
        "key": secret,
        "action": "add",
        "service": str(fixture.service_id),
        "link": fixture.link(client),
        "quantity": str(fixture.quantity),
    }


async def _clients(url, fixture, secrets, clients, warmup, seconds, meter) -> tuple[list, dict, float]:
    """``clients`` asyncio clients, each with its own keep-alive connection and key, POSTing add
    back to back from the start until the window (after ``warmup`` seconds) has passed."""
    import httpx

    began = time.perf_counter()
    window = (began + warmup, began + warmup + seconds)
    logs: list[list[tuple[float, float]]] = [[] for _ in range(clients)]
    cpu = {}

    async def client(i: int) -> None:
        fields = add_fields(fixture, secrets[i % len(secrets)], i)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(120)) as http:
            while time.perf_counter() < window[1]:
                sent = time.perf_counter()
                answer = await http.post(url, data=fields)
                answered = time.perf_counter()
                try:
                    body = answer.json()
                except ValueError:
                    body = None
                if answer.status_code != 200 or not isinstance(body, dict) or "order" not in body:
                    raise ApiFailure(f"client {i}: HTTP {answer.status_code} {answer.text[:300]}")
                logs[i].append((sent, answered))

    async def measure() -> None:
        await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
        before = await asyncio.to_thread(meter.snapshot)
        await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
        cpu.update(cpu_used(before, await asyncio.to_thread(meter.snapshot)))

    await asyncio.gather(*(client(i) for i in range(clients)), measure())
    return logs, cpu, window


def run_api(url, fixture, secrets, *, workers, clients, warmup, seconds, meter) -> ApiPhase:
    logs, cpu, (start, end) = asyncio.run(_clients(url, fixture, secrets, clients, warmup, seconds, meter))
    inside = [[(s, e) for s, e in log if start <= e < end] for log in logs]
    return ApiPhase(
        workers=workers,
        clients=clients,
        seconds=end - start,
        orders=sum(len(log) for log in inside),
        placed=sum(len(log) for log in logs),
        latencies=[e - s for log in inside for s, e in log],
        per_client=[len(log) for log in inside],
        cpu=cpu,
    )


def make_keys(fixture) -> list[str]:
    """One API key per member, made by the application's own service; the secrets."""
    from snshelper.accounts.models import Member
    from snshelper.api.services import create_key

    members = Member.objects.in_bulk(fixture.member_ids)
    return [create_key(member=members[pk], name="Bench").secret for pk in fixture.member_ids]


# --- One request, in this process: where its CPU goes -----------------------------------------


def _wsgi_environ(body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": API_PATH,
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


def _redis_commands(redis_client) -> int:
    return int(redis_client.info("stats")["total_commands_processed"])


def _timed(steps: dict, calls: int, block: int = 10) -> dict[str, tuple[float, float]]:
    """(CPU, wall) seconds per call of each step, uninstrumented: blocks of ``block`` calls taken
    in turns (so that other work on the machine falls on every step alike), the median block."""
    for step in steps.values():
        for _ in range(3):
            step()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(max(1, calls // block)):
        for name, step in steps.items():
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(block):
                step()
            samples[name].append(((time.process_time() - cpu) / block, (time.perf_counter() - wall) / block))
    return {
        name: (statistics.median(c for c, _ in rows), statistics.median(w for _, w in rows))
        for name, rows in samples.items()
    }


def one_request(fixture, secret: str, calls: int, redis_url: str) -> dict:
    """One client, no server: a whole WSGI request through Django (middleware, the view, the
    answer), the view alone, ``authenticate`` alone and ``place_order`` alone; CPU and wall time
    per call, SQL statements (CaptureQueriesContext), Redis commands, and the health-check
    round trip Django adds to every request. Then cProfile of whole requests, by layer."""
    import redis
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from bench import _core as core
    from snshelper.accounts.models import Member
    from snshelper.api import v2
    from snshelper.api.services import authenticate

    core.reset(fixture)
    fields = add_fields(fixture, secret, 0)
    body = urlencode(fields)
    handler, factory = WSGIHandler(), RequestFactory()
    member = Member.objects.get(pk=fixture.member_ids[0])
    placed = [0]

    def whole() -> None:
        answer = handler(_wsgi_environ(body.encode()), lambda status, headers, exc_info=None: None)
        content = b"".join(answer)
        answer.close()
        if b'"order"' not in content:
            raise ApiFailure(content[:300])
        placed[0] += 1

    def whole_unchecked() -> None:
        connection.health_check_enabled = False
        try:
            whole()
        finally:
            connection.health_check_enabled = connection.settings_dict["CONN_HEALTH_CHECKS"]

    def request():
        return factory.post(
            API_PATH, data=body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR="127.0.0.1"
        )

    requests = [request() for _ in range(calls + 10)]  # built beforehand: not the view's work

    def view() -> None:
        if b'"order"' not in v2.endpoint(requests.pop() if requests else request()).content:
            raise ApiFailure("the view did not place the order")
        placed[0] += 1

    def auth() -> None:
        authenticate(secret=secret, ip="127.0.0.1")

    def place() -> None:
        core.place_one_order(member, fixture, 0)
        placed[0] += 1

    steps = {"whole": whole, "view": view, "authenticate": auth, "place_order": place}
    timings = _timed({**steps, "whole_unchecked": whole_unchecked}, calls)
    redis_client = redis.Redis.from_url(redis_url) if redis_url else None
    out: dict = {}
    for name, step in steps.items():
        commands_before = _redis_commands(redis_client) if redis_client else 0
        with CaptureQueriesContext(connection) as captured:
            step()
        commands = (_redis_commands(redis_client) - commands_before - 1) if redis_client else 0
        queries = [q["sql"] for q in captured.captured_queries if q["sql"] != "BEGIN"]
        out[name] = {
            "cpu": timings[name][0],
            "wall": timings[name][1],
            "statements": len(queries),
            "redis": commands,
            "queries": queries,
        }
    out["unchecked"] = {"cpu": timings["whole_unchecked"][0], "wall": timings["whole_unchecked"][1]}

    checks = [0]
    real = connection.is_usable

    def counted() -> bool:
        checks[0] += 1
        return real()

    connection.is_usable = counted
    try:
        for _ in range(20):
            whole()
    finally:
        del connection.is_usable
    out["health_checks_per_request"] = checks[0] / 20

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        whole()
    profiler.disable()
    layers: dict[str, float] = defaultdict(float)
    top = []
    for (filename, _line, name), (_cc, ncalls, tottime, *_rest) in pstats.Stats(profiler).stats.items():
        layers[_layer(filename)] += tottime / calls
        where = name if filename == "~" else f"{Path(filename).parent.name}/{Path(filename).name}:{name}"
        top.append((where, tottime / calls, ncalls / calls))
    top.sort(key=lambda row: -row[1])
    out["layers"] = dict(sorted(layers.items(), key=lambda kv: -kv[1]))
    out["top"] = top[:10]
    core.check_invariants(fixture, placed[0])
    return out


def _layer(filename: str) -> str:
    if filename == "~":
        return "built-ins (getattr, isinstance, str, …)"
    for marker, layer in (
        ("/django/db/models/", "Django ORM: querysets, SQL compiler, model instances"),
        ("/django/db/", "Django database backend, transactions"),
        ("/django/middleware/", "middleware: Django's"),
        ("/django/contrib/", "middleware and apps: Django's contrib (sessions, auth, messages)"),
        ("/csp/", "middleware: django-csp"),
        ("/allauth/", "middleware: allauth"),
        ("/whitenoise/", "middleware: WhiteNoise"),
        ("/django/http/", "Django HTTP: request parsing, JsonResponse"),
        ("/django/core/handlers/", "Django request handler (WSGI, middleware chain, signals)"),
        ("/django/utils/", "Django utils (translation, encoding, timezones)"),
        ("/django/", "Django, other"),
        ("/psycopg/", "psycopg: binding, sending, results, and waiting"),
        ("/redis/", "redis-py: rate-limit counters, and waiting"),
        ("/snshelper/", "SNS Helper code"),
    ):
        if marker in filename:
            return layer
    return "Python standard library and other"


# --- Reporting ---------------------------------------------------------------------------------


@dataclass
class RawResult:
    """The baseline after one API phase: ``repeats`` runs of the same number of orders, pooled."""

    orders: int  # timed, all runs
    elapsed: float
    total: int  # placed, warm-up included
    cpu: dict[str, float]
    runs: int

    @property
    def rate(self) -> float:
        return self.orders / self.elapsed


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _per(cpu: dict, name: str, orders: int) -> str:
    return ms(cpu.get(name, 0.0) / orders) if orders else "–"


def report(args, env, phases, raws, diagnosis, floor_phases=None) -> str:
    best = max(phases, key=lambda p: p.rate)
    raw_best = raws[best.workers]
    ratio = best.rate / raw_best.rate
    cpus = env["nproc"]
    lines = [
        START,
        "## API v2 `add` over HTTP against raw psycopg",
        "",
        "Written by `bench/bench_api_add.py` (how to run it and what it measures: `bench/README.md`)."
        f" The site served by granian {env['granian']} (`bench/floors.py`'s application: the site at"
        " `/api/v2`, the floors beside it; WSGI, blocking threads and backpressure as `manage.py serve`"
        f" sets them) on PostgreSQL, {args.clients} concurrent clients on loopback (asyncio, httpx"
        f" {env['httpx']}, one keep-alive connection and one member's API key each) POSTing the form"
        " `key`, `action=add`, `service`, `link`, `quantity`. Baseline: `_core.run_raw` of"
        " `bench_place_order.py` (the same rows written by hand over psycopg, one transaction per order),"
        f" **{args.raw_clients} client threads** placing as many orders as the API placed in its window,"
        f" {args.raw_repeats} times (pooled), right after each API phase.",
        "",
        f"- **API / raw: {ratio:.2f}** with {best.workers} granian worker{'s' * (best.workers > 1)}, the"
        f" best of those tried ({best.rate:.1f} against {raw_best.rate:.1f} orders/s; target ≥ {TARGET}:"
        f" {'met' if ratio >= TARGET else '**not met**'}).",
        f"- {args.rounds} round{'s' * (args.rounds > 1)}, the worker counts in reverse order every other"
        f" round, pooled. Each worker count: {args.warmup:g} s of warm-up with all clients, then"
        f" {args.seconds:g} s measured (orders whose answer arrived inside the window; latency from"
        " sending the request to reading the answer, so it includes the wait in granian's queue)."
        " Rate limits counted in "
        + (f"Redis (`{args.redis_url}`)" if args.redis_url else "the file cache")
        + f" with `API_KEY_RATE={args.api_key_rate}` so nothing is throttled. Before each phase: TRUNCATE"
        " of what orders write, balances to zero, funding again, CHECKPOINT. After each (API and raw):"
        " orders placed = orders in the table = charge transactions = transitions, every transaction"
        " balanced, every cached balance the sum of its entries, sales and wallets add up; every API"
        " answer was an order id.",
        f"- {cpus} CPUs ({env['cpu']}) shared by the clients, granian, PostgreSQL {env['postgres']}"
        f" (same host, TCP; synchronous_commit={env['synchronous_commit']}, fsync={env['fsync']}) and"
        f" Redis; the machine was {env['busy_before']:.0%} busy with other work in the 3 s before the run"
        f" (load average {' / '.join(f'{x:.2f}' for x in env.get('load_before', ()))} before,"
        f" {' / '.join(f'{x:.2f}' for x in env.get('load_after', ()))} after: 1, 5, 15 minutes; the"
        " machine is shared with other engineers' tests and benchmarks, so compare sides of one run)."
        f" Python {env['python']}, Django {env['django']}, psycopg {env['psycopg']}. {env['date']}.",
        "",
        "| granian workers | API orders/s, all rounds | p50 | p99 | raw orders/s (same orders) | API / raw |"
        " each round: API, raw orders/s | machine CPU busy |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for phase in phases:
        raw = raws[phase.workers]
        busy = phase.cpu["machine"] / phase.cpu["machine_total"] if phase.cpu.get("machine_total") else 0
        lines.append(
            f"| {phase.workers} | {phase.rate:.1f} ({phase.orders} in {phase.seconds:.1f} s) |"
            f" {ms(phase.percentile(0.5))} | {ms(phase.percentile(0.99))} |"
            f" {raw.rate:.1f} ({raw.orders} in {raw.elapsed:.2f} s) | {phase.rate / raw.rate:.2f} |"
            f" {'; '.join(f'{a:.1f}, {b:.1f}' for a, b in args.round_rates[phase.workers])} | {busy:.0%} |"
        )
    lines += [
        "",
        "### CPU per order, by process, measured",
        "",
        "CPU seconds each party used while it ran (from `/proc`: the granian process tree; PostgreSQL's"
        " processes, backends of other databases left out, plus the ones it reaped; Redis; the client"
        " process), divided by the orders placed meanwhile. *Other*: the rest of the machine's busy time"
        " (other work on the host).",
        "",
        "| | orders/s | web (granian + Django) | PostgreSQL | Redis | clients | other | machine |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for phase in phases:
        c, n = phase.cpu, phase.orders
        lines.append(
            f"| API, {phase.workers} worker{'s' * (phase.workers > 1)} | {phase.rate:.1f} |"
            f" {_per(c, 'web', n)} | {_per(c, 'postgres', n)} | {_per(c, 'redis', n)} |"
            f" {_per(c, 'clients', n)} | {_per(c, 'other', n)} | {_per(c, 'machine', n)} |"
        )
    for workers, raw in raws.items():
        c, n = raw.cpu, raw.total
        lines.append(
            f"| raw psycopg, {args.raw_clients} threads (after the {workers}-worker phases) |"
            f" {raw.rate:.1f} | – | {_per(c, 'postgres', n)} | – | {_per(c, 'clients', n)} |"
            f" {_per(c, 'other', n)} | {_per(c, 'machine', n)} |"
        )
    lines += floors_table(args, phases, raws, floor_phases or {})
    if args.deep:
        lines += where_the_time_goes(args, ratio, best, raw_best, diagnosis, cpus)
    lines += [END]
    return "\n".join(lines) + "\n"


def _shorten(shorten, sql: str) -> str:
    """A statement for the table: shortened as bench_place_order does, the key's hash left out."""
    return shorten(re.sub(r"'[0-9a-f]{32,}'", "'…'", sql)).replace("|", "\\|")


def where_the_time_goes(args, ratio, best, raw, d, cpus) -> list[str]:
    from bench import _diagnose

    n = best.orders
    web, pg, client = (best.cpu[name] / n for name in ("web", "postgres", "clients"))
    own = best.cpu["web"] + best.cpu["postgres"] + best.cpu["clients"] + best.cpu.get("redis", 0.0)
    raw_own = raw.cpu["postgres"] + raw.cpu["clients"]
    whole, view, auth, place, unchecked = (
        d[name] for name in ("whole", "view", "authenticate", "place_order", "unchecked")
    )
    needed = cpus / (TARGET * raw.rate)
    rest_of_view = view["cpu"] - auth["cpu"] - place["cpu"]
    services = sum(1 for q in whole["queries"] if '"catalog_service"' in q.split(" WHERE ")[0])
    rows = [
        ("A whole WSGI request through Django: middleware, the view, the answer", whole),
        ("the API view alone: read the form, authenticate, add, answer (part of the above)", view),
        ("`api.services.authenticate`: key lookup, rate-limit counters (part of the view)", auth),
        ("`orders.services.place_order` (part of the view)", place),
    ]
    lines = [
        "",
        "### Where the time goes",
        "",
        f"{'The ratio is below the target' if ratio < TARGET else 'Written on request (--profile)'};"
        f" measured in this run. With {best.workers} worker{'s' * (best.workers > 1)} ({best.rate:.1f}"
        f" orders/s) the web processes, PostgreSQL, Redis and the clients used {ms(own / n)} of CPU per"
        f" order; the baseline's clients and PostgreSQL {ms(raw_own / raw.total)}. {cpus} CPUs give"
        f" {cpus} CPU-seconds a second, so at that cost the API cannot pass ≈ {cpus * n / own:.0f}"
        f" orders/s on this machine, however it is served. Reaching {TARGET} of raw"
        f" ({TARGET * raw.rate:.0f} orders/s) needs at most {ms(needed)} of CPU per order for all of"
        " it together.",
        "",
        f"One client, no HTTP server, in this process (median of blocks of 10 calls taken in turns,"
        f" {args.profile_requests} calls each; CPU is this process's user + system time, the rest of the"
        " wall time is waiting on PostgreSQL and Redis):",
        "",
        "| step | CPU | wall | SQL statements | Redis commands |",
        "| --- | ---: | ---: | ---: | ---: |",
        *[
            f"| {label} | {ms(x['cpu'])} | {ms(x['wall'])} | {x['statements']} | {x['redis']} |"
            for label, x in rows
        ],
        f"| the same whole request without Django's connection health check | {ms(unchecked['cpu'])} |"
        f" {ms(unchecked['wall'])} | {whole['statements']} | {whole['redis']} |",
        "",
        "Reading it:",
        "",
        f"1. **The web process.** Under load granian's processes burn {ms(web)} of CPU per order; Django"
        f" alone, one request at a time in this process, {ms(whole['cpu'])}. The difference,"
        f" {ms(web - whole['cpu'])}, is granian (HTTP, the WSGI bridge, handing requests to its threads)"
        f" and contention ({best.clients} connections on {best.workers} worker{'s' * (best.workers > 1)}"
        f" × 8 threads sharing each process's GIL). Beside it PostgreSQL used {ms(pg)} per order and the"
        f" clients {ms(client)}: the web process is {web * n / own:.0%} of the CPU this benchmark spends.",
        f"2. **Inside Django.** `place_order` is {ms(place['cpu'])} of the request's {ms(whole['cpu'])}"
        f" of CPU ({place['cpu'] / whole['cpu']:.0%}; see the place_order section for its statements);"
        f" `authenticate` {ms(auth['cpu'])} ({auth['statements']} statement, {auth['redis']} Redis"
        f" commands); the rest of the view (the fields read, the service looked up, JSON answer)"
        f" {ms(rest_of_view)}; middleware and the request and answer objects around the view"
        f" {ms(whole['cpu'] - view['cpu'])}.",
        f"3. **Round trips.** One request waits {ms(whole['wall'] - whole['cpu'])} on PostgreSQL and Redis"
        f" with one client: {whole['statements']} SQL statements (below), {whole['redis']} Redis commands"
        f" (the rate-limit counters: failed-attempt check, then add and incr of the key's window),"
        f" and {d['health_checks_per_request']:g} `SELECT 1` per request from `CONN_HEALTH_CHECKS`"
        " (Django checks a persistent connection on its first query in each request; it bypasses"
        f" CaptureQueriesContext). Without that check the request takes {ms(unchecked['wall'])} instead of"
        f" {ms(whole['wall'])}.",
        (
            f"4. **The service is read twice.** Of the request's statements, {services} read"
            " `catalog_service`: `api.v2.add` looks it up (`catalog.selectors.orderable_service`, to"
            " branch on subscriptions) and `place_order` reads it again (`orders.services._service`)."
            if services > 1
            else "4. The service is read once per request."
        ),
        "",
        f"The statements of one API `add` ({whole['statements']} from CaptureQueriesContext, COMMIT"
        " included; psycopg's BEGIN and the health check's `SELECT 1` are not captured):",
        "",
        "| # | statement |",
        "| ---: | --- |",
        *[f"| {i} | `{_shorten(_diagnose.shorten, q)}` |" for i, q in enumerate(whole["queries"], start=1)],
        "",
        f"cProfile of whole WSGI requests, one client, {args.profile_requests} requests: own time per"
        f" request by layer ({ms(sum(d['layers'].values()))} in all under the profiler, which inflates"
        f" Python-heavy code; against {ms(whole['wall'])} without it):",
        "",
        "| layer | own time per request |",
        "| --- | ---: |",
        *[f"| {name} | {ms(t)} |" for name, t in d["layers"].items() if t >= 0.00001],
        "",
        "| top functions by own time | per request | calls per request |",
        "| --- | ---: | ---: |",
        *[f"| `{where}` | {ms(t)} | {calls:g} |" for where, t, calls in d["top"]],
    ]
    return lines


# --- Main --------------------------------------------------------------------------------------


def run_raw_pooled(core, fixture, dsn, meter, *, clients: int, orders: int, repeats: int) -> RawResult:
    """The baseline ``repeats`` times with ``orders`` orders each, every run from a reset."""
    runs, cpu = [], defaultdict(float)
    for _ in range(repeats):
        core.reset(fixture, checkpoint=True)
        before = meter.snapshot()
        result = core.run_raw(fixture, dsn, clients, orders=max(orders, clients))
        for name, used in cpu_used(before, meter.snapshot()).items():
            cpu[name] += used
        core.check_invariants(fixture, result.total)
        runs.append(result)
    return RawResult(
        orders=sum(r.orders for r in runs),
        elapsed=sum(r.elapsed for r in runs),
        total=sum(r.total for r in runs),
        cpu=dict(cpu),
        runs=repeats,
    )


def _added(cpus: list[dict]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for cpu in cpus:
        for name, used in cpu.items():
            total[name] += used
    return dict(total)


def pool_phases(phases: list[ApiPhase]) -> ApiPhase:
    """One worker count's rounds as one: orders, seconds, latencies and CPU added up."""
    return ApiPhase(
        workers=phases[0].workers,
        clients=phases[0].clients,
        seconds=sum(p.seconds for p in phases),
        orders=sum(p.orders for p in phases),
        placed=sum(p.placed for p in phases),
        latencies=[x for p in phases for x in p.latencies],
        per_client=[sum(n) for n in zip(*(p.per_client for p in phases), strict=True)],
        cpu=_added([p.cpu for p in phases]),
    )


def pool_raws(raws: list[RawResult]) -> RawResult:
    return RawResult(
        orders=sum(r.orders for r in raws),
        elapsed=sum(r.elapsed for r in raws),
        total=sum(r.total for r in raws),
        cpu=_added([r.cpu for r in raws]),
        runs=sum(r.runs for r in raws),
    )


def busy_share(seconds: float = 3) -> float:
    """How busy the machine is with other work before the benchmark starts."""
    busy, total = _machine()
    time.sleep(seconds)
    busy2, total2 = _machine()
    return (busy2 - busy) / max(total2 - total, 1e-9)


def run_side(core, fixture, secrets, dsn, meter, args, var_dir, *, side: str, workers: int):
    """One floor (``bench/floors.py``) served and loaded as the API is, then the baseline."""
    from django.db import connections

    core.reset(fixture, checkpoint=True)
    connections.close_all()
    path = FLOORS[side][0]
    with Server(workers, secret=secrets[0], log=var_dir / f"granian-{side}.log", path=path) as server:
        meter.server_pid = server.process.pid
        phase = run_api(
            server.url,
            fixture,
            secrets,
            workers=workers,
            clients=args.clients,
            warmup=args.warmup,
            seconds=args.seconds,
            meter=meter,
        )
    meter.server_pid = None
    core.check_invariants(fixture, phase.placed)
    raw = run_raw_pooled(
        core, fixture, dsn, meter, clients=args.raw_clients, orders=phase.orders, repeats=args.raw_repeats
    )
    print(
        f"{side} floor, {workers} worker(s): {phase.orders} orders in {phase.seconds:.2f} s"
        f" = {phase.rate:.1f}/s; raw {raw.rate:.1f}/s; invariants hold",
        flush=True,
    )
    return phase, raw


def floors_table(args, phases, raws, floor_phases) -> list[str]:
    """The issue's table: the real add, each floor and raw psycopg, orders/s and share of raw."""
    if not floor_phases:
        return []
    real = next((p for p in phases if p.workers == args.floor_workers), None)
    every_raw = pool_raws([*raws.values(), *(r for _, r in floor_phases.values())])
    rows = []
    if real is not None:
        rows.append(("the real `/api/v2` add", real, raws[real.workers]))
    rows += [(FLOORS[side][1], phase, raw) for side, (phase, raw) in floor_phases.items()]
    lines = [
        "",
        f"### Floors, {args.floor_workers} granian worker{'s' * (args.floor_workers > 1)}, in the same run",
        "",
        "Each side served by the same granian settings to the same clients (`bench/floors.py`), its"
        " own raw psycopg baseline right after it; *of raw* is the side's rate over that baseline's.",
        "",
        "| side | orders/s | of raw (its own baseline) |",
        "| --- | ---: | ---: |",
        *[f"| {label} | {phase.rate:.1f} | {phase.rate / raw.rate:.3f} |" for label, phase, raw in rows],
        f"| raw psycopg (`_core.run_raw`, {args.raw_clients} threads, every baseline of the run pooled) |"
        f" {every_raw.rate:.1f} | 1.000 |",
    ]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent HTTP clients (default 50)")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per worker count")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each window")
    parser.add_argument("--workers", default="1,2,4", help="granian worker counts to try (default 1,2,4)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, the order reversed each time (2)")
    parser.add_argument("--raw-clients", type=int, default=8, help="threads of the raw baseline (default 8)")
    parser.add_argument("--raw-repeats", type=int, default=3, help="baseline runs after each phase (3)")
    parser.add_argument("--profile-requests", type=int, default=200, help="calls of the one-client timings")
    parser.add_argument(
        "--floors", default="view,orm,sql", help="floors to serve beside the API each round ('' = none)"
    )
    parser.add_argument("--floor-workers", type=int, default=2, help="granian workers for the floors (2)")
    parser.add_argument("--profile", action="store_true", help="say where the time goes even if met")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/2", help="rate limits in this Redis ('' = file cache)"
    )
    parser.add_argument("--api-key-rate", default="100000000/60", help="API_KEY_RATE for the run")
    parser.add_argument("--database", default="snshelper_bench_api", help="the benchmark's own database")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if (
        min([args.clients, args.raw_clients, args.raw_repeats, args.rounds, *workers], default=0) < 1
        or args.seconds <= 0
    ):
        parser.error("need clients, raw clients and runs, rounds, worker counts and seconds above zero")

    sys.path.insert(0, str(ROOT))
    from bench.bench_place_order import bench_url, environment, recreate_database

    server_url = os.environ.get("DATABASE_URL", "")
    url = bench_url(server_url, args.database)
    if urlsplit(server_url).path.lstrip("/") == args.database:
        sys.exit("DATABASE_URL names the benchmark's own database; point it at another one on the server.")
    busy_before = busy_share()
    load_before = os.getloadavg()
    began = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-api-"))
    recreate_database(server_url, args.database)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),  # keys and secrets shared with the server, then thrown away
        API_KEY_RATE=args.api_key_rate,
        DJANGO_DEBUG="0",
    )
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    import logging

    import granian
    import httpx
    from django.core.management import call_command
    from django.db import connections

    from bench import _core as core

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not one line per request
    section = None
    try:
        call_command("migrate", verbosity=0, interactive=False)
        fixture = core.make_fixture(members=args.clients)
        secrets = make_keys(fixture)
        dsn = core.conninfo()
        meter = CpuMeter(dsn, args.database)
        print(f"database {args.database} ready in {time.perf_counter() - began:.1f} s", flush=True)
        rounds: dict[int, list[tuple[ApiPhase, RawResult]]] = defaultdict(list)
        floors = [side for side in args.floors.split(",") if side.strip()]
        floor_rounds: dict[str, list[tuple[ApiPhase, RawResult]]] = defaultdict(list)
        for number in range(args.rounds):
            for count in workers if number % 2 == 0 else reversed(workers):  # drift favours none
                core.reset(fixture, checkpoint=True)
                connections.close_all()
                with Server(count, secret=secrets[0], log=var_dir / f"granian-{count}.log") as server:
                    meter.server_pid = server.process.pid
                    phase = run_api(
                        server.url,
                        fixture,
                        secrets,
                        workers=count,
                        clients=args.clients,
                        warmup=args.warmup,
                        seconds=args.seconds,
                        meter=meter,
                    )
                meter.server_pid = None
                core.check_invariants(fixture, phase.placed)  # the readiness probe asks the balance only
                raw = run_raw_pooled(
                    core,
                    fixture,
                    dsn,
                    meter,
                    clients=args.raw_clients,
                    orders=phase.orders,
                    repeats=args.raw_repeats,
                )
                rounds[count].append((phase, raw))
                print(
                    f"round {number + 1}, {count} worker(s): API {phase.orders} orders in"
                    f" {phase.seconds:.2f} s = {phase.rate:.1f}/s (p50 {ms(phase.percentile(0.5))}, p99"
                    f" {ms(phase.percentile(0.99))}); raw {raw.orders} in {raw.elapsed:.2f} s ="
                    f" {raw.rate:.1f}/s; invariants hold",
                    flush=True,
                )
            for side in floors if number % 2 == 0 else reversed(floors):
                floor_rounds[side].append(
                    run_side(
                        core,
                        fixture,
                        secrets,
                        dsn,
                        meter,
                        args,
                        var_dir,
                        side=side,
                        workers=args.floor_workers,
                    )
                )
        phases = [pool_phases([p for p, _ in rounds[count]]) for count in workers]
        floor_phases = {
            side: (
                pool_phases([p for p, _ in floor_rounds[side]]),
                pool_raws([r for _, r in floor_rounds[side]]),
            )
            for side in floors
        }
        raws = {count: pool_raws([r for _, r in rounds[count]]) for count in workers}
        args.round_rates = {count: [(p.rate, r.rate) for p, r in rounds[count]] for count in workers}
        best = max(phases, key=lambda p: p.rate)
        args.deep = args.profile or best.rate / raws[best.workers].rate < TARGET
        diagnosis = {}
        if args.deep:
            diagnosis = one_request(fixture, secrets[0], args.profile_requests, args.redis_url)
        env = environment(dsn)
        env.update(granian=granian.__version__, httpx=httpx.__version__, busy_before=busy_before)
        env.update(load_before=load_before, load_after=os.getloadavg())
        section = report(args, env, phases, raws, diagnosis, floor_phases)
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


if __name__ == "__main__":
    sys.exit(main())
