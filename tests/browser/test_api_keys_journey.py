"""A reseller on a phone makes an API key, copies its secret (shown once), uses it, revokes it."""

import httpx
import pytest

from snshelper.api.models import ApiKey
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_creates_a_key_sees_the_secret_once_and_revokes_it(journey, funded, live_server):
    page = journey.page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(funded.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="API").click()
    page.wait_for_url("**/api/keys/")
    assert page.get_by_test_id("endpoint").inner_text() == f"{live_server.url}/api/v2"
    page.get_by_label("Name").fill("My panel")
    page.get_by_label("Allowed IP addresses").fill("127.0.0.1")
    journey.shot("keys-create")
    page.get_by_role("button", name="Create the key").click()

    secret = page.get_by_test_id("secret").input_value()
    assert len(secret) == 40 and "only time we show it" in page.locator("main").inner_text()
    journey.shot("secret-shown-once")
    reseller = {"key": secret, "action": "balance"}
    assert httpx.post(f"{live_server.url}/api/v2", data=reseller).json() == {
        "balance": "1000.00",
        "currency": "THB",
    }

    page.get_by_role("link", name="back to my keys").click()
    row = page.get_by_test_id(f"key-{ApiKey.objects.get().pk}")
    assert "My panel" in row.inner_text() and f"{secret[:6]}…" in row.inner_text()
    assert secret not in page.content()
    journey.shot("keys-list")

    row.get_by_role("link", name="Revoke").click()
    journey.shot("revoke-confirm")
    page.get_by_role("button", name="Yes, revoke the key").click()
    page.wait_for_url("**/api/keys/")
    assert "Revoked" in page.get_by_test_id(f"key-{ApiKey.objects.get().pk}").inner_text()
    journey.shot("key-revoked")
    assert httpx.post(f"{live_server.url}/api/v2", data=reseller).json() == {"error": "Invalid API key"}
    assert journey.foreign_requests() == []
