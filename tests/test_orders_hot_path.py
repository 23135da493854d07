"""The order hot path (issue 14, decision 0010): API v2 ``add`` at the cost of its SQL, the
money rules unmoved under concurrency, the one-active-order-per-link rule by index."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from snshelper.api.services import create_key
from snshelper.core import ratelimit
from snshelper.orders import services
from snshelper.orders.errors import ActiveOrderForLink
from snshelper.orders.models import Actor, Order, Status
from snshelper.wallet import services as wallet
from tests import hot_path_race

POSTGRES = connection.vendor == "postgresql"
ROOT = Path(__file__).resolve().parent.parent


def _race_in_sqlite_file(tmp_path, mode: str) -> dict:
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(ROOT / "tests" / "hot_path_race.py"), str(tmp_path), mode],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _race(tmp_path, mode: str, settings) -> dict:
    if not POSTGRES:
        return _race_in_sqlite_file(tmp_path, mode)
    settings.API_KEY_RATE = "100000/60"
    funded_for = hot_path_race.AFFORDABLE if mode == "funds" else hot_path_race.SAME_LINK_ADDS
    secret, service_id, _price = hot_path_race.setup(funded_for=funded_for)
    if mode == "funds":
        return hot_path_race.race(
            secret=secret, service_id=service_id, adds=hot_path_race.ADDS, same_link=False
        )
    return hot_path_race.race(
        secret=secret, service_id=service_id, adds=hot_path_race.SAME_LINK_ADDS, same_link=True
    )


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_adds_on_funds_for_twenty_place_exactly_twenty(tmp_path, settings):
    result = _race(tmp_path, "funds", settings)

    assert result["outcomes"] == {
        "order": hot_path_race.AFFORDABLE,
        "Not enough funds on balance": hot_path_race.ADDS - hot_path_race.AFFORDABLE,
    }, result
    assert result["orders"] == result["charges"] == result["transitions"] == hot_path_race.AFFORDABLE
    assert result["charge_entries"] == 2 * hot_path_race.AFFORDABLE
    assert Decimal(result["balance"]) == Decimal(result["balance_from_entries"]) == 0  # never below
    assert result["unbalanced"] == [] and Decimal(result["all_entries_sum"]) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_link_make_exactly_one_active_order(tmp_path, settings):
    result = _race(tmp_path, "same_link", settings)

    with translation.override("en"):  # API v2 answers in English
        refused = str(ActiveOrderForLink.message)
    assert result["outcomes"] == {"order": 1, refused: hot_path_race.SAME_LINK_ADDS - 1}, result
    assert result["orders"] == result["active"] == result["charges"] == 1
    assert Decimal(result["balance"]) == Decimal(result["balance_from_entries"])


def test_a_finished_order_frees_its_link_for_a_new_one(funded, make_service, make_staff):
    service = make_service(rate=Decimal("90"))
    link = "https://www.instagram.com/p/abc/"
    first = services.place_order(member=funded, service=service, link=link, quantity=100)
    with pytest.raises(ActiveOrderForLink):
        services.place_order(member=funded, service=service, link=link, quantity=100)

    services.transition(order=first, to=Status.COMPLETED, actor=Actor.STAFF)
    second = services.place_order(member=funded, service=service, link=link, quantity=100)

    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.active_link is None and second.active_link is not None


def test_a_provider_report_that_ends_an_order_frees_its_link(funded, make_service):
    service = make_service(rate=Decimal("90"))
    link = "https://www.instagram.com/p/abc/"
    first = services.place_order(member=funded, service=service, link=link, quantity=100)

    services.apply_provider_statuses([services.StatusUpdate(first.pk, Status.CANCELED)])

    assert services.place_order(member=funded, service=service, link=link, quantity=100).pk != first.pk


def test_the_link_rule_is_per_member_and_per_service(funded, make_member, make_service):
    service, other_service = make_service(rate=Decimal("90")), make_service(rate=Decimal("90"))
    other = make_member()
    wallet.credit_top_up(member=other, amount=Decimal("100"), idempotency_key="fund-other")
    link = "https://www.instagram.com/p/abc/"

    services.place_order(member=funded, service=service, link=link, quantity=100)
    services.place_order(member=funded, service=other_service, link=link, quantity=100)
    services.place_order(member=other, service=service, link=link, quantity=100)

    assert Order.objects.count() == 3


def test_a_service_without_the_rule_takes_orders_for_an_active_link(funded, make_service):
    service = make_service(rate=Decimal("90"), one_active_order_per_link=False)
    link = "https://www.instagram.com/p/abc/"

    orders = [services.place_order(member=funded, service=service, link=link, quantity=100) for _ in range(2)]

    assert len({o.pk for o in orders}) == 2 and all(o.active_link is None for o in orders)


# --- Round trips of one API v2 add --------------------------------------------------------------


@pytest.fixture
def reseller(funded, make_service):
    """A funded member's key and an orderable service, one ``add`` made already (the catalogue
    and the maintenance state read once, the key's last use written: what a busy reseller meets)."""
    service = make_service(rate=Decimal("90"), one_active_order_per_link=False)
    secret = create_key(member=funded, name="Panel").secret
    return secret, service


