"""Pages: Thai first, three languages, the LINE button everywhere, the popup, the policy page."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from snshelper.accounts.models import Member
from snshelper.web.models import Announcement
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/privacy/",
    "/privacy/cookies/",
]
MEMBER_PAGES = [
    "/dashboard/",
    "/accounts/profile/",
    "/accounts/sign-ins/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/wallet/",
    "/wallet/top-up/promptpay/",
    "/wallet/top-up/bank-transfer/",
    "/orders/",
    "/orders/new/",
    "/orders/mass/",
    "/wallet/withdraw/",
]


class _Page(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _pages(client, member):
    for path in PUBLIC_PAGES:
        yield path, client.get(path)
    sign_in(client, member.email)
    for path in MEMBER_PAGES:
        yield path, client.get(path)


def test_home_page_is_thai_by_default_and_presents_the_service(client):
    html = client.get("/").content.decode()
    assert '<html lang="th">' in html
    assert "24" in html and "PromptPay" in html
    for platform in ("Instagram", "Facebook", "TikTok", "YouTube", "LINE"):
        assert platform in html


def test_language_switch_sets_the_language_cookie_and_changes_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert '<html lang="ko">' in client.get("/").content.decode()


def test_a_member_switching_language_keeps_it_for_notices(client, member):
    sign_in(client, member.email)
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert Member.objects.get(pk=member.pk).language == "ko"


def test_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="th">' in client.get("/").content.decode()


def test_every_page_has_the_green_line_button_and_the_policy_link(client, member):
    for path, response in _pages(client, member):
        assert response.status_code == 200, path
        page = _Page(response.content.decode())
        line = page.all("a", **{"data-testid": "line-button"})
        assert line and line[0]["href"] == settings.LINE_OFFICIAL_ACCOUNT_URL, path
        assert page.all("a", href="/privacy/"), path
        assert page.all("form", action="/i18n/setlang/"), path


def test_every_form_field_has_a_label(client, member):
    for path, response in _pages(client, member):
        page = _Page(response.content.decode())
        labelled = {a.get("for") for a in page.all("label")}
        for field in page.all("input") + page.all("select") + page.all("textarea"):
            if field.get("type") in ("hidden", "submit", "button"):
                continue
            assert field.get("id") in labelled or field.get("aria-label"), (path, field)


def test_pages_load_nothing_from_other_hosts_and_forbid_inline_scripts(client, member):
    for path, response in _pages(client, member):
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        html = response.content.decode()
        assert not re.search(r'(src|href)="(https?:)?//(?!testserver)[^"]*\.(js|css|woff2?|png|svg)', html), (
            path
        )
        assert "<script>" not in html and "style=" not in html, path


def test_announcement_popup_hides_for_good_once_closed(client):
    first = Announcement.objects.create(
        title_th="ปิดปรับปรุง", title_en="Maintenance", body_th="คืนนี้", body_en="Tonight"
    )
    client.post("/privacy/cookies/choice/", {"choice": "accept"})  # the cookie banner comes first
    assert "ปิดปรับปรุง" in client.get("/").content.decode()
    response = client.post(f"/announcements/{first.pk}/dismiss/", {"next": "/"})
    assert response.cookies[settings.POPUP_COOKIE_NAME].value == str(first.pk)
    assert "ปิดปรับปรุง" not in client.get("/").content.decode()
    Announcement.objects.create(title_th="ราคาใหม่", body_th="ลดราคา")
    assert "ราคาใหม่" in client.get("/").content.decode()  # a newer one shows again


def test_popup_is_shown_in_the_visitors_language(client):
    Announcement.objects.create(title_th="ปิดปรับปรุง", title_en="Maintenance", body_th="x")
    client.post("/privacy/cookies/choice/", {"choice": "accept"})  # the cookie banner comes first
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Maintenance" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert "ปิดปรับปรุง" in client.get("/").content.decode()  # no Korean text: Thai


def test_privacy_policy_page_is_thai_first_and_names_the_officer(client, settings):
    settings.PRIVACY_OFFICER_NAME = "Khun Privacy"
    settings.PRIVACY_OFFICER_EMAIL = "dpo@example.test"
    html = client.get("/privacy/").content.decode()
    assert '<html lang="th">' in html
    assert "Khun Privacy" in html and "mailto:dpo@example.test" in html
    assert "ประวัติการเข้าสู่ระบบ" in html and "6 เดือน" in html  # login records: 6 months


def test_dashboard_shows_the_member_id_and_the_real_balance(client, member):
    from decimal import Decimal

    from snshelper.wallet import services as wallet

    wallet.credit_top_up(member=member, amount=Decimal("1234.5"), idempotency_key="t")
    sign_in(client, member.email)
    html = client.get("/dashboard/").content.decode()
    assert member.member_id in html and "฿1,234.50" in html


def test_translation_catalogues_are_complete_for_thai_and_korean():
    for language in ("th", "ko"):
        catalogue = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"))
        assert catalogue.untranslated_entries() == [], language
        assert catalogue.fuzzy_entries() == [], language
