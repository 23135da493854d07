"""The demo member tops up by PromptPay on a phone; demo finance approves it on the staff page;
the balance shows it."""

from decimal import Decimal

import pytest

from snshelper.accounts.models import Member
from snshelper.demo import load as demo
from snshelper.wallet import selectors
from tests.browser.conftest import Journey
from tests.conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email, secret=None):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    if secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.locator("#id_code").fill(totp_code(secret))
        page.locator("main form button[type=submit]").first.click()  # the second one cancels
    page.wait_for_url("**/dashboard/")


def _close_popup(page):
    """The demo's welcome announcement, read and closed (it sits over the page's lower half)."""
    popup = page.get_by_test_id("announcement-popup")
    if popup.is_visible():
        popup.get_by_test_id("popup-close").click()


def test_demo_member_tops_up_by_promptpay_and_demo_finance_approves(journey, chromium, live_server):
    accounts = {account.email: account for account in demo.load_demo()}
    member = Member.objects.get(email="member@demo.test")
    before = selectors.balance(member)
    page = journey.page
    _sign_in(page, member.email)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    _close_popup(page)
    page.get_by_role("link", name="Top up", exact=True).click()
    page.get_by_label("Amount (THB)").fill("0")
    page.get_by_role("button", name="Get the QR code").click()
    assert page.get_by_text("Enter an amount greater than zero").is_visible()
    page.get_by_label("Amount (THB)").fill("350")
    page.get_by_role("button", name="Get the QR code").click()
    page.wait_for_url("**/wallet/top-ups/TU-*/")
    assert page.get_by_test_id("promptpay-qr").locator("svg").is_visible()
    journey.shot("promptpay-qr")
    page.get_by_role("button", name="I have paid").click()
    assert page.get_by_test_id("top-up-status").inner_text() == "Being checked by our finance team"
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]

    finance = accounts["finance@demo.test"]
    desk = Journey(
        chromium.new_context(base_url=live_server.url, locale="en-US"), live_server.url, "finance-desk"
    )
    _sign_in(desk.page, finance.email, finance.totp_secret)
    desk.page.get_by_role("link", name="Top-ups to approve").click()
    card = desk.page.get_by_test_id(f"review-{reference}")
    assert member.member_id in card.inner_text() and member.email not in card.inner_text()
    desk.shot("finance-queue")
    card.get_by_role("button", name="Approve").click()
    assert desk.page.get_by_text(f"{reference} approved").is_visible()
    desk.context.close()

    page.goto("/dashboard/")
    assert selectors.balance(member) == before + Decimal("350")
    assert page.get_by_test_id("dashboard-balance").inner_text() == f"฿{before + 350:,.2f}"
    page.goto("/wallet/")
    journey.shot("balance-after-top-up")
    assert journey.foreign_requests() == [] and desk.foreign_requests() == []