def _add(client, secret, service, i: int = 0):
    fields = {
        "key": secret,
        "action": "add",
        "service": service.pk,
        "link": f"https://www.instagram.com/p/post{i}/",
        "quantity": 100,
    }
    return client.post("/api/v2", fields, REMOTE_ADDR="127.0.0.1")


# BEGIN and COMMIT count: Django logs them (psycopg sends BEGIN as its own round trip).
# PostgreSQL: the key with its member, BEGIN, the wallet locked with the sales account's id read
# beside it, the order with its history row, the ledger's transaction with its entries and the
# wallet's balance, COMMIT. SQLite has no network round trips (each statement is a library call)
# and no writes inside WITH: the order's history row and each ledger table are statements of their
# own there.
MOST_STATEMENTS = 6 if POSTGRES else 9


@pytest.mark.django_db(transaction=True)
def test_an_api_add_makes_at_most_six_sql_round_trips(client, reseller):
    secret, service = reseller
    assert "order" in _add(client, secret, service, 0).json()

    with CaptureQueriesContext(connection) as captured:
        answer = _add(client, secret, service, 1)

    assert "order" in answer.json()
    everything = [q["sql"] for q in captured.captured_queries]
    # Without Redis the rate limit counts in the database: the address's lockout read and the key's
    # counter in one upsert (core.ratelimit); with Redis (production) it sends no SQL at all.
    limiter = [s for s in everything if "core_ratecounter" in s]
    assert len(limiter) <= (0 if settings.REDIS_URL else 2), "\n".join(limiter)
    statements = [s for s in everything if s not in limiter]
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
    assert statements[-1] == "COMMIT"
    reads_of_orders = [s for s in statements if s.startswith("SELECT") and '"orders_order"' in s]
    assert reads_of_orders == []  # the link rule is the INSERT's unique index, not a search


@pytest.mark.django_db(transaction=True)
def test_an_api_add_sends_no_health_check(client, reseller):
    secret, service = reseller
    checks = []
    real = connection.is_usable
    connection.is_usable = lambda: checks.append(1) or real()
    try:
        for i in range(3):
            assert "order" in _add(client, secret, service, i).json()
    finally:
        del connection.is_usable
    assert checks == []


def test_an_api_answer_skips_the_pages_middleware(client, reseller):
    secret, service = reseller

    answer = _add(client, secret, service)

    assert "order" in answer.json()
    assert not answer.cookies  # no session, no language, no CSRF cookie
    assert "Cookie" not in answer.get("Vary", "") and "Accept-Language" not in answer.get("Vary", "")
    assert not hasattr(answer.wsgi_request, "session") and not hasattr(answer.wsgi_request, "user")
    # The hardening headers still apply, the CSP as pages have it.
    assert answer["X-Content-Type-Options"] == "nosniff" and answer["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in answer["Content-Security-Policy"]


# --- Redis round trips of one API v2 add ----------------------------------------------------------

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="counts Redis round trips: REDIS_URL")


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Every packet of commands sent to Redis (a pipeline or a script is one), and how many of
    them the rate limiter sent."""
    import redis.connection

    sent = {"all": 0, "limiter": 0}
    inside = {"limiter": False}
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent["all"] += 1
        sent["limiter"] += inside["limiter"]
        return send(self, command, check_health)

    def limiter(function):
        def call(*args, **kwargs):
            inside["limiter"] = True
            try:
                return function(*args, **kwargs)
            finally:
                inside["limiter"] = False

        return call

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    for name in ("hit", "exceeded"):
        if hasattr(ratelimit, name):
            monkeypatch.setattr(ratelimit, name, limiter(getattr(ratelimit, name)))
    return sent


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_an_api_add_asks_redis_nothing_but_the_rate_limit(client, reseller, redis_round_trips):
    secret, service = reseller
    assert "order" in _add(client, secret, service, 0).json()
    redis_round_trips.update(all=0, limiter=0)

    assert "order" in _add(client, secret, service, 1).json()

    assert redis_round_trips["all"] - redis_round_trips["limiter"] == 0, redis_round_trips


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_an_api_add_makes_at_most_one_redis_round_trip(client, reseller, redis_round_trips):
    secret, service = reseller
    assert "order" in _add(client, secret, service, 0).json()
    redis_round_trips.update(all=0, limiter=0)

    assert "order" in _add(client, secret, service, 1).json()

    assert redis_round_trips["all"] <= 1, redis_round_trips
