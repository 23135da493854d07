"""A visitor reads the generated privacy policy in Thai and English and its version history; the
privacy officer publishes a new version; a member sees the change notice and dismisses it."""

import pytest
from django.core import mail

from snshelper.privacy.models import PolicyChangeNotice
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ("th", "en", "ko")


def test_policy_read_published_and_noticed(journey, chromium, live_server, make_member, make_staff, settings):
    """A visitor reads the policy and its versions, the officer publishes one, a member is told."""
    member = make_member(email="malee@example.test", name="Malee Srisuk", language="en")
    officer, secret = make_staff("privacy_officer")

    # A visitor: the policy in Thai, then in English, then its versions.
    page = journey.page
    page.goto("/privacy/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator(".policy-toc li").count() == 10
    assert page.locator("[data-purpose]").count() == 4
    journey.shot("policy-th")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "SNS Helper privacy policy"
    assert page.get_by_test_id("policy-version").inner_text().startswith("Version 1, in force since")
    page.get_by_role("link", name="Cookies", exact=True).first.click()
    assert page.url.endswith("#cookies")
    assert page.locator("#cookies tr[data-key]").count() >= 4
    journey.shot("policy-en-cookies")
    page.get_by_role("link", name="Earlier versions and their changes").first.click()
    page.wait_for_url("**/privacy/versions/")
    assert page.get_by_test_id("version-1").is_visible()
    journey.shot("versions")

    # The privacy officer: the registry's policy changed (a new officer); publish version 2.
    settings.PRIVACY_OFFICER_NAME = "Khun Somsri Privacy"
    desk = Journey(
        chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url),
        live_server.url,
        name="policy_officer",
    )
    try:
        sign_in(desk.page, officer.email, totp_secret=secret)
        _accept_cookies(desk.page)
        desk.page.goto("/staff/privacy/policy/")
        assert "Khun Somsri Privacy" in desk.page.get_by_test_id("diff").inner_text()
        desk.shot("staff-diff")
        for code in LANGUAGES:
            desk.page.locator(f"#id_reasons_{code}").fill(f"A new privacy officer ({code})")
            desk.page.locator(f"#id_summary_{code}").fill(f"Khun Somsri now answers your questions ({code})")
        desk.shot("staff-publish-form")
        desk.page.get_by_role("button", name="Publish and tell members").click()
        desk.page.wait_for_url("**/privacy/versions/2/")
        assert desk.page.locator("ins", has_text="Khun Somsri Privacy").is_visible()
        desk.shot("version-2")
        assert desk.foreign_requests() == []
    finally:
        desk.context.close()
    assert PolicyChangeNotice.objects.filter(member=member, emailed_at__isnull=False).exists()
    assert any(m.to == [member.email] and "(en)" in m.body for m in mail.outbox)

    # A member: the notice on every page until they dismiss it.
    home = Journey(
        chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url),
        live_server.url,
        name="policy_member",
    )
    try:
        sign_in(home.page, member.email)
        _accept_cookies(home.page)
        banner = home.page.get_by_test_id("policy-banner")
        assert banner.is_visible()
        assert "Khun Somsri now answers your questions (en)" in banner.inner_text()
        home.shot("banner")
        banner.get_by_role("button", name="Got it").click()
        banner.wait_for(state="detached")
        home.shot("banner-dismissed")
        home.page.reload()
        assert home.page.get_by_test_id("policy-banner").count() == 0
        assert home.foreign_requests() == []
    finally:
        home.context.close()

    # The visitor again: the policy announces version 2 before it takes effect.
    page.goto("/privacy/")
    upcoming = page.get_by_test_id("upcoming-version")
    assert "version 2" in upcoming.inner_text() and "A new privacy officer (en)" in upcoming.inner_text()
    journey.shot("policy-upcoming")
    assert journey.foreign_requests() == []


def _accept_cookies(page):
    """Answer the cookie banner so that it does not cover the screenshots."""
    accept = page.locator(".cookie-banner").get_by_role("button", name="Accept")
    if accept.count():
        accept.click()
        page.wait_for_load_state()
