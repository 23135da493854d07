"""Rate limits hold under concurrency on every backend (issue 16, point 1).

Threads hit a live server at once: at most N requests pass an N-per-window limit, and the
wrong-key lockout lets exactly its threshold of guesses be answered, on the database limiter
(the embedded default: SQLite, or PostgreSQL when the suite runs on it) and on Redis (a
redis-server of the test's own). One rate-limited request costs one Redis round trip.
"""

import multiprocessing
import sqlite3
import threading
import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from django.core.management import call_command
from django.db import connection, connections

from snshelper.api import services as api_services
from snshelper.api.errors import InvalidApiKey, TooManyRequests
from snshelper.core import ratelimit
from snshelper.core.models import RateCounter
from tests import sqlite_race
from tests.redis_tools import count_redis_round_trips, own_redis  # noqa: F401 (a fixture)
from tests.served_site import migrated_var, served_site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 60
INVALID = {"error": "Invalid API key"}
TOO_MANY = {"error": "Too many requests"}


@pytest.fixture(params=["database", "redis"])
def limiter(request, settings, monkeypatch):
    """The limiter's store in this process: the database (no REDIS_URL) or a Redis of the test's own."""
    monkeypatch.setattr(ratelimit, "_down_until", 0.0)
    if request.param == "redis":
        settings.REDIS_URL = request.getfixturevalue("own_redis").url
    else:
        settings.REDIS_URL = ""
    return request.param


@pytest.fixture(params=["database (SQLite file)", "redis", "database (PostgreSQL)"])
def site(request):
    """A way to call API v2 (``call(key) -> (status, error or "ok")``) and to make keys, per store:

    - the embedded default, served by granian with two worker processes on a SQLite file;
    - the same with a Redis of the test's own;
    - PostgreSQL without Redis, when the suite runs on it: threads call the key check directly,
      each on its own connection (Django's test server drops connections past a backlog of 5)."""
    rates = {"API_KEY_RATE": "25/600", "API_KEY_FAILURE_RATE": "20/600"}
    if request.param == "database (PostgreSQL)":
        if connection.vendor != "postgresql":
            pytest.skip("the suite runs on SQLite; the served variant covers it")
        settings = request.getfixturevalue("settings")
        settings.REDIS_URL = ""
        for name, value in rates.items():
            setattr(settings, name, value)
        member = request.getfixturevalue("member")
        return _direct, lambda: api_services.create_key(member=member, name="panel").secret
    served = request.getfixturevalue("served_site")
    redis_url = request.getfixturevalue("own_redis").url if request.param == "redis" else ""
    served.start(REDIS_URL=redis_url, **rates)

    def call(key: str) -> tuple[int, str]:
        answer = httpx.post(f"{served.url}/api/v2", data={"key": key, "action": "balance"}, timeout=60)
        if answer.status_code == 429:
            assert 1 <= int(answer.headers["Retry-After"]) <= 600
        return answer.status_code, answer.json().get("error", "ok")

    return call, served.api_key


def _direct(key: str) -> tuple[int, str]:
    try:
        api_services.authenticate(secret=key, ip="127.0.0.1")
        return 200, "ok"
    except InvalidApiKey:
        return 200, "Invalid API key"
    except TooManyRequests:
        return 429, "Too many requests"
    finally:
        connections.close_all()


def _clear_of_window_edge(seconds: int = 600) -> None:
    """Waits out the last seconds of a window, so a race is counted in one window."""
    left = seconds - time.time() % seconds
    if left < 15:
        time.sleep(left + 0.5)


