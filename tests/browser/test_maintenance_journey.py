"""Issue 18, point 6, in a real browser: an administrator switches the site to maintenance from the
back office with a message and an expected end; a visitor on a phone gets the message (503) in Thai
and in English, the reseller API answers an error, a member who signs in sees the message too,
while a marketing staff member signs in on a phone and keeps working; the administrator switches
it off and the log shows both switches. No request leaves for another host."""

from datetime import timedelta

import pytest
from django.utils import timezone

from snshelper.core import clock
from snshelper.maintenance.models import MaintenanceSwitch
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THAI = "ปิดปรับปรุงระบบชำระเงิน ขออภัยในความไม่สะดวก"
ENGLISH = "We are upgrading the payment system. Sorry for the wait."


def _sign_in(page, email, secret=None):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.locator("#id_code").fill(totp_code(secret))
        page.get_by_role("button", name="Sign In").click()  # staff sign in in English here
    page.wait_for_url("**/dashboard/")


def test_an_administrator_closes_the_site_visitors_see_why_and_staff_keep_working(
    chromium, live_server, journey, member, make_staff
):
    admin, admin_secret = make_staff("administrator")
    marketer, marketing_secret = make_staff("marketing")

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    desk = Journey(context, live_server.url, name="maintenance_admin")
    office = desk.page
    office.goto("/")
    office.get_by_role("button", name="English").click()
    office.get_by_test_id("cookie-accept").click()
    _sign_in(office, admin.email, admin_secret)
    office.goto("/staff/")
    office.get_by_test_id("dashboard-links").get_by_role("link", name="Maintenance mode").click()
    office.wait_for_url("**/staff/maintenance/")
    office.get_by_label("Message in Thai").fill(THAI)
    office.get_by_label("Message in English").fill(ENGLISH)
    end = timezone.localtime(clock.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    office.get_by_label("Expected end (Bangkok time)").fill(end.strftime("%Y-%m-%dT%H:%M"))
    office.get_by_test_id("switch-on").click()
    state = office.get_by_test_id("maintenance-state")
    state.filter(has_text="The site is closed for maintenance").wait_for()
    desk.shot("switched-on")

    # A visitor on a phone: the message, in Thai then in English, with HTTP 503 and Retry-After.
    page = journey.page
    response = page.goto("/")
    assert response.status == 503 and 7000 < int(response.headers["retry-after"]) <= 7200
    assert THAI in page.get_by_test_id("maintenance-message").inner_text()
    page.get_by_test_id("cookie-accept").click()
    journey.shot("closed-thai")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert ENGLISH in page.get_by_test_id("maintenance-message").inner_text()
    assert end.strftime("%H:%M") in page.get_by_test_id("maintenance-end").inner_text()
    journey.shot("closed-english")
    api = page.request.post("/api/v2", form={"key": "any", "action": "balance"})
    assert api.status == 503 and api.json()["error"].startswith("Under maintenance until")

    # A member can sign in (the sign-in page stays open) but sees the message too.
    page.goto("/accounts/login/")
    assert page.get_by_test_id("maintenance-banner").is_visible()
    journey.shot("sign-in-open")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_test_id("maintenance-page").is_visible()

    # Marketing, on a phone, keeps working.
    context_phone = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    staff_phone = Journey(context_phone, live_server.url, name="maintenance_marketing")
    phone = staff_phone.page
    phone.goto("/accounts/login/")
    phone.get_by_role("button", name="English").click()
    phone.get_by_test_id("cookie-accept").click()
    _sign_in(phone, marketer.email, marketing_secret)
    phone.goto("/staff/orders/")
    assert phone.get_by_test_id("maintenance-banner").is_visible()
    assert phone.get_by_test_id("maintenance-page").count() == 0
    staff_phone.shot("queue-during-maintenance")
    assert staff_phone.foreign_requests() == []
    context_phone.close()

    # The administrator opens the site again; the log keeps both switches.
    office.goto("/staff/")
    assert office.get_by_test_id("maintenance-banner").is_visible()  # every staff page says it is on
    office.get_by_test_id("maintenance-banner").get_by_role("link", name="Maintenance mode").click()
    office.get_by_test_id("switch-off").click()
    office.get_by_text("Maintenance mode is off: the site is open again.").wait_for()
    assert office.get_by_test_id("maintenance-log").locator("tbody tr").count() == 2
    desk.shot("switched-off")
    assert page.goto("/").status == 200
    assert [s.is_on for s in MaintenanceSwitch.objects.order_by("id")] == [True, False]
    assert journey.foreign_requests() == [] and desk.foreign_requests() == []
    context.close()
