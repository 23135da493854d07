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


def test_export_bench_dumps_the_same_rows_as_the_export_writes(tmp_path, settings):
    """bench_export on 40 orders: the raw COPY dump and the export hold the same rows, the memory
    run reports a peak, and the section says whether the targets are met."""
    from bench import _core as core
    from bench import bench_export as bench

    doc_before = _doc()
    member = bench.make_member("smoke")
    bench.add_orders(member, bench.make_service(), 40)
    queries = bench.owned_queries(member)
    raw = bench.raw_dump(queries, core.conninfo(), tmp_path / "dump.copy")
    as_json = bench.rowjson_dump(queries, core.conninfo(), tmp_path / "dump.jsonl")
    written = bench.run_export(member)
    traced = bench.run_export(member, trace=True)

    assert raw["rows"] == as_json["rows"] >= 4 * 40  # order, transition, ledger transaction and entry
    assert written["rows"] == raw["rows"] + 3  # its own request, the request's first step, the export
    assert traced["peak"] > 0 and written["bytes"] > raw["bytes"] > 0
    runs = {"export": [written], "raw": [raw], "rowjson": [as_json]}
    section = bench.report(
        {
            "orders": 40,
            "small": 40,
            "setup": {},
            "rounds": {40: runs},
            "memory": {40: traced},
            "env": bench._environment(),
        }
    )
    assert section.startswith(bench.START) and section.rstrip().endswith(bench.END)
    assert "raw / export:" in section and "Peak memory" in section
    assert _doc() == doc_before


def test_retention_sweep_removes_exactly_the_expired_login_records_and_logs_how_many():
    """bench_retention on a tiny load: the sweep (two batch sizes) and the raw DELETE each remove
    exactly the expired rows, the small and the large table alike; the section is well formed."""
    from types import SimpleNamespace

    from bench import bench_retention as retention

    doc_before = _doc()
    members = retention.make_members(3)
    args = SimpleNamespace(
        total=2000, expired=200, small=500, same_expired=50, batch_size=64, other_batch_sizes=[500], rounds=2
    )
    ratio = retention.run_ratio(members, args, maintain=False)
    scaling = retention.run_scaling(members, args, maintain=False)

    assert [(t.side, t.batch_size, t.deleted) for t in ratio[:3]] == [
        ("raw", None, 200),
        ("sweep", 64, 200),
        ("sweep", 500, 200),
    ]
    assert ratio[3:] == [] or [t.side for t in ratio[3:]] == ["sweep", "sweep", "raw"]
    assert ratio[1].statements["DELETE accounts_loginrecord"] == 4  # 200 rows, batches of 64
    assert [(t.total, t.deleted) for t in scaling] == [(500, 50), (2000, 50), (2000, 50), (500, 50)] + [
        (2000, 0)
    ] * 2
    section = retention.report(args, retention.environment(), ratio, scaling)
    assert section.startswith(retention.START) and section.rstrip().endswith(retention.END)
    assert "| raw `DELETE` | 2,000 | 200 | — |" in section
    assert _doc() == doc_before


def test_the_active_orders_benchmark_holds_orders_and_adds_beside_them(settings):
    """bench_active_orders on a tiny load: the held orders sit in the link rule's index as
    place_order leaves them (a held link is refused, a new one placed), the checks hold."""
    from django.core.handlers.wsgi import WSGIHandler

    from bench import _core as core
    from bench import bench_active_orders as active
    from snshelper.accounts.models import Member
    from snshelper.api.services import create_key
    from snshelper.catalog.models import Service
    from snshelper.orders import services
    from snshelper.orders.errors import ActiveOrderForLink

    settings.API_KEY_RATE = "100000/60"
    doc_before = _doc()
    fixture = core.make_fixture(members=1)
    Service.objects.filter(pk=fixture.service_id).update(one_active_order_per_link=True)
    member = Member.objects.get(pk=fixture.member_ids[0])
    secret = create_key(member=member, name="Bench").secret

    active.prepare(core, fixture, 50)
    times = active.run_adds(WSGIHandler(), fixture, secret, orders=5, tag="smoke")
    active.check(fixture, 5, 50)
    with pytest.raises(ActiveOrderForLink):
        services.place_order(
            member=member,
            service=Service.objects.get(pk=fixture.service_id),
            link="https://www.instagram.com/p/held7/",
            quantity=fixture.quantity,
        )

    assert len(times) == 5 and all(t > 0 for t in times)
    assert _doc() == doc_before
