"""A member subscribes an account on a phone; marketing staff record its new post from the queue;
the member sees the post's order, charged, under the subscription."""

from datetime import timedelta
from decimal import Decimal

import pytest

from snshelper.core import clock
from snshelper.orders.models import Subscription
from snshelper.wallet import selectors as wallet_selectors
from tests.browser.conftest import Journey
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
POST = "https://www.instagram.com/p/NewPost1/"


def sign_in(page, email, totp_secret=None):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if totp_secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.locator("#id_code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def test_member_subscribes_staff_record_a_post_member_sees_its_order(
    journey, chromium, live_server, funded, make_service, make_staff
):
    service = make_service(type="Subscriptions", rate=Decimal("90"), name_en="Likes on every new post")
    expiry = (clock.now() + timedelta(days=30)).strftime("%d/%m/%Y")
    page = journey.page
    sign_in(page, funded.email)

    page.get_by_role("link", name="New order").first.click()
    page.get_by_label("Service").select_option(str(service.pk))  # HTMX swaps in the form
    page.get_by_label("Account (username or profile link)").fill("@somchai.shop")
    page.get_by_label("Minimum per post").fill("100")
    page.get_by_label("Maximum per post").fill("200")
    page.get_by_test_id("price").filter(has_text="฿9").wait_for()  # ฿9 – ฿18 a post
    page.get_by_label("New posts").fill("5")
    page.get_by_label("Delay after each post").select_option("30")
    page.get_by_label("Expiry").fill(expiry)
    journey.shot("subscribe")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/orders/*/")
    subscription = Subscription.objects.get()
    assert page.get_by_test_id("subscription-status").inner_text() == "Active"
    assert "0 of 5" in page.get_by_test_id("subscription-posts").inner_text()
    journey.shot("subscription-active")

    staff, secret = make_staff("marketing")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    try:
        desk = Journey(context, live_server.url, name="subscription_staff")
        sign_in(desk.page, staff.email, totp_secret=secret)
        desk.page.goto("/staff/orders/")
        card = desk.page.get_by_test_id(f"subscription-{subscription.pk}")
        card.get_by_label("Link of the new post").fill(POST)
        card.get_by_label("Quantity").fill("150")
        card.get_by_role("button", name="Record the post").click()
        desk.page.wait_for_load_state()
        assert "placed for the post" in desk.page.locator(".messages").inner_text()
        desk.shot("post-recorded")
        assert desk.foreign_requests() == []
    finally:
        context.close()

    page.reload()
    children = page.get_by_test_id("child-orders")
    assert POST in children.inner_text() and "฿13.50" in children.inner_text()
    assert "1 of 5" in page.get_by_test_id("subscription-posts").inner_text()
    assert wallet_selectors.balance(funded) == Decimal("986.50")
    journey.shot("subscription-with-child-order")
    child = subscription.post_orders.get().order
    children.get_by_role("link", name=f"#{child.pk}").click()
    page.wait_for_url(f"**/orders/{child.pk}/")
    assert page.get_by_test_id("order-status").inner_text() == "Pending"
    assert page.get_by_test_id("subscription-parent").is_visible()
    journey.shot("child-order")
    assert journey.foreign_requests() == []
