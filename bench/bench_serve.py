"""granian as scripts/serve starts it now (workers = CPUs, 4 threads each, backpressure = threads,
respawn) against how it started before (2 workers, 8 threads, granian's default backpressure of
backlog / workers = 512 requests taken in per worker), under more clients than threads.

    uv run python bench/bench_serve.py                       # SQLite in a temporary directory
    uv run python bench/bench_serve.py --clients 64 --seconds 8 --rounds 2 --no-write

Two pages: the home page (a visitor: template work, 2 queries) and a signed-in member's order
list with 200 orders (25 a page, 7 queries). ``--clients`` asyncio clients, each with its own
keep-alive connection, ask back to back for ``--seconds`` after a second of warm-up; the sides take
turns going first. Results go to the serve section of docs/benchmarks.md (--no-write: print only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- serve:start -->", "<!-- serve:end -->"
BEFORE = ["--workers=2", "--blocking-threads=8"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Granian:
    def __init__(self, options: list[str], log: Path):
        self.options, self.port, self.log_path = options, _free_port(), log

    def __enter__(self):
        import httpx

        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, granian
            [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
            + ["--port", str(self.port), *self.options, "snshelper.wsgi:application"],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"granian did not start: {self.log_path.read_text()[-1500:]}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


async def _load(url: str, cookies: dict, clients: int, seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    warm_until = time.perf_counter() + 1.0
    stop = warm_until + seconds

    async def client():
        nonlocal errors
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(cookies=cookies, limits=limits, timeout=30) as http:
            while (began := time.perf_counter()) < stop:
                try:
                    response = await http.get(url, headers={"Accept-Language": "th"})
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if began >= warm_until:
                    if ok:
                        latencies.append(time.perf_counter() - began)
                    else:
                        errors += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    latencies.sort()
    return {
        "rate": len(latencies) / seconds,
        "p50": statistics.median(latencies) if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0,
        "errors": errors,
        "count": len(latencies),
    }


def _workers(pid: int) -> list[int]:
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def crash(server: Granian) -> dict:
    """SIGKILL one worker (as the kernel's OOM killer would): does the site keep answering, and
    how many workers run 5 s later?"""
    import httpx

    victims = _workers(server.process.pid)
    os.kill(victims[0], signal.SIGKILL)
    killed = time.perf_counter()
    answered = None
    while time.perf_counter() - killed < 10 and answered is None:
        try:
            if httpx.get(f"http://127.0.0.1:{server.port}/", timeout=2).status_code == 200:
                answered = time.perf_counter() - killed
        except httpx.TransportError:
            time.sleep(0.05)
    time.sleep(max(0.0, 5 - (time.perf_counter() - killed)))
    return {
        "before": len(victims),
        "answered": answered,
        "alive": server.process.poll() is None,
        "after": len(_workers(server.process.pid)) if server.process.poll() is None else 0,
    }


def setup() -> dict:
    """A member with 200 orders and a signed-in session; the session cookie to send."""
    from decimal import Decimal

    from django.test import Client

    from snshelper.accounts import services as account_services
    from snshelper.catalog.models import Category, Platform, Service
    from snshelper.catalog.platforms import install_default_platforms
    from snshelper.orders.services import place_order
    from snshelper.wallet import services as wallet

    install_default_platforms(Platform)
    category = Category.objects.create(
        platform=Platform.objects.get(code="instagram"), name_th="ผู้ติดตาม", name_en="Followers"
    )
    service = Service.objects.create(
        category=category,
        name_th="ผู้ติดตามคนไทย",
        name_en="Thai followers",
        rate=Decimal("90"),
        min_quantity=100,
        max_quantity=10_000,
        step=10,
        one_active_order_per_link=False,
    )
    member = account_services.register_member(
        email="serve@bench.test", name="Bench", password="a-long-bench-password-42", verified=True
    )
    wallet.credit_top_up(member=member, amount=Decimal("1000000"), idempotency_key="bench:serve")
    for number in range(200):
        place_order(
            member=member, service=service, link=f"https://www.instagram.com/p/S{number}/", quantity=100
        )
    client = Client()
    client.post("/accounts/login/", {"login": member.email, "password": "a-long-bench-password-42"})
    return {"sessionid": client.cookies["sessionid"].value}


def measure(args, var_dir: Path) -> dict:
    from snshelper.core import serving

    cookies = setup()
    after = serving.sizing(env={}).granian_options()
    sides = {"before": BEFORE, "now": after}
    pages = {"home": ("/", {}), "orders": ("/orders/", cookies)}
    results: dict = {side: {page: [] for page in pages} for side in sides}
    crashes: dict = {}
    for number in range(args.rounds):
        order = list(sides) if number % 2 == 0 else list(reversed(sides))
        for side in order:
            with Granian(sides[side], var_dir / f"granian-{side}.log") as server:
                for page, (path, jar) in pages.items():
                    url = f"http://127.0.0.1:{server.port}{path}"
                    results[side][page].append(asyncio.run(_load(url, jar, args.clients, args.seconds)))
                if number == 0:
                    crashes[side] = crash(server)
    load = os.getloadavg()
    return {
        "results": results,
        "crashes": crashes,
        "options": {side: " ".join(options) for side, options in sides.items()},
        "clients": args.clients,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "nproc": os.cpu_count(),
        "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _pooled(runs: list[dict]) -> dict:
    return {
        "rate": statistics.mean(r["rate"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def report(result: dict) -> str:
    lines = [
        START,
        "## Serving: `bench_serve.py`",
        "",
        f"Run {result['date']}: {result['nproc']} CPUs, load average {result['load']} at the end (the"
        f" machine is shared: compare the two sides of one run); {result['clients']} clients, each on"
        f" its own keep-alive connection, {result['seconds']:g} s per page and side, {result['rounds']}"
        " rounds taking turns; SQLite; clients, granian and the database on the same CPUs.",
        "",
        f"- before: `{result['options']['before']}` (granian's default backpressure: backlog / workers)",
        f"- now (scripts/serve on this machine): `{result['options']['now']}`",
        "",
        "| page | side | requests/s | p50 | p99 | failed |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for page in ("home", "orders"):
        for side in ("before", "now"):
            got = _pooled(result["results"][side][page])
            lines.append(
                f"| {page} | {side} | {got['rate']:.1f} | {got['p50'] * 1000:.0f} ms"
                f" | {got['p99'] * 1000:.0f} ms | {got['errors']} |"
            )
    lines += [
        "",
        "One worker killed with SIGKILL (as the kernel's OOM killer does), after the first round's load:",
        "",
        "| side | workers | the site answered again after | granian still running 5 s later | workers then |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    for side in ("before", "now"):
        got = result["crashes"][side]
        answered = f"{got['answered'] * 1000:.0f} ms" if got["answered"] is not None else "never (10 s)"
        lines.append(
            f"| {side} | {got['before']} | {answered} | {'yes' if got['alive'] else 'no'} | {got['after']} |"
        )
    lines += [END, ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-serve-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        HUEY_IMMEDIATE="1",
        LOG_LEVEL="WARNING",
    )
    for name in ("REDIS_URL", "EMAIL_URL", "DATABASE_URL", "WEB_WORKERS", "WEB_THREADS", "WEB_BACKPRESSURE"):
        os.environ.pop(name, None)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        result = measure(args, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    section = report(result)
    print(section)
    if not args.no_write:
        from bench import _core as core

        core.write_doc_section(DOC, START, END, section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
