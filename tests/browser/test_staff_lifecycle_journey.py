"""Staff lifecycle (P17): a new staff member signs the security pledge before the desk opens;
an administrator records a training session and a leaving colleague's hand-over."""

from datetime import timedelta

import pytest

from snshelper.core import clock
from snshelper.privacy.models import DataSubjectRequest
from snshelper.staff import pledge, roles
from snshelper.staff.models import HandOver, SecurityPledge, TrainingSession
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_staff_signs_the_pledge_then_an_administrator_records_training_and_a_hand_over(
    chromium, live_server, make_staff, member
):
    officer, officer_secret = make_staff(roles.PRIVACY_OFFICER, pledged=False)
    leaving, _ = make_staff(roles.PRIVACY_OFFICER, email="leaving@example.test")
    administrator, admin_secret = make_staff(roles.ADMINISTRATOR)
    request = DataSubjectRequest.objects.create(
        member=member,
        kind=DataSubjectRequest.Kind.VIEW,
        due_at=clock.now() + timedelta(days=10),
        verified_at=clock.now(),
        handled_by=leaving,
    )
    contexts = []
    try:
        # The new privacy officer: the desk waits for the pledge.
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        journey = Journey(context, live_server.url, name="staff_pledge")
        page = journey.page
        sign_in(page, officer.email, totp_secret=officer_secret)
        assert page.get_by_test_id("sign-pledge").is_visible()
        page.get_by_role("link", name="Privacy desk: requests and questions").click()
        page.wait_for_url("**/staff/pledge/**")
        assert "Sign the security pledge first" in page.locator(".messages").inner_text()
        assert "Reporting incidents" in page.get_by_test_id("pledge-text").inner_text()
        journey.shot("pledge")
        page.get_by_label("have read the pledge above").check()
        page.get_by_role("button", name="Sign the pledge").click()
        page.wait_for_url("**/staff/privacy/")
        assert (
            "your signature under the security pledge is recorded" in page.locator(".messages").inner_text()
        )
        assert page.get_by_role("heading", name="Privacy desk").is_visible()
        journey.shot("desk-open")
        assert SecurityPledge.objects.filter(staff=officer).exists()
        assert journey.foreign_requests() == []

        # The administrator: training for the officer, then the leaving colleague's hand-over.
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        contexts.append(context)
        journey = Journey(context, live_server.url, name="staff_records")
        page = journey.page
        sign_in(page, administrator.email, totp_secret=admin_secret)
        page.get_by_role("link", name="Staff: pledges, training, hand-overs").first.click()
        page.wait_for_url("**/staff/people/")
        officer_row = page.get_by_test_id(f"staff-{officer.member_id}")
        pledge_status = officer_row.get_by_test_id("pledge-status").inner_text()
        assert "Signed" in pledge_status and f"Version {pledge.PLEDGE_VERSION}" in pledge_status
        assert officer_row.get_by_test_id("training-overdue").is_visible()
        journey.shot("records")

        officer_row.get_by_role("link", name="Record training").click()
        page.get_by_label("Topic").fill("Protecting members' personal data, 2026")
        page.get_by_label("Hours").fill("2")
        journey.shot("training-form")
        page.get_by_role("button", name="Record the training").click()
        page.wait_for_url("**/staff/people/")
        assert "Training session recorded" in page.locator(".messages").inner_text()
        officer_row = page.get_by_test_id(f"staff-{officer.member_id}")
        assert officer_row.get_by_test_id("training-overdue").count() == 0
        assert TrainingSession.objects.get().staff == officer

        page.get_by_test_id(f"staff-{leaving.member_id}").get_by_role(
            "link", name="Record a hand-over"
        ).click()
        assert "Data-subject requests: 1" in page.get_by_test_id("open-work").inner_text()
        page.get_by_label("Open work taken over by").select_option(str(officer.pk))
        page.get_by_label("Open work handed over").fill("One view request; its export is half prepared.")
        journey.shot("hand-over-form")
        page.get_by_role("button", name="Record the hand-over").click()
        page.wait_for_url("**/staff/people/")
        assert "access has ended and open work was reassigned" in page.locator(".messages").inner_text()
        status = page.get_by_test_id(f"staff-{leaving.member_id}").get_by_test_id("hand-over-status")
        assert "Left: access ended" in status.inner_text() and "1 item reassigned" in status.inner_text()
        journey.shot("records-after")
        hand_over = HandOver.objects.get(staff=leaving)
        assert hand_over.reassigned_to == officer and hand_over.carried_out_at is not None
        request.refresh_from_db()
        assert request.handled_by == officer
        leaving.refresh_from_db()
        assert not leaving.is_active
        assert journey.foreign_requests() == []
    finally:
        for context in contexts:
            context.close()
