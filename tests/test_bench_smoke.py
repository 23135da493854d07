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


def test_api_add_over_http_places_each_answered_order_once_and_the_books_balance(tmp_path, settings):
    """bench_api_add on a tiny load: granian serving the test database, three keep-alive clients
    with their own keys; every order answered is in the table with its charge, nothing more."""
    from bench import _core as core
    from bench import bench_api_add as api
    from snshelper.orders.models import Order

    doc_before = _doc()
    fixture = core.make_fixture(members=3)
    secrets = api.make_keys(fixture)
    server_env = {
        "DATABASE_URL": core.database_url(),
        "SNSHELPER_VAR_DIR": str(settings.VAR_DIR),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "API_KEY_RATE": "100000/60",
        "REDIS_URL": "",
    }
    meter = api.CpuMeter(core.conninfo(), connection.settings_dict["NAME"])
    with api.Server(1, secret=secrets[0], log=tmp_path / "granian.log", env=server_env) as server:
        meter.server_pid = server.process.pid
        phase = api.run_api(
            server.url, fixture, secrets, workers=1, clients=3, warmup=0.3, seconds=1.0, meter=meter
        )

    assert phase.orders > 0 and all(n > 0 for n in phase.per_client)
    assert len(phase.latencies) == phase.orders <= phase.placed
    assert Order.objects.count() == phase.placed
    assert core.check_invariants(fixture, phase.placed)["charges"] == phase.placed
    assert phase.cpu["web"] > 0 and phase.cpu["machine"] > 0
    assert _doc() == doc_before


def test_status_sync_asks_100_orders_a_call_and_refunds_each_partial_or_canceled_order_once():
    """bench_status_sync on 120 orders: two status calls a pass, nothing written when nothing
    changed, every order final in the end with its refund exactly once."""
    from bench import bench_status_sync as sync
    from snshelper.providers.simulator import ProviderSimulator

    doc_before = _doc()
    with ProviderSimulator(port=0, key=sync.SIM_KEY, seed=3, speed=0) as simulator:
        provider = sync.make_provider(simulator)
        service = sync.sell(provider)
        sync.place(service, sync.make_members(2), 120)
        assert sync.forward(120) == 120
        passes = sync.run_passes(provider, simulator)
        invariants = sync.check_invariants(simulator, 120)

    first, unchanged, started, finished, after = passes
    assert [p["calls"] for p in passes] == [2, 2, 2, 2, 0]
    assert unchanged["changed"] == 0 and not {s for s in unchanged["shapes"] if "orders_order" in s}
    assert set(started["moves"]) <= {"Pending → In progress", "Pending → Processing", "Pending → Canceled"}
    assert started["refunds"] == started["moves"].get("Pending → Canceled", 0)
    assert finished["refunds"] == sum(n for move, n in finished["moves"].items() if move.endswith("Partial"))
    assert invariants["refunds"] == started["refunds"] + finished["refunds"] > 0
    assert sum(invariants["statuses"].values()) == 120

    section = sync.report(
        [
            {
                "orders": 120,
                "members": 2,
                "service": "s",
                "placing": 1,
                "forwarding": 1,
                "adds": 120,
                "passes": passes,
                "invariants": invariants,
                "env": sync._environment("postgresql"),
            }
        ]
    )
    assert section.startswith(sync.START) and section.rstrip().endswith(sync.END)
    assert "| nothing changed | the same as last time | 120 | 2 (met) |" in section
    assert _doc() == doc_before
