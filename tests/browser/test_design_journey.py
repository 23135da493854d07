"""Issue 17 in a real browser: nothing covers the work. On a phone (390×844, Thai) every member
page's primary buttons can be reached and clicked — with the cookie banner still up, and after it
with an announcement published — and the popup is a real modal a keyboard closes; on a desktop
every staff page's primary buttons can be clicked too. Screenshots of each page go to
test-artifacts/browser/."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from snshelper.orders import services as orders
from snshelper.staff import access, roles
from snshelper.staff import services as staff_services
from snshelper.support import services as support
from snshelper.wallet import services as wallet
from snshelper.web import services as announcements
from snshelper.web.models import Announcement
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# The buttons a page asks the person to press: the site's primary style (not the secondary ones,
# not the header's sign-out link button), inside the page's content.
PRIMARY = (
    "main :is(button, a.button, input[type=submit])"
    ":not(.button-secondary):not(.link-button):not([disabled]):not([hidden])"
)

# What sits at the centre of the element once the browser has brought it into view the way
# focusing it would (scroll-padding counts): the element itself, or whatever covers it.
COVERED_BY = """el => {
  el.scrollIntoView({block: "nearest", inline: "nearest"});
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit && (el === hit || el.contains(hit))) return "";
  return hit ? hit.outerHTML.slice(0, 160) : `nothing at ${x},${y}`;
}"""


def _sign_in(page, email, totp_secret=None):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if totp_secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.locator("#id_code").fill(totp_code(totp_secret))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")


def _blocked_buttons(journey: Journey, path: str) -> list[str]:
    """Every visible primary button on ``path`` that something else covers or that a click
    cannot reach; the page is photographed as it stands."""
    page = journey.page
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    page.wait_for_load_state()
    journey.shot(path.strip("/").replace("/", "-") or "home")
    blocked = []
    buttons = page.locator(PRIMARY)
    for index in range(buttons.count()):
        button = buttons.nth(index)
        if not button.is_visible():
            continue
        label = (button.inner_text() or button.get_attribute("value") or "").strip()[:40]
        if cover := button.evaluate(COVERED_BY):
            blocked.append(f"{path} «{label}» covered by {cover}")
            continue
        try:
            button.click(trial=True, timeout=3000)  # Playwright's own hit test, without clicking
        except Exception as error:  # noqa: BLE001 — any refusal is the finding
            blocked.append(f"{path} «{label}»: {str(error).splitlines()[0]}")
    return blocked


@pytest.fixture
def member_pages(funded, make_service):
    """A member with something on every page: an order, a PromptPay top-up, a consultation."""
    service = make_service(rate=Decimal("43.23000"))
    order = orders.place_order(
        member=funded, service=service, link="https://instagram.com/somchai", quantity=100
    )
    top_up = wallet.create_promptpay_top_up(member=funded, amount=Decimal("300"))
    consultation = support.open_consultation(
        member=funded, topic="order", subject="ผู้ติดตามยังไม่ครบ", body="สั่งไปเมื่อวาน", order=order
    )
    return funded, [
        "/",
        "/dashboard/",
        "/orders/new/",  # first, while an unread announcement waits: no popup over a form
        "/updates/",
        "/services/",
        f"/services/{service.pk}/",
        "/orders/",
        f"/orders/{order.pk}/",
        "/orders/mass/",
        "/wallet/",
        "/wallet/top-up/promptpay/",
        "/wallet/top-up/bank-transfer/",
        f"/wallet/top-ups/{top_up.reference}/",
        "/wallet/withdraw/",
        "/support/",
        "/support/new/",
        f"/support/{consultation.number}/",
        "/notifications/",
        "/notifications/settings/",
        "/api/keys/",
        "/api/docs/",
        "/accounts/profile/",
        "/accounts/sign-ins/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/account/privacy/",
        "/account/privacy/ask/",
        "/privacy/",
        "/privacy/cookies/",
    ]


def test_on_a_phone_nothing_covers_a_members_primary_buttons(chromium, live_server, member_pages):
    member, paths = member_pages
    context = chromium.new_context(viewport=PHONE, locale="th-TH", base_url=live_server.url)
    journey = Journey(context, live_server.url, name="design_phone_banner")
    _sign_in(journey.page, member.email)

    # With the cookie banner still up (the visitor has not chosen yet).
    expect(journey.page.get_by_test_id("cookie-banner")).to_be_visible()
    blocked = [problem for path in paths for problem in _blocked_buttons(journey, path)]
    assert blocked == []
    context.close()

    # After choosing, with an announcement published: it waits for a page without a form,
    # opens as a modal there, and once closed nothing covers anything.
    announcements.publish_announcement(
        kind=Announcement.Kind.SERVICE_NEWS, title_th="บริการใหม่", body_th="ลองใช้บริการใหม่ของเรา"
    )
    context = chromium.new_context(viewport=PHONE, locale="th-TH", base_url=live_server.url)
    journey = Journey(context, live_server.url, name="design_phone")
    page = journey.page
    _sign_in(page, member.email)
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")
    popup = page.get_by_test_id("announcement-popup")
    page.goto("/orders/new/")
    expect(page.locator("main select").first).to_be_visible()
    expect(popup).to_be_hidden()  # not over the order form
    page.goto("/dashboard/")
    expect(popup).to_be_visible()
    journey.shot("popup-on-dashboard")
    with page.expect_response("**/dismiss/"):
        popup.get_by_test_id("popup-close").click()
    expect(popup).to_be_hidden()
    blocked = [problem for path in paths for problem in _blocked_buttons(journey, path)]
    assert blocked == []
    assert page.get_by_test_id("announcement-popup").count() == 0  # closed once, gone everywhere
    assert journey.foreign_requests() == []
    context.close()


def test_on_a_qr_page_the_line_button_keeps_clear_of_the_amount(chromium, live_server, funded):
    top_up = wallet.create_promptpay_top_up(member=funded, amount=Decimal("1234.5"))
    context = chromium.new_context(viewport=PHONE, locale="th-TH", base_url=live_server.url)
    journey = Journey(context, live_server.url, name="design_qr")
    page = journey.page
    _sign_in(page, funded.email)
    page.get_by_test_id("cookie-accept").click()
    page.goto(f"/wallet/top-ups/{top_up.reference}/")
    amount = page.locator(".promptpay .balance")
    expect(amount).to_have_text("฿1,234.50")
    line = page.get_by_test_id("line-button")
    for _ in range(12):  # the whole way down the page, a screen at a time
        line_box, amount_box = line.bounding_box(), amount.bounding_box()
        overlap_x = (
            line_box["x"] < amount_box["x"] + amount_box["width"]
            and amount_box["x"] < line_box["x"] + line_box["width"]
        )
        overlap_y = (
            line_box["y"] < amount_box["y"] + amount_box["height"]
            and amount_box["y"] < line_box["y"] + line_box["height"]
        )
        assert not (overlap_x and overlap_y), (line_box, amount_box)
        page.mouse.wheel(0, 150)
    assert line_box["width"] < 56  # just the icon here
    journey.shot("promptpay")
    context.close()


def test_the_popup_is_a_modal_escape_closes_it_and_focus_comes_back(chromium, live_server, member):
    announcements.publish_announcement(
        kind=Announcement.Kind.MAINTENANCE, title_th="ปิดปรับปรุงคืนนี้", body_th="01:00–02:00 น."
    )
    context = chromium.new_context(viewport=PHONE, locale="th-TH", base_url=live_server.url)
    journey = Journey(context, live_server.url, name="design_popup_keyboard")
    page = journey.page
    page.goto("/updates/")
    popup = page.get_by_test_id("announcement-popup")
    expect(page.get_by_test_id("cookie-banner")).to_be_visible()
    expect(popup).to_be_hidden()  # never both at once
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")

    expect(popup).to_be_visible()
    assert popup.evaluate("dialog => dialog.matches(':modal')")
    journey.shot("popup-open")
    assert popup.evaluate("dialog => dialog.contains(document.activeElement)")  # focus moved in
    for _ in range(4):  # Tab never reaches the page behind (past the last control: the browser's own UI)
        page.keyboard.press("Tab")
        assert popup.evaluate(
            "dialog => dialog.contains(document.activeElement) || document.activeElement === document.body"
        )
    # Nothing under the modal takes a click: the header link is covered by its backdrop.
    assert page.locator("header .brand").evaluate(COVERED_BY) != ""

    with page.expect_response("**/dismiss/"):
        page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    assert page.evaluate("document.activeElement === document.body")  # back where it was
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")  # from the top
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert popup.count() == 0  # once per announcement
    journey.shot("popup-closed")
    context.close()


def test_on_a_desktop_nothing_covers_a_staff_pages_primary_buttons(
    chromium, live_server, make_staff, member_pages
):
    """The member's order, top-up and consultation give the staff queues rows with buttons."""
    staff, secret = make_staff("administrator")
    for role in sorted(roles.ROLES):
        staff_services.appoint(member=staff, role=role)
    announcements.publish_announcement(
        kind=Announcement.Kind.SERVICE_NEWS, title_th="ข่าว", body_th="ไม่แสดงในหน้าของเจ้าหน้าที่"
    )
    context = chromium.new_context(viewport=DESKTOP, locale="th-TH", base_url=live_server.url)
    journey = Journey(context, live_server.url, name="design_staff")
    page = journey.page
    _sign_in(page, staff.email, totp_secret=secret)
    page.get_by_test_id("cookie-accept").click()
    paths = sorted(
        {
            "/" + entry.route
            for entry in access.staff_urls()
            if "<" not in entry.route and "^" not in entry.route and not entry.route.startswith("admin/")
        }
    )
    blocked, opened = [], 0
    for path in paths:
        response = page.request.get(path)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue  # an action (POST only) or a download
        opened += 1
        blocked += _blocked_buttons(journey, path)
        assert page.get_by_test_id("announcement-popup").count() == 0, path  # never on staff pages
    assert opened >= 10 and blocked == []
    context.close()
