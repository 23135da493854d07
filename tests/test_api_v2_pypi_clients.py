"""The API v2 client libraries resellers install from PyPI work against us unchanged: each one, as
published (pinned in the dev group of uv.lock), against the running app over HTTP."""

from decimal import Decimal

import pytest
from safesmm import SafeSMM, SafeSMMError
from smm import SMM, SMMAPIError
from smmpy import smm as Smmpy

from snshelper.api import services as keys
from snshelper.orders import services as orders
from snshelper.orders.models import CancelRequest, Order, RefillRequest
from snshelper.wallet import selectors as wallet_selectors

pytestmark = pytest.mark.django_db(transaction=True)
LINK = "https://www.instagram.com/p/Client{n}/"


@pytest.fixture
def shop(live_server, funded, make_service, make_staff):
    service = make_service(rate=Decimal("90"), refill_days=30, cancel_allowed=True)
    secret = keys.create_key(member=funded, name="reseller script").secret
    staff, _ = make_staff("marketing")
    return {"url": f"{live_server.url}/api/v2", "key": secret, "service": service, "staff": staff}


def complete(order_id, staff):
    order = Order.objects.get(pk=order_id)
    orders.fulfil(order=order, action="start", by=staff, start_count=100)
    orders.fulfil(order=order, action="complete", by=staff)


def test_safesmm_orders_follows_refills_and_cancels(shop, funded):
    client = SafeSMM(shop["key"], api_url=shop["url"], timeout=10)
    balance = client.balance()
    assert Decimal(balance["balance"]) == Decimal("1000") and balance["currency"] == "THB"
    listed = {s["service"]: s for s in client.services()}
    assert Decimal(listed[shop["service"].pk]["rate"]) == Decimal("90")

    first = client.add_order(service=shop["service"].pk, link=LINK.format(n=1), quantity=100)
    second = client.add_order(service=shop["service"].pk, link=LINK.format(n=2), quantity=200)
    assert client.status(first["order"])["status"] == "Pending"
    both = client.multi_status([first["order"], second["order"]])
    assert set(both) == {str(first["order"]), str(second["order"])}
    assert wallet_selectors.balance(funded) == Decimal("1000") - Decimal("9") - Decimal("18")

    complete(first["order"], shop["staff"])
    assert client.refill(first["order"]) == {"refill": str(RefillRequest.objects.get().pk)}
    assert client.cancel([second["order"]]) == [{"order": second["order"], "cancel": 1}]
    assert CancelRequest.objects.get().order_id == second["order"]

    with pytest.raises(SafeSMMError, match="Quantity less than minimal"):
        client.add_order(service=shop["service"].pk, link=LINK.format(n=3), quantity=10)
    with pytest.raises(SafeSMMError, match="Invalid API key"):
        SafeSMM("wrong-key", api_url=shop["url"]).balance()


def test_smmpy_orders_and_follows(shop):
    client = Smmpy(shop["url"], shop["key"])
    assert Decimal(client.get_balance()["balance"]) == Decimal("1000")
    order = client.add_order(service=shop["service"].pk, link=LINK.format(n=1), quantity=100)
    status = client.get_status(order["order"])
    assert status["status"] == "Pending" and Decimal(status["charge"]) == 9 and status["currency"] == "THB"
    complete(order["order"], shop["staff"])
    refill = client.create_refill(order["order"])
    assert client.get_refill_status(refill["refill"]) == {"status": "Pending"}
    assert client.get_multi_refill_status([refill["refill"]]) == [
        {"refill": int(refill["refill"]), "status": "Pending"}
    ]
    with pytest.raises(Exception, match="Incorrect order ID"):
        client.get_status(999999)


def test_babismm_orders_drip_feed_and_comments(shop, make_service):
    comments_service = make_service(
        type="Custom Comments",
        rate=Decimal("3500"),
        min_quantity=1,
        max_quantity=100,
        step=1,
        name_en="Comments",
    )
    shop["service"].dripfeed_allowed = True
    shop["service"].save()
    with SMM(api_url=shop["url"], api_key=shop["key"]) as client:
        drip = client.add_order(
            service=shop["service"].pk, link=LINK.format(n=1), quantity=100, runs=3, interval=30
        )
        typed = client.add_order(service=comments_service.pk, link=LINK.format(n=2), comments="สวยมาก\nชอบค่ะ")
        assert Order.objects.get(pk=drip["order"]).charge == Decimal("27")
        assert Order.objects.get(pk=typed["order"]).quantity == 2
        statuses = client.get_multi_status([drip["order"], typed["order"], 999999])
        assert statuses[str(drip["order"])]["runs"] == "0"
        assert statuses["999999"] == {"error": "Incorrect order ID"}
        with pytest.raises(SMMAPIError, match="Not enough funds on balance"):
            client.add_order(
                service=shop["service"].pk, link=LINK.format(n=3), quantity=10_000, runs=10, interval=5
            )
