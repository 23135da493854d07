"""Orders racing on one balance (PostgreSQL, real row locks, 50 threads at once)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from snshelper.orders.models import Order
from snshelper.orders.services import place_order
from snshelper.wallet import ledger, selectors
from snshelper.wallet import services as wallet
from snshelper.wallet.errors import InsufficientFunds
from snshelper.wallet.models import LedgerEntry, LedgerTransaction

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
]
THREADS, AFFORDABLE = 50, 17


def _race(work):
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        except Exception as error:  # collected and asserted on below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_concurrent_orders_on_a_balance_for_seventeen(member, make_service):
    service = make_service(rate=Decimal("90"), one_active_order_per_link=False)
    price = service.price(1000)
    wallet.credit_top_up(member=member, amount=price * AFFORDABLE, idempotency_key="fund")

    outcomes = _race(
        lambda i: place_order(
            member=member, service=service, link=f"https://www.instagram.com/p/post{i}/", quantity=1000
        )
    )

    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, InsufficientFunds)]
    assert (len(placed), len(refused)) == (AFFORDABLE, THREADS - AFFORDABLE), outcomes
    assert Order.objects.count() == AFFORDABLE
    assert selectors.balance(member) == 0
    account = ledger.wallet_of(member)
    assert selectors.balance_from_entries(account) == 0
    charges = LedgerTransaction.objects.filter(kind="order_charge")
    assert charges.count() == AFFORDABLE
    assert LedgerEntry.objects.filter(transaction__in=charges).count() == 2 * AFFORDABLE
    assert sorted(charges.values_list("idempotency_key", flat=True)) == sorted(
        f"order:{o.pk}:charge" for o in Order.objects.all()
    )


def test_fifty_concurrent_retries_of_one_request_make_one_order(member, make_service):
    service = make_service(rate=Decimal("90"))
    wallet.credit_top_up(member=member, amount=Decimal("1000"), idempotency_key="fund")

    outcomes = _race(
        lambda i: place_order(
            member=member, service=service, link="@somchai.shop", quantity=1000, idempotency_key="retry-me"
        )
    )

    assert all(isinstance(o, Order) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert selectors.balance(member) == Decimal("910")
