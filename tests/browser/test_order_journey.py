"""A funded member on a phone: new order with a live price, a mass order, the list, a cancel."""

from decimal import Decimal

import pytest

from snshelper.orders.models import CancelRequest, Order
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_orders_follows_and_asks_to_cancel(journey, funded, make_service):
    service = make_service(rate=Decimal("90"), cancel_allowed=True, name_en="Thai followers")
    page = journey.page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(funded.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_role("link", name="New order").first.click()
    page.get_by_label("Service").select_option(str(service.pk))  # HTMX swaps in the form
    page.get_by_test_id("rules").wait_for()
    page.get_by_label("Link or account ID").fill("https://www.instagram.com/p/Journey1/")
    page.get_by_label("Quantity").fill("1000")
    page.get_by_test_id("price").filter(has_text="฿90").wait_for()
    journey.shot("new-order-live-price")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get()
    assert page.get_by_test_id("order-status").inner_text() == "Pending"
    journey.shot("order-detail")

    page.get_by_role("link", name="All your orders").click()
    page.get_by_role("link", name="Mass order").click()
    page.get_by_label("Orders").fill(
        f"{service.pk} | https://www.instagram.com/p/Mass1/ | 500\n{service.pk} | https://example.com/x | 500"
    )
    page.get_by_role("button", name="Place the orders").click()
    results = page.get_by_test_id("mass-results")
    assert "1 of 2 lines accepted" in results.inner_text() and "Incorrect link" in results.inner_text()
    journey.shot("mass-order-results")

    page.goto("/orders/")
    assert page.get_by_test_id("orders").locator("tbody tr").count() == 2
    journey.shot("order-list")
    page.get_by_role("link", name=f"#{order.pk}").click()
    page.get_by_role("button", name="Ask to cancel").click()
    assert page.get_by_test_id("requests").is_visible()
    assert CancelRequest.objects.filter(order=order, status="pending").exists()
    assert journey.foreign_requests() == []


def test_the_live_price_of_mentions_follows_the_usernames_and_is_the_charge(journey, funded, make_service):
    service = make_service(
        type="Mentions", rate=Decimal("500"), min_quantity=1, step=1, name_en="Mentions of your account"
    )
    page = journey.page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.locator("#id_login").fill(funded.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    page.goto(f"/orders/new/?service={service.pk}")
    page.get_by_label("Link or account ID").fill("https://www.instagram.com/p/Mention1/")
    page.get_by_label("Usernames, one per line").fill("somchai\nsomsri\n\nmalee\nmanee")
    page.get_by_test_id("price").filter(has_text="฿2").wait_for()  # 4 usernames × ฿500 / 1,000
    journey.shot("mentions-live-price")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get()
    assert (order.quantity, order.charge) == (4, Decimal("2"))
