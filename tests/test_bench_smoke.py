"""The order-placement benchmark's core, on a tiny workload: both clients place what they say they
placed and the books still balance (PostgreSQL only: the benchmark runs real concurrent clients).
It runs on the test database and never writes docs/benchmarks.md."""

from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark measures PostgreSQL"),
]
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _doc():
    return DOC.read_bytes() if DOC.exists() else None


def test_both_clients_place_their_orders_and_the_books_balance():
    from bench import _core as core
    from snshelper.orders.models import Order
    from snshelper.wallet.models import LedgerTransaction

    doc_before = _doc()
    fixture = core.make_fixture(members=2)

    django = core.run_django(fixture, clients=2, orders=20, warmup=1)
    assert (django.orders, django.per_client) == (20, [10, 10])
    stats = core.check_invariants(fixture, django.total)
    assert Order.objects.count() == stats["charges"] == django.total == 22
    assert LedgerTransaction.objects.filter(kind="order_charge").count() == Order.objects.count()

    core.reset(fixture)
    raw = core.run_raw(fixture, core.conninfo(), clients=2, orders=20, warmup=1)
    assert (raw.orders, raw.per_client) == (20, [10, 10])
    stats = core.check_invariants(fixture, raw.total)
    assert Order.objects.count() == stats["charges"] == raw.total == 22
    assert {o.member_id for o in Order.objects.all()} == set(fixture.member_ids)

    assert _doc() == doc_before


def test_the_invariants_catch_an_order_without_its_charge():
    from bench import _core as core

    fixture = core.make_fixture(members=1)
    result = core.run_raw(fixture, core.conninfo(), clients=1, orders=3, warmup=0)
    with pytest.raises(AssertionError, match="orders in the table"):
        core.check_invariants(fixture, result.total + 1)
    with connection.cursor() as cursor:  # an order the ledger never heard of
        cursor.execute(
            "INSERT INTO orders_order (member_id, service_id, link, quantity, runs_done, comments,"
            " type_fields, rate, charge, refunded, status, idempotency_key, created_at, updated_at)"
            " SELECT member_id, service_id, link, quantity, 0, '', '{}', rate, charge, 0, status, '',"
            " created_at, updated_at FROM orders_order LIMIT 1"
        )
    with pytest.raises(AssertionError, match="charge transactions"):
        core.check_invariants(fixture, result.total + 1)
