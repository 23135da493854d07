"""Under the strict Content-Security-Policy the browser refuses nothing, and the pages still work:
a visitor, a member (live price, PromptPay QR, the API docs and Swagger) and a staff member who
passes the second factor, each page watched for CSP violations and console errors."""

from decimal import Decimal

import pytest

from snshelper.staff import roles
from snshelper.staff import services as staff_services
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each violation is also reported to the console by this listener, so a refused inline style set
# from script (which Chromium may not log itself) is caught as well as what Chromium logs.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Watched:
    """A journey whose console errors (CSP refusals among them) are collected page by page."""

    def __init__(self, journey: Journey):
        self.journey = journey
        self.page = journey.page
        self.errors: list[str] = []
        journey.context.add_init_script(REPORT_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))

    def _console(self, message):
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # Django admin's pages name no icon, so Chromium asks for /favicon.ico (404)
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(f"{self.page.url}: {message.text}")

    def csp_violations(self) -> list[str]:
        return [error for error in self.errors if "Content Security Policy" in error]


def test_main_pages_work_with_no_csp_violation(journey, funded, make_service):
    service = make_service(rate=Decimal("90"), name_en="Thai followers")
    watched = Watched(journey)
    page = watched.page

    page.goto("/")
    assert page.locator("link[rel=stylesheet]").count() == 1
    # The stylesheet applied (it is the only source of styles): the header is laid out as a row.
    assert page.evaluate("getComputedStyle(document.querySelector('.header-row')).display") == "flex"
    journey.shot("home")
    page.goto("/accounts/signup/")
    page.locator("#id_email").wait_for()
    journey.shot("sign-up")

    sign_in(page, funded.email)  # the sign-in page, then the dashboard
    journey.shot("dashboard")

    page.goto("/orders/new/")
    page.get_by_label("Service").select_option(str(service.pk))  # htmx swaps in the form
    page.get_by_test_id("rules").wait_for()
    page.get_by_label("Link or account ID").fill("https://www.instagram.com/p/Csp1/")
    page.get_by_label("Quantity").fill("1000")
    page.get_by_test_id("price").filter(has_text="฿90").wait_for()  # the live price, by htmx
    page.get_by_label("Quantity").fill("2000")
    page.get_by_test_id("price").filter(has_text="฿180").wait_for()
    journey.shot("new-order-live-price")

    page.goto("/wallet/top-up/promptpay/")
    page.get_by_label("Amount (THB)").fill("350")
    page.get_by_role("button", name="Get the QR code").click()
    page.wait_for_url("**/wallet/top-ups/TU-*/")
    assert page.get_by_test_id("promptpay-qr").locator("svg").is_visible()
    journey.shot("promptpay-qr")

    page.goto("/api/docs/")
    page.get_by_test_id("endpoint").wait_for()
    page.get_by_test_id("v1-docs-link").click()
    page.wait_for_url("**/api/v1/docs")
    page.get_by_text("/api/v1/balance").first.click()  # Swagger UI, built by its script, works
    page.get_by_text("Too many requests: wait the number of seconds").first.wait_for()
    journey.shot("swagger")

    assert watched.csp_violations() == []
    assert watched.errors == []
    assert journey.foreign_requests() == []


def test_staff_pages_after_mfa_have_no_csp_violation(chromium, live_server, make_staff):
    staff, secret = make_staff(roles.MARKETING)
    staff_services.sign_pledge(staff=staff)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    journey = Journey(context, live_server.url, name="csp_staff")
    watched = Watched(journey)
    page = watched.page
    try:
        sign_in(page, staff.email, totp_secret=secret)  # the MFA step is a page of its own
        page.goto("/admin/")
        assert "SNS Helper back office" in page.title()
        journey.shot("back-office")
        page.goto("/staff/orders/")
        page.locator("main").wait_for()
        journey.shot("staff-orders")
        assert watched.csp_violations() == []
        assert watched.errors == []
        assert journey.foreign_requests() == []
    finally:
        context.close()


def test_an_inline_script_would_be_caught(journey, live_server):
    """The watch itself works: a script injected as inline code is refused and reported."""
    watched = Watched(journey)
    page = journey.page
    page.goto("/")
    page.evaluate(
        """() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.appendChild(script);
      const box = document.createElement("div");
      box.setAttribute("style", "color: red");
      document.body.appendChild(box);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.inlineRan === undefined")
    violations = watched.csp_violations()
    assert any("script-src" in violation for violation in violations), violations
    assert any("style-src" in violation for violation in violations), violations


def test_a_visitor_who_floods_a_public_form_gets_a_clear_page(journey, settings, clock):
    settings.PUBLIC_FORM_RATE = "2/60"  # the clock stands still: all three posts in one window
    watched = Watched(journey)
    page = journey.page
    page.goto("/privacy/cookies/")
    for _ in range(2):
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="English").click()
    page.get_by_test_id("too-many-requests").wait_for()
    assert "then try again" in page.get_by_test_id("too-many-requests").inner_text()
    journey.shot("too-many-requests")
    assert watched.csp_violations() == []
