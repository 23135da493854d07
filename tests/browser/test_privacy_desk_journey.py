"""The privacy officer works the desk: an overdue correction carried out, a complaint answered,
a disclosure the law requires recorded; the member reads the answers on their privacy page."""

from datetime import timedelta

import pytest

from snshelper.core import clock
from snshelper.orders.services import place_order
from snshelper.privacy.models import Disclosure
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.requests import services as requests
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_carries_out_a_correction_answers_a_complaint_and_records_a_disclosure(
    chromium, live_server, make_staff, funded, make_service
):
    officer, secret = make_staff("privacy_officer")
    order = place_order(
        member=funded, service=make_service(), link="https://www.instagram.com/somchai.shop/", quantity=100
    )
    correction = requests.request_correction(
        member=funded,
        target_key="orders.Order.link",
        record_id=order.pk,
        value="https://www.instagram.com/somchai.store/",
        details="I renamed my shop account.",
    )
    inquiries.ask(
        member=funded,
        kind="complaint",
        subject="Why was my phone shown?",
        body="A staff member read my number.",
    )
    clock.travel_to(clock.now() + timedelta(days=11))  # both are past their 10-day due date
    try:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        desk = Journey(context, live_server.url, name="privacy_desk")
        page = desk.page
        sign_in(page, officer.email, totp_secret=secret)
        page.get_by_role("link", name="Privacy desk: requests and questions").click()
        assert "2 items are overdue" in page.get_by_test_id("overdue-count").inner_text()
        desk.shot("desk-overdue")

        page.get_by_role("link", name=f"#{correction.pk}").click()
        assert "somchai" not in page.get_by_test_id("current-value").inner_text()  # masked (P16)
        page.get_by_label("Why do you need to see this personal data?").fill("Deciding the correction")
        page.get_by_test_id("reveal").click()
        assert page.get_by_test_id("current-value").inner_text() == "https://www.instagram.com/somchai.shop/"
        assert (
            page.get_by_test_id("requested-value").inner_text() == "https://www.instagram.com/somchai.store/"
        )
        desk.shot("request")
        page.get_by_label("Reason the member will read").fill("We need it.")
        page.get_by_test_id("refuse").click()  # without a ground: not allowed
        assert "must cite ground" in page.locator(".messages").inner_text()
        page.get_by_label("Message to the member (optional)").fill("Corrected. Thank you.")
        page.get_by_test_id("carry-out").click()
        assert f"Request #{correction.pk} carried out" in page.locator(".messages").inner_text()
        order.refresh_from_db()
        assert order.link == "https://www.instagram.com/somchai.store/"

        page.get_by_role("link", name="Why was my phone shown?").click()
        page.get_by_label("Your answer").fill("We checked the access log; the reveal was for your refund.")
        page.get_by_test_id("send-answer").click()
        assert "Nothing waiting." in page.content()

        page.get_by_role("link", name="Disclosure register").first.click()
        page.get_by_role("link", name="Record a disclosure").click()
        page.get_by_label("Recipient", exact=True).fill("Technology Crime Suppression Division")
        page.get_by_label("Legal basis (the law, and the order or request number)").fill(
            "Computer Crime Act B.E. 2550 s.18, letter 0026/2569"
        )
        page.get_by_label("Member IDs (separated by spaces or commas)").fill(funded.member_id)
        page.get_by_label("Order: link").check()
        desk.shot("disclosure-form")
        page.get_by_test_id("record-disclosure").click()
        assert "Disclosure recorded" in page.locator(".messages").inner_text()
        assert Disclosure.objects.get().members.get() == funded
        desk.shot("disclosure")
        assert desk.foreign_requests() == []
        context.close()

        member_context = chromium.new_context(
            viewport={"width": 390, "height": 844}, base_url=live_server.url
        )
        mine = Journey(member_context, live_server.url, name="privacy_answers")
        sign_in(mine.page, funded.email)
        mine.page.goto("/account/privacy/")
        text = mine.page.content()
        assert "Corrected. Thank you." in text and "the reveal was for your refund" in text
        mine.shot("answers")
        assert mine.foreign_requests() == []
        member_context.close()
    finally:
        clock.release()


def test_officer_holds_a_members_records_reads_the_destruction_log_and_checks_a_returning_member(
    chromium, live_server, make_staff, make_member
):
    from snshelper.accounts.models import LoginRecord
    from snshelper.privacy import sweeps
    from snshelper.privacy.models import LegalHold
    from snshelper.privacy_rights.withdrawal import services as withdrawal

    officer, secret = make_staff("privacy_officer")
    suspect = make_member(email="suspect@example.test", name="Suspect Person")
    leaver = make_member(email="leaver@example.test", name="Leaving Member")
    withdrawal.withdraw(member=leaver)
    returning = make_member(email="leaver@example.test", name="New Member")  # the same address again
    withdrawal.flag_returning_member(member=returning)  # what sign-up does (allauth's user_signed_up)

    LoginRecord.objects.create(member=suspect, ip_address="203.0.113.9", result="success")
    clock.travel_to(clock.now() + timedelta(days=200))  # the login record is past its 6 months
    try:
        sweeps.run()
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        desk = Journey(context, live_server.url, name="privacy_retention")
        page = desk.page
        sign_in(page, officer.email, totp_secret=secret)
        page.goto("/staff/privacy/")
        page.get_by_role("link", name="Retention and legal holds").click()
        assert "6" in page.content()
        desk.shot("rules")
        page.goto("/staff/privacy/retention/log/")
        assert "Login records" in page.content() or "login" in page.content().lower()
        desk.shot("destruction-log")

        page.goto("/staff/privacy/retention/holds/")
        form = page.get_by_test_id("place-hold")
        form.get_by_label("Member ID").fill(suspect.member_id)
        form.get_by_label("Reason (the law or the investigation)").fill("Police request 0026/2569")
        form.get_by_role("button", name="Place the hold").click()
        hold = LegalHold.objects.get(member=suspect)
        assert "Police request 0026/2569" in page.get_by_test_id("active-holds").inner_text()
        desk.shot("holds")
        row = page.get_by_test_id(f"hold-{hold.pk}")
        row.get_by_label("Why it ends").fill("Case closed")
        row.get_by_role("button", name="Release").click()
        hold.refresh_from_db()
        assert hold.released_at is not None and hold.release_reason == "Case closed"

        page.goto("/staff/privacy/withdrawn/matches/")
        assert returning.member_id in page.get_by_test_id("matches").inner_text()
        assert "leaver@example.test" not in page.content()  # a flag, not the withdrawn member's data
        desk.shot("matches")
        page.goto("/staff/privacy/withdrawn/")
        page.get_by_label("Member ID").fill(leaver.member_id)
        page.get_by_label("Why do you need to see this personal data?").fill("Checking a returning sign-up")
        page.get_by_role("button", name="Open").click()
        kept = page.get_by_test_id(f"kept-{leaver.member_id}").inner_text()
        assert "leaver@example.test" in kept and "Leaving Member" in kept
        desk.shot("store")
        assert desk.foreign_requests() == []
        context.close()
    finally:
        clock.release()
