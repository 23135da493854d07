"""A new staff member must set up an authenticator before any page opens, then the back office."""

import pytest

from snshelper.staff import roles
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_staff_sets_up_totp_then_opens_the_back_office(journey, make_staff):
    staff, _ = make_staff(roles.FINANCE, with_totp=False)
    page = journey.page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Straight to the authenticator set-up (after confirming the password once more).
    page.wait_for_load_state()
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator(".totp-qr svg").is_visible()  # the QR code, drawn inline (CSP-safe)
    journey.shot("staff-totp-setup")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/admin/")
    if "/2fa/reauthenticate/" in page.url:  # prove the second factor for this session
        page.locator("#id_code").fill(totp_code(secret))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/admin/")
    assert "SNS Helper back office" in page.title()
    journey.shot("staff-back-office")
    assert journey.foreign_requests() == []
