"""Issue 18, point 5, in a real browser: a marketing staff member writes the terms of service and
an FAQ in Markdown in the back office (a script slipped into the text never runs), a visitor on a
phone finds both in the footer, reads them in Thai and in English, and signs up accepting the
terms, whose version is recorded. No request leaves for another host."""

import pytest

from snshelper.accounts.models import Member
from snshelper.pages.models import TermsAcceptance
from tests.browser.conftest import Journey
from tests.browser.test_csp_journey import Watched
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TERMS_TH = """## การสั่งซื้อ

1. เติมเงินเข้ากระเป๋าก่อนสั่งซื้อ
2. ใส่ลิงก์ที่เป็น**สาธารณะ**เท่านั้น

## การคืนเงิน

คำสั่งซื้อที่ยกเลิกหรือทำได้ไม่ครบ เราคืนเงินส่วนที่เหลือเข้ากระเป๋าทันที ดู[ราคาบริการ](/services/)

<script>document.title = "hacked"</script>
<p onclick="alert(1)" style="color:red">ข้อความนี้ไม่มีสี</p>
"""
TERMS_EN = """## Ordering

1. Top up your balance before you order.
2. Give a **public** link only.

## Refunds

Canceled or partial orders are refunded to your balance at once. See [our prices](/services/).
"""
FAQ_TH = """## เริ่มทำงานเมื่อไร

ส่วนใหญ่เริ่มภายใน 1 ชั่วโมงหลังสั่งซื้อ

## เติมเงินอย่างไร

| วิธี | เวลา |
|:--|:--|
| พร้อมเพย์ | ทันที |
| โอนผ่านธนาคาร | ภายใน 1 ชั่วโมง |
"""
FAQ_EN = """## When does an order start?

Most orders start within an hour.
"""


def _staff_sign_in(page, email, secret):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.locator("#id_code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def _write(journey, *, slug, kind, title_th, body_th, title_en="", body_en="", position="0", shot=""):
    page = journey.page
    page.get_by_test_id("new-page").click()
    page.get_by_label("Page address").fill(slug)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Title in Thai").fill(title_th)
    page.get_by_label("Text in Thai").fill(body_th)
    page.get_by_label("Title in English").fill(title_en)
    page.get_by_label("Text in English").fill(body_en)
    page.get_by_label("Position").fill(position)
    page.get_by_label("Published: visitors can read it").check()
    if shot:
        journey.shot(shot)
    page.get_by_test_id("save-page").click()
    page.wait_for_url("**/staff/pages/*/")
    assert "Page saved as version 1." in page.locator(".messages").inner_text()
    page.get_by_role("link", name="All pages").click()


def test_marketing_writes_the_terms_and_a_visitor_reads_them_and_signs_up_accepting_them(
    chromium, live_server, journey, make_staff
):
    marketer, secret = make_staff("marketing")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    desk = Journey(context, live_server.url, name="pages_marketing")
    page = desk.page
    _staff_sign_in(page, marketer.email, secret)
    page.get_by_test_id("cookie-accept").click()
    page.goto("/staff/")
    page.get_by_test_id("dashboard-links").get_by_role("link", name="Site pages").click()
    page.wait_for_url("**/staff/pages/")
    _write(
        desk,
        slug="terms",
        kind="terms",
        title_th="ข้อตกลงการใช้บริการ",
        body_th=TERMS_TH,
        title_en="Terms of service",
        body_en=TERMS_EN,
        position="1",
        shot="write-terms",
    )
    _write(
        desk,
        slug="faq",
        kind="faq",
        title_th="คำถามที่พบบ่อย",
        body_th=FAQ_TH,
        title_en="FAQ",
        body_en=FAQ_EN,
        position="2",
    )
    assert page.get_by_test_id("pages").locator("tbody tr").count() == 2
    desk.shot("pages-list")
    assert desk.foreign_requests() == []
    context.close()

    # A visitor on a phone: the footer leads to both pages, in Thai, then in English.
    watched = Watched(journey)
    page = watched.page
    page.goto("/")
    page.get_by_test_id("cookie-accept").click()
    footer = page.locator(".site-footer")
    assert footer.get_by_role("link", name="ข้อตกลงการใช้บริการ").is_visible()
    journey.shot("footer")
    footer.get_by_role("link", name="ข้อตกลงการใช้บริการ").click()
    page.wait_for_url("**/pages/terms/")
    body = page.get_by_test_id("page-body")
    assert body.locator("h2").all_inner_texts() == ["การสั่งซื้อ", "การคืนเงิน"]
    assert body.locator("ol li").count() == 2 and body.locator("strong").inner_text() == "สาธารณะ"
    assert page.title() != "hacked" and body.locator("script, [style], [onclick]").count() == 0
    assert "ข้อความนี้ไม่มีสี" in body.inner_text()
    journey.shot("terms-thai")
    page.locator(".site-footer").get_by_role("link", name="คำถามที่พบบ่อย").click()
    page.wait_for_url("**/pages/faq/")
    assert page.get_by_test_id("page-body").locator("table tr").count() == 3
    journey.shot("faq-thai")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "FAQ"
    page.locator(".site-footer").get_by_role("link", name="Terms of service").click()
    page.wait_for_url("**/pages/terms/")
    assert page.get_by_test_id("page-body").locator("h2").all_inner_texts() == ["Ordering", "Refunds"]
    journey.shot("terms-english")

    # Signing up: the terms are to be accepted, and the version accepted is recorded.
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Name").fill("Malee Srisuk")
    page.get_by_label("Email").fill("malee@example.test")
    page.locator("#id_password1").fill("my-own-long-password-2026")
    page.locator("#id_password2").fill("my-own-long-password-2026")
    assert page.get_by_role("link", name="Read the terms of service (version 1)").is_visible()
    page.locator("main form button[type=submit]").click()  # not accepted: the browser asks for it
    assert not Member.objects.filter(email="malee@example.test").exists()
    page.get_by_label("I have read and accept the terms of service").check()
    journey.shot("sign-up-with-terms")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    accepted = TermsAcceptance.objects.get(member__email="malee@example.test")
    assert accepted.version_number == 1 and accepted.version.page.slug == "terms"
    assert journey.foreign_requests() == []
    assert watched.csp_violations() == []
