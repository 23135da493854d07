"""Least privilege (P16): finance sees a withdrawal's bank details masked, reveals them with a reason;
the privacy officer finds that reveal in the log by the member's ID."""

from decimal import Decimal

import pytest

from snshelper.staff import roles
from snshelper.staff.models import RevealLog
from snshelper.wallet import services as wallet
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_reveals_bank_details_with_a_reason_and_the_officer_finds_it(
    chromium, live_server, make_staff, funded
):
    wallet.save_refund_account(
        member=funded, bank_name="KBank", account_holder="Somchai Jaidee", account_number="1234567890"
    )
    withdrawal = wallet.request_withdrawal(member=funded, amount=Decimal("400"), idempotency_key="w1")
    finance, finance_secret = make_staff(roles.FINANCE)
    officer, officer_secret = make_staff(roles.PRIVACY_OFFICER)
    contexts = []
    try:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        journey = Journey(context, live_server.url, name="reveal_finance")
        page = journey.page
        sign_in(page, finance.email, totp_secret=finance_secret)
        page.goto("/wallet/staff/withdrawals/")
        card = page.get_by_test_id(f"withdrawal-{withdrawal.reference}")
        assert card.get_by_test_id("number").inner_text() == "•••• 7890"
        assert "1234567890" not in page.content() and "Somchai Jaidee" not in page.content()
        journey.shot("masked")
        card.get_by_label("Why do you need to see the bank details?").fill("Paying withdrawal today")
        card.get_by_role("button", name="Show bank details").click()
        page.wait_for_load_state()
        card = page.get_by_test_id(f"withdrawal-{withdrawal.reference}")
        assert card.get_by_test_id("number").inner_text() == "1234567890"
        assert card.get_by_test_id("holder").inner_text() == "Somchai Jaidee"
        journey.shot("revealed")
        assert RevealLog.objects.filter(staff=finance, member=funded).count() == 2
        assert journey.foreign_requests() == []

        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        journey = Journey(context, live_server.url, name="reveal_officer")
        page = journey.page
        sign_in(page, officer.email, totp_secret=officer_secret)
        page.goto("/staff/privacy/")
        page.get_by_role("link", name="Personal-data reveals").click()
        page.wait_for_url("**/staff/reveals/")
        page.get_by_label("Member ID (whose data)").fill(funded.member_id)
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**member_id=**")
        log = page.get_by_test_id("reveal-log")
        assert log.locator("tbody tr").count() == 2
        assert "Paying withdrawal today" in log.inner_text() and finance.member_id in log.inner_text()
        journey.shot("log")
        assert journey.foreign_requests() == []
    finally:
        for context in contexts:
            context.close()
