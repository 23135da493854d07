"""P13 in a real browser on a phone: after a full journey the browser holds exactly the declared
cookies (or only the essential ones after a refusal), and no request leaves for another host."""

import pytest
from playwright.sync_api import expect

from snshelper.privacy.cookies import declared_cookies
from snshelper.web.models import Announcement
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _announce():
    Announcement.objects.create(
        title_th="ยินดีต้อนรับ", title_en="Welcome", body_th="เปิด 24 ชั่วโมง", body_en="Open 24 hours"
    )


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


def _visit_orders_policy_and_cookies(page):
    page.locator(".main-nav").get_by_role("link", name="Orders").click()
    page.wait_for_url("**/orders/")
    page.locator("footer").get_by_role("link", name="Privacy policy").click()
    page.wait_for_url("**/privacy/")
    page.locator("footer").get_by_role("link", name="Cookies").click()
    page.wait_for_url("**/privacy/cookies/")


def test_p13_a_full_journey_leaves_exactly_the_declared_cookies(journey, make_member):
    _announce()
    member = make_member(email="nok@example.test", name="Nok Wong")
    page = journey.page

    page.goto("/")
    banner = page.get_by_test_id("cookie-banner")
    assert banner.is_visible() and page.get_by_test_id("line-button").is_visible()
    journey.shot("first-visit-banner-th")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_test_id("cookie-accept").click()
    banner.wait_for(state="detached")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()  # the popup after the banner
    with page.expect_response("**/dismiss/"):
        page.get_by_test_id("popup-close").click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_hidden()

    _sign_in(page, member.email)
    _visit_orders_policy_and_cookies(page)
    assert "You accepted the optional cookies" in page.get_by_test_id("cookie-choice").inner_text()
    for cookie in declared_cookies():
        assert page.get_by_test_id("cookie-list").get_by_text(cookie.name, exact=True).is_visible()
    journey.shot("cookies-page-accepted")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    assert journey.cookie_names == {cookie.name for cookie in declared_cookies()}
    assert journey.foreign_requests() == []


def test_p13_after_refusing_only_essential_cookies_are_kept(journey, make_member):
    _announce()
    member = make_member(email="dao@example.test", name="Dao Kaew", language="en")
    page = journey.page
    popup = page.locator("#announcement-popup")

    page.goto("/")
    assert not popup.is_visible()  # the cookie banner first, never both
    page.get_by_test_id("cookie-refuse").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")
    expect(popup).to_be_visible()
    with page.expect_response("**/dismiss/"):
        popup.get_by_test_id("popup-close").click()  # a modal: closed before anything else
    expect(popup).to_be_hidden()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "th"  # the browser's language (th-TH)
    assert page.get_by_test_id("language-note").is_visible()
    journey.shot("refused-language-from-browser")
    page.reload()
    assert popup.count() == 0  # closed for this browser session, without the popup cookie

    _sign_in(page, member.email)
    assert page.locator("html").get_attribute("lang") == "en"  # the language kept in the account
    _visit_orders_policy_and_cookies(page)
    assert popup.count() == 0  # still closed after signing in
    assert "You refused the optional cookies" in page.get_by_test_id("cookie-choice").inner_text()
    journey.shot("cookies-page-refused")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    assert journey.cookie_names == {cookie.name for cookie in declared_cookies() if cookie.essential}
    assert journey.foreign_requests() == []
