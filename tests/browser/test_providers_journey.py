"""An administrator adds an upstream provider, imports one of its services with a markup, a member
orders it, and staff watch the order reach the provider and settle one whose reply was lost."""

from decimal import Decimal

import pytest

from snshelper.orders.models import Order
from snshelper.orders.services import place_order
from snshelper.providers import forwarding
from snshelper.providers.models import Forwarding, Provider
from tests.browser.test_subscription_journey import sign_in
from tests.providers_fixtures import SIM_KEY, _category, an_instagram_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_adds_a_provider_imports_a_service_and_settles_a_lost_reply(
    chromium, live_server, simulator, make_staff, funded
):
    admin, secret = make_staff("administrator")
    category = _category()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    from tests.browser.conftest import Journey

    desk = Journey(context, live_server.url, name="providers_admin")
    page = desk.page
    try:
        sign_in(page, admin.email, totp_secret=secret)
        page.get_by_role("link", name="Providers and orders sent to them").click()
        page.get_by_role("link", name="Add a provider").click()
        page.get_by_label("Name").fill("Upstream One")
        page.get_by_label("API URL").fill(simulator.url)
        page.get_by_label("API key").fill(SIM_KEY)
        page.get_by_label("Provider's currency").fill("USD")
        page.get_by_label("Exchange rate (baht per unit of that currency)").fill("35")
        page.get_by_label("Default markup (%)").fill("40")
        page.get_by_label("The provider honours idempotency keys").check()
        desk.shot("add-provider")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("button", name="Sync the catalogue and balance now").click()
        page.get_by_test_id("ps-101").get_by_role("checkbox").check()
        page.get_by_label("Into our category").select_option(str(category.pk))
        desk.shot("import")
        page.get_by_role("button", name="Add the chosen services to our catalogue").click()
        assert "1 services added" in page.locator(".messages").inner_text()
        provider = Provider.objects.get(name="Upstream One")
        service = provider.services.get(external_id="101").our_services.get()
        assert service.rate == Decimal("46.55")  # 0.95 × 35 × 1.4

        # A member orders it; the provider accepts the add but the reply is lost.
        simulator.force("lost_add")
        provider.supports_idempotency = False
        provider.save()
        order = place_order(member=funded, service=service, link=an_instagram_link(), quantity=100)
        forwarding.forward_due()
        assert Forwarding.objects.get(pk=order.pk).state == "unconfirmed"

        page.goto("/staff/providers/")
        card = page.get_by_test_id(f"attention-{order.pk}")
        assert "reply lost" in card.inner_text()
        desk.shot("attention")
        theirs = str(simulator.orders_created()[0]["id"])
        card.get_by_label("Provider's order number").fill(theirs)
        card.get_by_role("button", name="It is at the provider").click()
        page.wait_for_load_state()
        assert Forwarding.objects.get(pk=order.pk).external_id == theirs
        assert page.get_by_test_id("no-attention").is_visible()
        row = page.get_by_test_id(f"provider-{provider.pk}")
        assert "USD" in row.inner_text()
        desk.shot("overview")
        assert desk.foreign_requests() == []
        assert len(simulator.received_adds()) == 1 and Order.objects.count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_staff_see_a_reused_provider_order_number_and_settle_it(
    chromium, live_server, simulator, make_staff, funded, sold, viewport
):
    """The provider restarted without its data and gave a new order a number an earlier order has:
    staff see both numbers and the order holding it, and record the right one."""
    from tests.browser.conftest import Journey

    first = place_order(member=funded, service=sold, link=an_instagram_link(1), quantity=sold.min_quantity)
    forwarding.forward_due()
    simulator.restart_without_its_data()
    second = place_order(member=funded, service=sold, link=an_instagram_link(2), quantity=sold.min_quantity)
    forwarding.forward_due()
    taken = Forwarding.objects.get(pk=first.pk).external_id
    staff, secret = make_staff("marketing")
    context = chromium.new_context(viewport=viewport, base_url=live_server.url)
    desk = Journey(context, live_server.url, name=f"providers_conflict_{viewport['width']}")
    page = desk.page
    try:
        sign_in(page, staff.email, totp_secret=secret)
        page.goto("/staff/providers/")
        card = page.get_by_test_id(f"attention-{second.pk}")
        text = card.inner_text()
        assert "another order has" in text and taken in text and f"#{first.pk}" in text
        desk.shot("conflict")
        card.get_by_label("Provider's order number").fill("PANEL-777")
        card.get_by_role("button", name="It is at the provider").click()
        page.wait_for_load_state()
        assert Forwarding.objects.get(pk=second.pk).external_id == "PANEL-777"
        desk.shot("settled")
        assert desk.foreign_requests() == []
    finally:
        context.close()
