"""Breaches (P18): the privacy officer records an incident, adds the members it touched, notifies
them and reads the 72-hour clock and the report for the regulator; a member sees the notice on
the site, reads it on their privacy page and dismisses it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from snshelper.core import clock
from snshelper.privacy.models import BreachIncident, BreachNotice
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_and_notifies_a_breach_and_the_member_reads_and_dismisses_it(
    chromium, live_server, make_staff, make_member
):
    officer, secret = make_staff("privacy_officer")
    somchai = make_member(email="somchai@example.test", name="Somchai Jaidee", language="en")
    minji = make_member(email="minji@example.test", name="Kim Minji", language="ko")
    clock.travel_to(clock.now().replace(second=0, microsecond=0))
    found = timezone.localtime(clock.now() - timedelta(hours=5))
    try:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        desk = Journey(context, live_server.url, name="breach_register")
        page = desk.page
        sign_in(page, officer.email, totp_secret=secret)
        page.goto("/staff/privacy/")
        page.get_by_role("link", name="Breach register").click()
        page.get_by_role("link", name="Record an incident").click()
        page.get_by_label("Title").fill("Support mailbox exposed")
        page.get_by_label("Found at (the 72-hour clock counts from here)").fill(
            found.strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_label("What happened").fill(
            "A support mailbox was readable without a password for two days."
        )
        page.get_by_label("How it happened").fill("A setting of the mail provider was changed by mistake.")
        page.get_by_label("Contact details (email, phone number)").check()
        page.get_by_label("Likely consequences").fill("Phishing mails to the addresses concerned.")
        page.get_by_label("Measures taken").fill("We closed the mailbox and changed its passwords.")
        page.get_by_label("Remedies for members").fill("A free month of priority support.")
        page.get_by_label("What members can do").fill("Ignore mails asking for your password.")
        page.get_by_label("Affected member IDs (separated by spaces or commas)").fill(somchai.member_id)
        desk.shot("new-incident")
        page.get_by_test_id("record-incident").click()
        assert "Incident recorded" in page.locator(".messages").inner_text()
        incident = BreachIncident.objects.get()
        assert incident.found_at == found

        # The clocks: 72 hours from when it was found, 5 of them gone.
        assert page.get_by_test_id("clock-regulator").first.inner_text() == "67 hours left"
        page.get_by_test_id("add-members").get_by_label(
            "Add member IDs (separated by spaces or commas)"
        ).fill(minji.member_id)
        page.get_by_test_id("add-members").get_by_role("button", name="Add").click()
        assert minji.member_id in page.get_by_test_id("affected-members").inner_text()

        page.get_by_test_id("notify").click()
        assert "2 members notified" in page.locator(".messages").inner_text()
        notices = {n.member_id: n for n in BreachNotice.objects.all()}
        assert notices[somchai.pk].language == "en" and notices[minji.pk].language == "ko"
        mailed = sorted(m.to[0] for m in mail.outbox if "Support mailbox exposed" in m.subject)
        assert mailed == ["minji@example.test", "somchai@example.test"]
        report = page.get_by_test_id("report-en").inner_text()
        assert "Approximate number of people concerned: 2" in report
        assert "Contact details (email, phone number)" in report
        assert page.get_by_test_id("report-th").inner_text()
        assert [e.strip() for e in page.get_by_test_id("events").inner_text().splitlines()][-1].endswith(
            "affected members notified (2)"  # the log in words, not the code
        )
        desk.shot("incident")
        assert desk.foreign_requests() == []
        context.close()

        member_context = chromium.new_context(
            viewport={"width": 390, "height": 844}, base_url=live_server.url
        )
        mine = Journey(member_context, live_server.url, name="breach_notice")
        sign_in(mine.page, somchai.email)
        banner = mine.page.get_by_test_id("breach-banner")
        assert "Support mailbox exposed" in banner.inner_text()
        mine.shot("banner")
        banner.get_by_role("link", name="Read what happened and what you can do").click()
        notice = mine.page.get_by_test_id("breach-notice")
        for item in ("What data was involved", "What you can do", "Whom to contact"):
            assert item in notice.inner_text()
        mine.shot("privacy-page")
        mine.page.goto("/dashboard/")
        mine.page.get_by_test_id("dismiss-breach").click()  # HTMX removes the banner in place
        mine.page.get_by_test_id("breach-banner").wait_for(state="detached")
        assert BreachNotice.objects.get(member=somchai).seen_at is not None
        mine.page.reload()
        assert mine.page.get_by_test_id("breach-banner").count() == 0
        mine.shot("dismissed")
        assert mine.foreign_requests() == []
        member_context.close()
    finally:
        clock.release()
