"""Marketing's manual queue: the order's link and quantity, never the member's contact data."""

from decimal import Decimal

import pytest

from snshelper.orders.models import Order, Status
from snshelper.orders.services import place_order
from snshelper.wallet import selectors
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LINK = "https://www.instagram.com/p/Queue123/"


@pytest.fixture
def order(funded, make_service):
    funded.phone = "0812345678"
    funded.save()
    service = make_service(rate=Decimal("90"))
    return place_order(member=funded, service=service, link=LINK, quantity=1000)


@pytest.fixture
def marketing_client(client, make_staff):
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    client.staff = staff
    return client


def test_queue_shows_link_quantity_and_member_id_but_no_contact_data(marketing_client, order):
    page = marketing_client.get("/staff/orders/").content.decode()
    assert LINK in page and "1000" in page and order.member.member_id in page
    for secret in (order.member.email, order.member.name, "0812345678"):
        assert secret not in page


def test_start_then_partial_refunds_the_member(marketing_client, order):
    marketing_client.post(f"/staff/orders/{order.pk}/", {"action": "start", "start_count": "3572"})
    marketing_client.post(f"/staff/orders/{order.pk}/", {"action": "partial", "remains": "100"})
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains) == (Status.PARTIAL, 3572, 100)
    assert selectors.balance(order.member) == Decimal("910") + Decimal("9")
    assert order.transitions.last().by == marketing_client.staff


def test_cancel_needs_a_reason_and_refunds_in_full(marketing_client, order):
    marketing_client.post(f"/staff/orders/{order.pk}/", {"action": "cancel", "reason": ""})
    assert Order.objects.get(pk=order.pk).status == Status.PENDING
    marketing_client.post(f"/staff/orders/{order.pk}/", {"action": "cancel", "reason": "Account is private"})
    assert Order.objects.get(pk=order.pk).status == Status.CANCELED
    assert selectors.balance(order.member) == Decimal("1000")


def test_a_bad_start_count_changes_nothing(marketing_client, order):
    response = marketing_client.post(
        f"/staff/orders/{order.pk}/", {"action": "start", "start_count": "many"}, follow=True
    )
    assert Order.objects.get(pk=order.pk).status == Status.PENDING
    assert f"#{order.pk}" in response.content.decode()


def test_finished_orders_leave_the_queue(marketing_client, order):
    marketing_client.post(f"/staff/orders/{order.pk}/", {"action": "complete"})
    assert LINK not in marketing_client.get("/staff/orders/").content.decode()


@pytest.mark.parametrize("role", ["finance", "support", "privacy_officer"])
def test_other_roles_cannot_open_the_queue(client, make_staff, order, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/staff/orders/").status_code == 403
    assert client.post(f"/staff/orders/{order.pk}/", {"action": "complete"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == Status.PENDING


def test_members_cannot_open_the_queue(client, order):
    sign_in(client, order.member.email)
    assert client.get("/staff/orders/").status_code == 403


def test_staff_accept_a_members_cancel_request_from_the_queue(marketing_client, funded, make_service):
    from snshelper.orders import services as order_services

    service = make_service(rate=Decimal("90"), cancel_allowed=True)
    order = place_order(member=funded, service=service, link="@cancel.me", quantity=100)
    request = order_services.request_cancel(member=funded, order=order)
    page = marketing_client.get("/staff/orders/").content.decode()
    assert f"cancel-{request.pk}" in page
    marketing_client.post(f"/staff/orders/cancels/{request.pk}/", {"accept": "yes"})
    assert Order.objects.get(pk=order.pk).status == Status.CANCELED


def test_staff_complete_a_refill_from_the_queue(marketing_client, funded, make_service):
    from snshelper.orders import services as order_services
    from snshelper.orders.services import transition

    service = make_service(rate=Decimal("90"), refill_days=30)
    order = place_order(member=funded, service=service, link="@refill.me", quantity=100)
    transition(order=order, to=Status.COMPLETED)
    refill = order_services.request_refill(member=funded, order=order)
    marketing_client.post(f"/staff/orders/refills/{refill.pk}/", {"to": "Completed"})
    refill.refresh_from_db()
    assert refill.status == "Completed" and refill.handled_by == marketing_client.staff
