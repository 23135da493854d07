"""Bytes on the wire and SQL queries of three pages: the home page (Thai, a phone, a first visit:
the page and everything the browser fetches for it), a member's order list and the marketing
staff's order queue, with ``--orders`` orders (default 1,000) in the shop.

    uv run python bench/bench_pages.py                      # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/bench_pages.py
    uv run python bench/bench_pages.py --orders 1000 --no-write

With DATABASE_URL the benchmark drops and recreates its own database there
(``snshelper_bench_pages``, see --database) and drops it at the end. Static files are collected
into the run's temporary directory as production does (``CompressedManifestStaticFilesStorage``:
``.br`` and ``.gz`` beside each file) and served by whitenoise. Results go to the pages section of
docs/benchmarks.md (--no-write: print only). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- pages:start -->", "<!-- pages:end -->"
HOME_TARGET = 50 * 1024
QUEUE_TARGET = 60 * 1024
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# What Chrome sends over HTTPS (production runs behind TLS), and a client that knows only gzip.
ENCODINGS = {"br": "gzip, deflate, br, zstd", "gzip": "gzip, deflate"}
PASSWORD = "a-long-bench-password-42"


def _kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


# --- Setting up ---------------------------------------------------------------------------------


def make_shop(orders: int):
    """A manual service, a member with ``orders`` Pending orders (placed through ``place_order``)
    and a marketing staff member with TOTP and the pledge signed. Returns (member, staff, secret)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from snshelper.accounts import services as account_services
    from snshelper.catalog.models import Category, Platform, Service
    from snshelper.catalog.platforms import install_default_platforms
    from snshelper.orders.services import place_order
    from snshelper.staff import services as staff_services
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
        fulfilment=Service.Fulfilment.MANUAL,
    )
    member = account_services.register_member(
        email="somchai@bench.test", name="สมชาย ใจดี", password=PASSWORD, verified=True
    )
    wallet.credit_top_up(member=member, amount=Decimal("10000000"), idempotency_key="bench:pages")
    for number in range(orders):
        place_order(
            member=member,
            service=service,
            link=f"https://www.instagram.com/p/Bench{number:05d}/",
            quantity=1000,
        )
    staff = account_services.register_member(
        email="marketing@bench.test", name="Staff", password=PASSWORD, verified=True
    )
    staff_services.appoint(member=staff, role="marketing")
    staff_services.sign_pledge(staff=staff)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return member, staff, secret


