"""A new customer on a phone: Thai home page, English, sign up, verify, sign in, account, out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from snshelper.privacy.cookies import declared_cookies
from snshelper.web.models import Announcement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "my-own-long-password-2026"


def test_new_member_signs_up_verifies_signs_in_and_out(journey, live_server):
    Announcement.objects.create(
        title_th="ยินดีต้อนรับ", title_en="Welcome", body_th="เปิด 24 ชั่วโมง", body_en="Open 24 hours"
    )
    page = journey.page

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_role("heading", level=1).inner_text().strip()
    assert page.get_by_test_id("line-button").is_visible()
    journey.shot("home-th")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Welcome").count() == 0  # the cookie banner first
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()  # then the popup
    journey.shot("home-en-popup")
    page.get_by_test_id("popup-close").click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_hidden()

    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Name").fill("Malee Srisuk")
    page.get_by_label("Email").fill("malee@example.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    journey.shot("sign-up")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    journey.shot("verify-your-email")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    journey.shot("confirm-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")

    page.locator("#id_login").fill("malee@example.test")
    page.locator("#id_password").fill(PASSWORD)
    journey.shot("sign-in")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Hello, Malee Srisuk").is_visible()
    journey.shot("dashboard")

    page.get_by_role("link", name="Account").click()
    page.wait_for_url("**/accounts/profile/")
    assert page.get_by_label("Name").input_value() == "Malee Srisuk"
    journey.shot("account")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    journey.shot("signed-out")

    assert journey.foreign_requests() == []
    assert journey.cookie_names == {cookie.name for cookie in declared_cookies()}
