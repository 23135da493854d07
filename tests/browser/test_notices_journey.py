"""A member on a phone finds their notices: the bell shows how many are new, the notification
centre lists them in the member's language, a notice opens the order it is about, all are marked
read, and the member chooses their channels. On a computer the green LINE button shows our QR code."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from snshelper.notifications.models import Notification
from snshelper.orders.models import Status
from snshelper.orders.services import place_order, transition
from snshelper.wallet import services as wallet
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


def test_member_reads_notices_on_a_phone(journey, make_member, make_service):
    member = make_member(email="nid@example.test", name="Nid", language="en")
    wallet.credit_top_up(member=member, amount=Decimal("500"), idempotency_key="fund")
    order = place_order(member=member, service=make_service(), link="@nid.bakery", quantity=1000)
    transition(order=order, to=Status.IN_PROGRESS, start_count=120)
    transition(order=order, to=Status.PARTIAL, remains=200)
    top_up = wallet.create_promptpay_top_up(member=member, amount=Decimal("300"))
    wallet.approve_top_up(top_up=top_up, by=None)
    assert Notification.objects.filter(member=member).count() == 3

    page = journey.page
    _sign_in(page, member.email)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("unread-count").inner_text() == "3"
    page.get_by_role("link", name="Notices, 3 new").click()
    page.wait_for_url("**/notifications/")
    notices = page.get_by_test_id("notice")
    assert notices.count() == 3
    assert notices.nth(0).get_by_role("heading").inner_text() == f"Top-up {top_up.reference} approved"
    assert f"Order #{order.pk} finished in part" in page.inner_text("main")
    assert "We refunded 18.00 THB to your balance." in page.inner_text("main")
    journey.shot("notification-centre")

    notices.nth(1).get_by_role("button", name="Open").click()
    page.wait_for_url(f"**/orders/{order.pk}/")
    assert page.get_by_test_id("unread-count").inner_text() == "2"
    page.goto("/notifications/")
    page.get_by_test_id("mark-all-read").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.locator(".notice-unread").count() == 0
    journey.shot("all-read")

    page.get_by_role("link", name="How notices reach you").click()
    page.get_by_label("By email", exact=True).uncheck()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your notice settings are saved.").is_visible()
    assert not page.get_by_label("By email", exact=True).is_checked()
    journey.shot("notice-settings")
    assert journey.foreign_requests() == []


def test_the_line_button_shows_a_qr_code_on_a_computer(chromium, live_server, settings):
    desk = Journey(
        chromium.new_context(
            base_url=live_server.url, locale="th-TH", viewport={"width": 1280, "height": 800}
        ),
        live_server.url,
        "line-button-desktop",
    )
    page = desk.page
    page.goto("/")
    page.get_by_test_id("line-button").click()
    dialog = page.get_by_test_id("line-dialog")
    assert dialog.is_visible()
    qr = page.locator(".line-qr")
    expect(qr).to_have_js_property("complete", True)  # (no wait_for_function: our CSP forbids eval)
    assert qr.evaluate("image => image.naturalWidth") > 0  # the image decoded
    assert page.locator(".line-qr").get_attribute("src") == "/contact/line/qr.svg"
    desk.shot("line-qr")
    dialog.get_by_role("button").click()
    assert not dialog.is_visible()
    assert desk.foreign_requests() == []  # the QR is drawn by us; LINE was not opened
    desk.context.close()


def test_the_line_button_is_a_deep_link_on_a_phone(chromium, live_server, settings):
    phone = Journey(
        chromium.new_context(
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
        ),
        live_server.url,
        "line-button-phone",
    )
    page = phone.page
    page.goto("/")
    button = page.get_by_test_id("line-button")
    assert button.get_attribute("href") == settings.LINE_OFFICIAL_ACCOUNT_URL
    assert page.evaluate("matchMedia('(hover: hover) and (pointer: fine)').matches") is False
    phone.shot("line-button")
    phone.context.close()
