"""The member's order pages: new order with live price, list with search/filter/paging, detail."""

from decimal import Decimal

import pytest

from snshelper.orders.models import Order, Status
from snshelper.orders.services import place_order, transition
from snshelper.wallet import selectors
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
POST = "https://www.instagram.com/p/Page123/"


@pytest.fixture
def member_client(client, funded):
    sign_in(client, funded.email)
    return client


def test_new_order_page_lists_services_and_shows_the_chosen_ones_rules(member_client, make_service):
    service = make_service(rate=Decimal("90"), refill_days=30, cancel_allowed=True)
    page = member_client.get("/orders/new/").content.decode()
    assert f'value="{service.pk}"' in page and "Thai followers" not in page  # names in Thai by default
    page = member_client.get(f"/orders/new/?service={service.pk}").content.decode()
    assert 'data-testid="rules"' in page and "100 – 10000" in page and "30" in page


def test_live_price_follows_quantity_and_runs(member_client, make_service):
    service = make_service(rate=Decimal("90"), dripfeed_allowed=True)
    page = member_client.get(f"/orders/price/?service={service.pk}&quantity=1000").content.decode()
    assert "฿90" in page
    page = member_client.get(f"/orders/price/?service={service.pk}&quantity=1000&runs=3").content.decode()
    assert "฿270" in page


def test_placing_an_order_debits_and_a_double_submit_makes_one(member_client, funded, make_service):
    service = make_service(rate=Decimal("90"))
    form = {"service": service.pk, "link": POST, "quantity": "1000", "idempotency_key": "form-1"}
    first = member_client.post("/orders/new/", form)
    member_client.post("/orders/new/", form)
    order = Order.objects.get()
    assert first["Location"] == f"/orders/{order.pk}/"
    assert selectors.balance(funded) == Decimal("910")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link": "https://www.tiktok.com/@x/video/1"}, "ลิงก์ไม่ถูกต้อง"),
        ({"quantity": "5"}, "น้อยกว่าขั้นต่ำ"),
        ({"quantity": "10000"}, "ยอดเงินคงเหลือไม่เพียงพอ"),
    ],
)
def test_refused_orders_show_why_keep_the_input_and_change_nothing(
    member_client, make_service, fields, message
):
    service = make_service(rate=Decimal("900"))
    form = {"service": service.pk, "link": POST, "quantity": "1000", "idempotency_key": "f", **fields}
    page = member_client.post("/orders/new/", form).content.decode()
    assert message in page and f'value="{form["link"]}"' in page
    assert not Order.objects.exists()


def test_list_shows_only_own_orders_with_search_filter_and_paging(
    member_client, funded, make_member, make_service
):
    service = make_service(rate=Decimal("1"), min_quantity=1, step=1, one_active_order_per_link=False)
    other = make_member()
    from snshelper.wallet import services as wallet

    wallet.credit_top_up(member=other, amount=Decimal("10"), idempotency_key="o")
    theirs = place_order(
        member=other, service=service, link="https://www.instagram.com/p/theirs/", quantity=1
    )
    mine = [
        place_order(member=funded, service=service, link=f"https://www.instagram.com/p/m{i}/", quantity=1)
        for i in range(30)
    ]
    transition(order=mine[0], to=Status.COMPLETED)
    page = member_client.get("/orders/").content.decode()
    assert f"#{mine[-1].pk}<" in page and f"#{mine[0].pk}<" not in page  # 25 per page, newest first
    assert "p/theirs" not in page
    assert f"#{mine[0].pk}<" in member_client.get("/orders/?page=2").content.decode()
    assert f"#{mine[0].pk}<" in member_client.get("/orders/?status=Completed").content.decode()
    found = member_client.get("/orders/?q=p/m7/").content.decode()
    assert f"#{mine[7].pk}<" in found and f"#{mine[8].pk}<" not in found
    assert f"#{theirs.pk}<" not in member_client.get(f"/orders/?q={theirs.pk}").content.decode()


def test_detail_shows_history_and_is_private(member_client, funded, make_member, make_service, make_staff):
    staff, _ = make_staff("marketing")
    service = make_service(rate=Decimal("90"), refill_days=30)
    order = place_order(member=funded, service=service, link=POST, quantity=1000)
    transition(order=order, to=Status.IN_PROGRESS, by=staff, start_count=3572)
    transition(order=order, to=Status.COMPLETED, by=staff)
    page = member_client.get(f"/orders/{order.pk}/").content.decode()
    assert "3572" in page and staff.email not in page and staff.name not in page
    assert f"/orders/{order.pk}/refill/" in page
    member_client.post(f"/orders/{order.pk}/refill/")
    assert 'data-testid="requests"' in member_client.get(f"/orders/{order.pk}/").content.decode()
    other = make_member()
    member_client.logout()
    sign_in(member_client, other.email)
    assert member_client.get(f"/orders/{order.pk}/").status_code == 404


def test_mass_order_page_reports_each_line(member_client, make_service):
    service = make_service(rate=Decimal("90"))
    text = f"{service.pk} | {POST} | 1000\n{service.pk} | not a link | 1000"
    page = member_client.post("/orders/mass/", {"orders": text, "idempotency_key": "m1"}).content.decode()
    order = Order.objects.get()
    assert f"/orders/{order.pk}/" in page and "ลิงก์ไม่ถูกต้อง" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/orders/", "/orders/new/", "/orders/1/", "/orders/mass/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")
