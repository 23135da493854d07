"""A reseller on a phone reads the API docs in Thai and English, signs in to reach their keys,
and opens the interactive JSON API docs: everything served from our own host."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> bool:
    """No sideways scrolling of the whole page (code blocks scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reseller_reads_the_api_docs_and_opens_the_interactive_docs(journey, live_server, member):
    page = journey.page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    page.goto("/api/docs/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_test_id("endpoint").inner_text() == f"{live_server.url}/api/v2"
    assert page.get_by_test_id("keys-link").count() == 0  # a visitor is asked to sign in instead
    add = page.get_by_test_id("action-add-default")
    curl = add.get_by_test_id("sample-curl")
    assert "YOUR_API_KEY" in curl.inner_text() and f"{live_server.url}/api/v2" in curl.inner_text()
    assert _fits_the_screen(page)
    journey.shot("docs-th")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="API documentation", level=1).is_visible()
    python = page.get_by_test_id("action-add-custom-comments").get_by_test_id("sample-python")
    python.locator("summary").click()
    code = python.locator("pre")
    assert code.is_visible() and '"comments": "สวยมาก\\nชอบมากค่ะ\\nGreat shot!"' in code.inner_text()
    python.scroll_into_view_if_needed()
    assert _fits_the_screen(page)
    journey.shot("docs-en-python-example")
    page.get_by_test_id("errors").scroll_into_view_if_needed()
    assert "Not enough funds on balance" in page.get_by_test_id("errors").inner_text()
    journey.shot("docs-en-errors")

    page.get_by_role("link", name="Sign in", exact=True).last.click()
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/api/docs/")
    page.get_by_test_id("keys-link").click()
    page.wait_for_url("**/api/keys/")
    page.go_back()

    page.get_by_test_id("v1-docs-link").click()
    page.wait_for_url("**/api/v1/docs")
    page.get_by_text("/api/v1/orders/{order_id}/refill").first.wait_for()
    page.get_by_text("/api/v1/balance").first.click()  # open one operation: its responses show
    page.get_by_text("Too many requests: wait the number of seconds").first.wait_for()
    journey.shot("swagger")

    assert journey.foreign_requests() == []
    assert console_errors == []  # no request or style refused by the Content-Security-Policy
