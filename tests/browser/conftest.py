"""Browser tests: Playwright (the pip package) driving Debian's chromium against live_server."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def chromium():
    """One browser per test module; while Playwright's event loop runs in this thread, the
    ORM calls the tests themselves make (fixtures, assertions, database flushes) are still
    synchronous and safe, so Django's async guard is lifted for exactly that long."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's 'chromium' (scripts/test does as root)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--disable-features=Translate,MediaRouter",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Journey:
    """A browser context that records every request and every cookie it is given."""

    def __init__(self, context, base_url, name="journey"):
        self.context = context
        self.name = name
        self.base_host = urlsplit(base_url).netloc
        self.requests: list[str] = []
        self.cookie_names: set[str] = set()
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._collect_cookies)
        self.page = context.new_page()
        self.shots = 0

    def _collect_cookies(self, response):
        for cookie in self.context.cookies():
            self.cookie_names.add(cookie["name"])

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).netloc != self.base_host
        ]

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{name}.png"), full_page=True)


@pytest.fixture
def journey(chromium, live_server, request):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="th-TH", base_url=live_server.url
    )
    journey = Journey(context, live_server.url, name=request.node.name.removeprefix("test_"))
    yield journey
    context.close()
