"""On a phone, a member asks about an order with a screenshot; support staff answer with a canned reply
from the queue; the member reads the answer. No request leaves for a third-party host."""

import io

import pytest
from PIL import Image

from snshelper.orders import services as orders
from snshelper.support import services as support
from snshelper.support.models import Consultation, Status
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def accept_cookies(page) -> None:
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")


def screenshot_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (40, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_member_asks_about_an_order_with_a_screenshot_and_reads_supports_canned_reply(
    journey, chromium, live_server, funded, make_service, make_staff
):
    order = orders.place_order(
        member=funded, service=make_service(), link="https://instagram.com/somchai", quantity=100
    )
    canned = support.save_canned_reply(
        title="Order restarted",
        body_th="เราเริ่มคำสั่งซื้อของคุณใหม่แล้ว ขอบคุณที่รอ",
        body_en="We restarted your order. Thank you for waiting.",
        body_ko="주문을 다시 시작했습니다. 기다려 주셔서 감사합니다.",
    )
    staff, secret = make_staff("support")

    page = journey.page
    sign_in(page, funded.email)
    accept_cookies(page)  # the banner out of the screenshots (the language cookie stays)
    page.goto(f"/support/new/?order={order.pk}")
    assert page.get_by_label("What is it about?").input_value() == "order"
    assert page.get_by_label("Which order?").input_value() == str(order.pk)
    page.get_by_label("Subject").fill("Followers have not started")
    page.get_by_label("Your message").fill("I ordered two days ago and nothing has arrived yet.")
    page.get_by_label("Attachments").set_input_files(
        files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": screenshot_png()}]
    )
    journey.shot("new-consultation")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/support/C-*/")
    consultation = Consultation.objects.get(member=funded)
    assert page.get_by_test_id("consultation-status").inner_text() == "Waiting for our answer"
    assert page.get_by_test_id("attachment").inner_text() == "screenshot.png"
    journey.shot("waiting")

    desk = Journey(
        chromium.new_context(viewport=PHONE, locale="en-US", base_url=live_server.url),
        live_server.url,
        "support-desk",
    )
    try:
        sign_in(desk.page, staff.email, totp_secret=secret)
        accept_cookies(desk.page)
        desk.page.goto("/staff/support/")
        row = desk.page.get_by_test_id(f"row-{consultation.number}")
        assert funded.member_id in row.inner_text()
        desk.shot("queue")
        row.get_by_role("link", name=consultation.number).click()
        desk.page.wait_for_url(f"**/staff/support/{consultation.number}/")
        assert desk.page.get_by_test_id("member-id").inner_text() == funded.member_id
        assert funded.email not in desk.page.content()
        desk.page.get_by_label("Canned reply", exact=False).select_option(str(canned.pk))
        desk.page.get_by_role("button", name="Insert").click()
        desk.page.wait_for_url("**canned=*")
        funded.refresh_from_db()
        expected = canned.body_in(funded.language)
        assert desk.page.get_by_label("Reply to the member").input_value() == expected
        desk.shot("canned-reply")
        desk.page.get_by_test_id("reply-form").get_by_role("button", name="Send").click()
        desk.page.wait_for_url(f"**/staff/support/{consultation.number}/")
        assert desk.page.get_by_test_id("consultation-status").inner_text() == "Answered"
        desk.shot("answered")
        assert desk.foreign_requests() == []
    finally:
        desk.context.close()

    page.reload()
    assert page.get_by_test_id("consultation-status").inner_text() == "Answered"
    assert page.get_by_test_id("staff-message").inner_text().count(expected) == 1
    journey.shot("member-reads-reply")
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED and consultation.first_response_at is not None

    # The reply is a notice too: the bell counts it, the notification centre opens the thread.
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_role("link", name="Notices, 1 new").click()
    page.wait_for_url("**/notifications/")
    notice = page.get_by_test_id("notice").first
    assert notice.get_by_role("heading").inner_text() == f"Consultation {consultation.number}: we replied"
    journey.shot("notification-centre")
    notice.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**/support/{consultation.number}/")
    assert page.get_by_test_id("unread-count").count() == 0

    # Answered: the member closes it.
    page.get_by_role("button", name="My question is answered: close").click()
    page.wait_for_url(f"**/support/{consultation.number}/")
    assert page.get_by_test_id("consultation-status").inner_text() == "Closed"
    journey.shot("closed")
    assert journey.foreign_requests() == []
