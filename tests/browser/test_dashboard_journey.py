"""Issue 8 in a real browser: an administrator and a marketing staff member open the staff
dashboard (charts drawn by us, only their own panels) and publish announcements; a visitor on a
phone sees the newest in the popup, hides it for good, and reads both on the updates page. No
request leaves for another host."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from snshelper.core import clock
from snshelper.orders.models import Order
from snshelper.web.models import Announcement
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, totp_secret):
    """Sign in on a phone: a visitor closes the announcement popup first when it covers the form."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    popup = page.locator("#announcement-popup")
    if popup.count():
        popup.get_by_role("button", name="Close").click()
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.locator("#id_code").fill(totp_code(totp_secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def _seed_orders(member, service):
    now = clock.now()
    for days, count in ((0, 3), (1, 5), (2, 2), (4, 6), (9, 1), (15, 4)):
        for n in range(count):
            Order.objects.create(
                member=member,
                service=service,
                link="https://instagram.com/somchai",
                quantity=100,
                rate=Decimal("90"),
                charge=Decimal("9.00") * (n + 1),
                created_at=now - timedelta(days=days, minutes=n),
            )


def _publish(journey, *, kind, title_th, body_th, title_en, body_en):
    page = journey.page
    page.get_by_test_id("new-announcement").click()
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Title in Thai").fill(title_th)
    page.get_by_label("Text in Thai").fill(body_th)
    page.get_by_label("Title in English").fill(title_en)
    page.get_by_label("Text in English").fill(body_en)
    journey.shot("new-announcement")
    page.get_by_test_id("save-announcement").click()
    page.wait_for_url("**/staff/announcements/")
    assert "Announcement published." in page.locator(".messages").inner_text()


def test_staff_publish_from_the_dashboard_and_a_visitor_reads_the_updates(
    chromium, live_server, make_staff, member, make_service
):
    _seed_orders(member, make_service())
    admin, admin_secret = make_staff("administrator")
    marketer, marketing_secret = make_staff("marketing")

    # The administrator: orders and revenue charts, consultations, provider errors; publishes.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    desk = Journey(context, live_server.url, name="dashboard_admin")
    page = desk.page
    sign_in(page, admin.email, totp_secret=admin_secret)
    page.goto("/staff/")
    for panel in ("orders", "revenue", "consultations", "provider_errors"):
        assert page.get_by_test_id(f"panel-{panel}").is_visible()
    assert page.get_by_test_id("panel-top_ups").count() == 0
    assert page.locator("svg.chart").count() == 2
    assert page.get_by_test_id("orders-total").inner_text() == "21"
    assert page.get_by_role("img", name="Orders per day, last 30 days").is_visible()
    desk.shot("dashboard")
    page.get_by_test_id("dashboard-links").get_by_role("link", name="Announcements").click()
    page.wait_for_url("**/staff/announcements/")
    _publish(
        desk,
        kind="maintenance",
        title_th="ปิดปรับปรุงระบบคืนนี้",
        body_th="ระบบจะปิดปรับปรุง 01:00–02:00 น.",
        title_en="Maintenance tonight",
        body_en="The site is down for maintenance from 01:00 to 02:00.",
    )
    desk.shot("announcements")
    assert desk.foreign_requests() == []
    context.close()

    # Marketing: orders and provider errors only; publishes a price change.
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    office = Journey(context, live_server.url, name="dashboard_marketing")
    page = office.page
    sign_in(page, marketer.email, totp_secret=marketing_secret)
    page.goto("/staff/")
    assert page.get_by_test_id("panel-orders").is_visible()
    assert page.get_by_test_id("panel-revenue").count() == 0
    assert page.get_by_test_id("panel-consultations").count() == 0
    assert page.locator("#announcement-popup").count() == 0  # never on staff pages
    page.get_by_test_id("cookie-accept").click()
    office.shot("dashboard-phone")
    page.get_by_test_id("dashboard-links").get_by_role("link", name="Announcements").click()
    _publish(
        office,
        kind="price_change",
        title_th="ราคาใหม่ลด 10%",
        body_th="บริการผู้ติดตาม Instagram ลดราคา 10% ตั้งแต่วันนี้",
        title_en="New prices: 10% off",
        body_en="Instagram followers are 10% cheaper from today.",
    )
    assert office.foreign_requests() == []
    context.close()
    assert Announcement.objects.count() == 2

    # A visitor on a phone (Thai): the newest announcement in the popup, hidden for good.
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, locale="th-TH", base_url=live_server.url
    )
    visitor = Journey(context, live_server.url, name="dashboard_visitor")
    page = visitor.page
    page.goto("/")
    popup = page.get_by_test_id("announcement-popup")
    assert popup.count() == 0  # the cookie banner first
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")
    expect(popup).to_be_visible()
    assert "ราคาใหม่ลด 10%" in popup.inner_text()
    assert "ปิดปรับปรุงระบบคืนนี้" not in popup.inner_text()  # one popup: the newest
    visitor.shot("popup")
    with page.expect_response("**/dismiss/"):
        popup.get_by_test_id("popup-close").click()
    expect(popup).to_be_hidden()
    page.reload()
    assert page.get_by_test_id("announcement-popup").count() == 0
    visitor.shot("popup-gone")

    page.goto("/updates/")
    updates = page.get_by_test_id("updates")
    text = updates.inner_text()
    assert text.index("ราคาใหม่ลด 10%") < text.index("ปิดปรับปรุงระบบคืนนี้")
    visitor.shot("updates-th")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    text = page.get_by_test_id("updates").inner_text()
    assert "New prices: 10% off" in text and "Maintenance tonight" in text
    assert "Price change" in text and "Maintenance" in text
    visitor.shot("updates-en")
    assert visitor.foreign_requests() == []
    context.close()
