"""Issue 18, point 4, in a real browser: a visitor on a phone browses the public price list (the
demo catalogue), narrows it by platform and by a search (HTMX, and the same without JavaScript),
opens one service's page, presses "order this", signs in and lands on the order form with that
service chosen. On a desktop the same list is a table. No request leaves for another host."""

import pytest

from snshelper.catalog import selectors
from snshelper.catalog.models import Service
from snshelper.core import parse
from snshelper.demo.catalogue import demo_service, load_demo_catalog
from tests.browser.conftest import Journey
from tests.browser.test_csp_journey import Watched
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_a_service_and_orders_it_after_signing_in(journey, member):
    load_demo_catalog()
    likes = demo_service("tiktok", "TikTok Video", "Video Likes")
    found = selectors.price_list(search=parse.search_words("video likes"), platform="tiktok").count()
    assert likes is not None and found >= 1
    watched = Watched(journey)  # htmx swaps results in under the strict CSP
    page = watched.page
    page.goto("/services/")
    assert page.locator("h1").inner_text() == "บริการและราคา"
    page.get_by_test_id("cookie-accept").click()
    journey.shot("price-list-thai")

    page.get_by_role("button", name="English").click()
    page.get_by_label("Platform").select_option("tiktok")  # HTMX swaps the results in place
    page.wait_for_url("**/services/?*platform=tiktok*")
    page.get_by_label("Search").fill("video likes")
    page.wait_for_url("**/services/?q=video*likes*")
    page.get_by_test_id("result-count").filter(has_text=f"{found} service").wait_for()
    row = page.get_by_test_id(f"service-{likes.pk}")
    assert row.is_visible() and "Video Likes" in row.inner_text()
    assert page.locator("tr[data-testid^=service-]").count() == found
    journey.shot("price-list-searched")

    page.get_by_role("link", name="Video Likes").click()
    page.wait_for_url(f"**/services/{likes.pk}/")
    assert "฿" in page.get_by_test_id("service-facts").inner_text()
    journey.shot("service-page")

    page.get_by_test_id("order-this").click()
    page.wait_for_url("**/accounts/login/**")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/orders/new/?service={likes.pk}")
    assert page.get_by_label("Service").input_value() == str(likes.pk)
    assert page.get_by_test_id("rules").is_visible()
    journey.shot("order-form-prefilled")
    assert journey.foreign_requests() == []
    assert watched.errors == []


def test_the_price_list_works_without_javascript_and_as_a_table_on_a_desktop(chromium, live_server, db):
    load_demo_catalog()
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        locale="th-TH",
        base_url=live_server.url,
        java_script_enabled=False,
    )
    desk = Journey(context, live_server.url, name="price_list_desktop")
    page = desk.page
    page.goto("/services/")
    on_sale = Service.objects.filter(is_active=True).count()
    assert page.get_by_test_id("result-count").inner_text() == f"{on_sale} บริการ"
    page.get_by_test_id("cookie-accept").click()  # a plain form too
    page.get_by_label("แพลตฟอร์ม").select_option("instagram")
    page.get_by_role("button", name="แสดง", exact=True).click()  # a plain form without JavaScript
    page.wait_for_url("**/services/?*platform=instagram*")
    assert (
        page.locator(".price-group h2 .platform-name").all_inner_texts()
        == ["Instagram"] * page.locator(".price-group h2").count()
    )
    assert page.locator("table.price-table thead").first.is_visible()
    desk.shot("instagram")
    assert desk.foreign_requests() == []
    context.close()