def _race(work) -> list:
    """``work(i)`` in THREADS threads released at the same instant; their results in order."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # asserted on below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_at_most_n_requests_pass_an_n_per_window_limit(site):
    call, make_key = site
    secret = make_key()
    _clear_of_window_edge()

    answers = _race(lambda i: call(secret))

    assert Counter(answers) == {(200, "ok"): 25, (429, "Too many requests"): THREADS - 25}


def test_wrong_key_lockout_triggers_at_its_threshold_exactly(site):
    call, make_key = site
    secret = make_key()
    _clear_of_window_edge()

    answers = _race(lambda i: call(f"guess-{i}"))

    assert Counter(answers) == {(200, "Invalid API key"): 20, (429, "Too many requests"): THREADS - 20}
    assert call(secret) == (429, "Too many requests")  # even the right key, from that address


def test_a_guess_past_the_threshold_is_not_counted(client, member, settings, clock, limiter):
    """Past the threshold nothing more is counted: the lockout ends with its window."""
    settings.API_KEY_FAILURE_RATE = "3/60"
    secret = api_services.create_key(member=member, name="panel").secret
    call = lambda key: client.post("/api/v2", {"key": key, "action": "balance"})  # noqa: E731

    assert [call(f"guess-{n}").json() for n in range(5)] == [INVALID] * 3 + [TOO_MANY] * 2
    clock.advance(timedelta(seconds=60))
    assert call(secret).json()["currency"]


# --- The database limiter across processes (SQLite's own locking) -----------------------------


def test_the_database_counter_is_exact_across_processes_on_sqlite(tmp_path):
    """The limiter's one statement, from 8 processes at once on one SQLite file (what the web
    server's workers share): exactly ``limit`` requests are counted."""
    path = str(tmp_path / "counters.sqlite3")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute(
            "CREATE TABLE core_ratecounter (bucket varchar(120) PRIMARY KEY, count integer, ends_at bigint)"
        )
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=sqlite_race.take_many, args=(path, ratelimit._UPSERT, 100, 300, queue))
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    taken = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)

    assert sum(taken) == 300
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count FROM core_ratecounter").fetchone() == (300,)


def test_ended_windows_are_deleted(member, settings, clock):
    settings.REDIS_URL = ""
    ratelimit.hit("test", "203.0.113.7", "5/60")
    assert ratelimit.forget_ended_windows() == 0
    clock.advance(timedelta(seconds=60))
    assert ratelimit.forget_ended_windows() == 1


def test_no_address_is_stored_in_clear(member, settings):
    settings.REDIS_URL = ""
    ratelimit.hit("api-key-fail", "203.0.113.7", "5/60")
    assert "203.0.113.7" not in RateCounter.objects.get().bucket


# --- Round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("limiter", ["redis"], indirect=True)
def test_one_rate_limited_request_costs_one_redis_round_trip(client, funded, limiter):  # noqa: F811
    secret = api_services.create_key(member=funded, name="panel").secret
    limiter = ratelimit.redis_client()  # the limiter's own client: the cache's is not counted

    form = "application/x-www-form-urlencoded"  # as panels send it; multipart costs the same
    with count_redis_round_trips(limiter) as right:
        answer = client.post("/api/v2", f"key={secret}&action=balance", content_type=form)
        assert answer.status_code == 200
    with count_redis_round_trips(limiter) as wrong:
        assert client.post("/api/v2", {"key": "guess", "action": "balance"}).json() == INVALID
    with count_redis_round_trips(limiter) as v1:
        assert client.get("/api/v1/balance", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with count_redis_round_trips(limiter) as big:  # > 64 KB: the lockout is read before the body
        answer = client.post("/api/v2", f"key={secret}&action=balance&pad={'x' * 70_000}", content_type=form)
        assert answer.status_code == 200

    assert (right, wrong, v1, big) == (["EVAL"], ["EVAL"], ["EVAL"], ["GET", "EVAL"])


# --- Production: which store, and why it is enough -------------------------------------------


def test_check_deploy_says_where_rate_limits_are_counted_and_why_that_is_enough(settings, capsys):
    settings.REDIS_URL = ""
    call_command("check", "--deploy", "--tag", "ratelimit")
    said = capsys.readouterr()
    text = said.out + said.err
    assert "core.I001" in text and "database" in text and "atomic" in text

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    call_command("check", "--deploy", "--tag", "ratelimit")
    said = capsys.readouterr()
    assert "Redis" in said.out + said.err