def signed_in(email: str, secret: str = ""):
    """A test client signed in through the real pages (and its MFA step)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="th")
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    if secret:
        left = 30 - time.time() % 30
        if left < 3:
            time.sleep(left + 0.05)
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed: {response.status_code}")
    return client


# --- Measuring ------------------------------------------------------------------------------------


def _header_bytes(response) -> int:
    """The status line and headers as HTTP/1.1 sends them."""
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    lines += [f"{name}: {value}" for name, value in response.items()]
    lines += [f"Set-Cookie: {morsel.OutputString()}" for morsel in response.cookies.values()]
    return len("\r\n".join(lines).encode()) + 4


def fetch(client, path: str, encoding: str) -> dict:
    """One GET through the whole stack (middleware, whitenoise): body and header bytes as sent,
    the body as the browser sees it, and the SQL statements."""
    import brotli
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_ACCEPT_ENCODING=ENCODINGS[encoding], HTTP_USER_AGENT=PHONE_AGENT)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    coding = response.get("Content-Encoding", "")
    plain = {"br": brotli.decompress, "gzip": gzip.decompress}.get(coding, lambda b: b)(body)
    return {
        "path": path,
        "status": response.status_code,
        "type": response.get("Content-Type", "").split(";")[0],
        "coding": coding or "identity",
        "body": len(body),
        "headers": _header_bytes(response),
        "plain": plain,
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }


def first_visit(
    path: str, encoding: str, client=None, *, screenshot: Path | None = None, viewport: dict = PHONE
) -> dict:
    """The page opened in Chromium at 390x844 with an empty cache: every request the browser makes
    is answered by Django in this process (Playwright's routing), so what is counted is what the
    browser asked for (which fonts it needs it decides from the CSS's unicode-range)."""
    from django.test import Client
    from playwright.sync_api import sync_playwright

    client = client or Client(HTTP_ACCEPT_LANGUAGE="th")
    fetched: list[dict] = []

    def answer(route):
        url = urlsplit(route.request.url)
        if url.netloc != "testserver":
            route.abort()
            return
        result = fetch(client, url.path + (f"?{url.query}" if url.query else ""), encoding)
        fetched.append(result)
        route.fulfill(status=result["status"], content_type=result["type"] or None, body=result["plain"])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport=viewport, user_agent=PHONE_AGENT, locale="th-TH")
        page = context.new_page()
        page.route("**/*", answer)
        page.goto(f"http://testserver{path}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(300)
        if screenshot:  # the top of the page, and its last pager in view
            page.screenshot(path=str(screenshot))
            pagers = page.locator("nav.pager")
            if pagers.count():
                pagers.last.scroll_into_view_if_needed()
                page.screenshot(path=str(screenshot.with_name(screenshot.stem + "-pager.png")))
        browser.close()
    return {
        "requests": [{k: v for k, v in r.items() if k not in ("plain", "sql")} for r in fetched],
        "body": sum(r["body"] for r in fetched),
        "wire": sum(r["body"] + r["headers"] for r in fetched),
        "queries": sum(r["queries"] for r in fetched),
    }


def document(client, path: str) -> dict:
    """The page alone, as br, gzip and uncompressed (the second fetch: caches warm)."""
    fetch(client, path, "br")
    result = {"queries": None, "sizes": {}}
    for encoding in ("br", "gzip"):
        got = fetch(client, path, encoding)
        assert got["status"] == 200, (path, got["status"])
        result["sizes"][encoding] = got["body"] + got["headers"]
        result["sizes"]["identity"] = len(got["plain"]) + got["headers"]
        result["queries"] = got["queries"]
        result["sql"] = got["sql"]
    return result


def _environment() -> dict:
    import django
    import playwright
    from django.db import connection

    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = "unknown CPU"
    load = os.getloadavg()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "playwright": getattr(playwright, "__version__", "?"),
        "database": f"{connection.vendor} {connection.Database.__name__}",
    }


def measure(args, shots: Path | None) -> dict:
    member, staff, secret = make_shop(args.orders)
    result = {"order_count": args.orders, "env": _environment()}
    result["home"] = {
        encoding: first_visit("/", encoding, screenshot=shots and shots / f"home-{encoding}.png")
        for encoding in ENCODINGS
    }
    from django.test import Client

    result["home_document"] = document(Client(HTTP_ACCEPT_LANGUAGE="th"), "/")
    member_client = signed_in(member.email)
    result["orders"] = document(member_client, "/orders/")
    result["orders_first"] = first_visit("/orders/", "br", member_client)
    staff_client = signed_in(staff.email, secret)
    result["queue"] = document(staff_client, "/staff/orders/")
    result["queue_first"] = first_visit(
        "/staff/orders/", "br", staff_client, screenshot=shots and shots / "queue-phone.png"
    )
    if shots:  # the same pages on a desktop, to look at (not measured)
        first_visit("/", "br", screenshot=shots / "home-desktop.png", viewport=DESKTOP)
        first_visit(
            "/staff/orders/?page=2",
            "br",
            staff_client,
            screenshot=shots / "queue-desktop.png",
            viewport=DESKTOP,
        )
        first_visit("/orders/", "br", member_client, screenshot=shots / "orders-phone.png")
    return result


def report(result: dict) -> str:
    env = result["env"]
    home = result["home"]["br"]
    queue = result["queue"]["sizes"]["br"]
    lines = [
        START,
        "## Pages on the wire: `bench_pages.py`",
        "",
        f"Run {env['date']}: {env['nproc']} CPUs ({env['cpu']}), load average {env['load']} before the"
        f" run; Python {env['python']}, Django {env['django']}, {env['database']}; Chromium (Playwright)"
        f" at 390×844 in Thai with an empty cache; {result['order_count']:,} Pending orders of one member"
        " on a service staff fulfil by hand. Bytes on the wire are the response bodies as sent plus"
        " their HTTP/1.1 status lines and headers (TLS and TCP framing not counted).",
        "",
        f"- **Home page, first visit: {_kb(home['wire'])}** with brotli (target ≤ {_kb(HOME_TARGET)},"
        f" {'met' if home['wire'] <= HOME_TARGET else 'not met'}; was 77 KB),"
        f" {_kb(result['home']['gzip']['wire'])} for a client that knows only gzip;"
        f" {result['home_document']['queries']} SQL queries.",
        f"- **Staff order queue: {_kb(queue)}** at {result['order_count']:,} orders (target ≤"
        f" {_kb(QUEUE_TARGET)}, {'met' if queue <= QUEUE_TARGET else 'not met'}; was 436 KB),"
        f" {result['queue']['queries']} SQL queries.",
        f"- **Member order list: {_kb(result['orders']['sizes']['br'])}**,"
        f" {result['orders']['queries']} SQL queries.",
        "",
        "| page (the document alone) | brotli | gzip | uncompressed | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, key in (
        ("home, visitor", "home_document"),
        ("member's orders (`/orders/`)", "orders"),
        ("staff queue (`/staff/orders/`)", "queue"),
    ):
        sizes = result[key]["sizes"]
        lines.append(
            f"| {name} | {_kb(sizes['br'])} | {_kb(sizes['gzip'])} | {_kb(sizes['identity'])} |"
            f" {result[key]['queries']} |"
        )
    lines += [
        "",
        "What the browser fetched on a first visit (brotli accepted):",
        "",
        "| page | request | coding | body | headers |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for name, key in (("home", None), ("member's orders", "orders_first"), ("staff queue", "queue_first")):
        visit = result["home"]["br"] if key is None else result[key]
        for request in visit["requests"]:
            path = request["path"].split("?")[0]
            lines.append(
                f"| {name} | `{path}` | {request['coding']} | {request['body']:,} B"
                f" | {request['headers']:,} B |"
            )
        lines.append(
            f"| **{name}** | **total** | | **{_kb(visit['body'])}** | **{_kb(visit['wire'])}** with headers |"
        )
    lines += [
        "",
        "The queries of a signed-in page read no session (cached_db sessions: the cache answers) and",
        "do not grow with the list: `tests/test_pages_perf.py` counts them at two list lengths. A count",
        "can be one higher from run to run: the maintenance state is read at most every 5 s",
        "(`MAINTENANCE_CACHE_SECONDS`), and the embedded file cache culls entries beyond 300, so a",
        "session may be read from the database once (with Redis it stays in the cache).",
        END,
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000, help="Pending orders in the shop")
    parser.add_argument("--database", default="snshelper_bench_pages", help="PostgreSQL database's name")
    parser.add_argument("--screenshots", default="", help="a folder for the home page's screenshots")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/ alone")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    server_url = os.environ.get("DATABASE_URL", "")
    var_dir = Path(tempfile.mkdtemp(prefix="snshelper-bench-pages-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="snshelper.settings",
        SNSHELPER_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        HUEY_IMMEDIATE="1",
        # Playwright's sync API keeps an event loop in this thread; Django runs in its callbacks.
        DJANGO_ALLOW_ASYNC_UNSAFE="1",
    )
    for name in ("REDIS_URL", "EMAIL_URL"):
        os.environ.pop(name, None)
    if server_url:
        from bench.bench_place_order import bench_url, recreate_database

        if urlsplit(server_url).path.lstrip("/") == args.database:
            sys.exit("DATABASE_URL names the benchmark's own database; point it at another one.")
        os.environ["DATABASE_URL"] = bench_url(server_url, args.database)
        recreate_database(server_url, args.database)
    else:
        os.environ.pop("DATABASE_URL", None)
    began = time.perf_counter()
    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        result = measure(args, shots)
        connections.close_all()
    finally:
        if server_url:
            recreate_database(server_url, args.database, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)
    if args.queries:
        for key in ("home_document", "orders", "queue"):
            print(f"--- {key}")
            print("\n".join(result[key]["sql"]))
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
