"""Real Huey consumers (``manage.py run_huey`` in subprocesses, on a Redis of the test's own): one
is killed with SIGKILL inside a provider sync, its lease is never released, and the next run
proceeds once the lease lapses (issue 16 point 10, the reported defect)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import redis

from snshelper.providers.simulator import ProviderSimulator
from tests.providers_fixtures import SIM_KEY
from tests.redis_tools import own_redis  # noqa: F401 (a fixture)
from tests.served_site import ROOT, _env, migrated_var, served_site  # noqa: F401 (fixtures)

LEASE_SECONDS = 20  # the skip while fresh was seen about 4 s after the kill

SETUP = """
from decimal import Decimal
from snshelper.accounts import services as accounts
from snshelper.catalog.models import Category, Platform
from snshelper.catalog.platforms import install_default_platforms
from snshelper.orders import services as orders
from snshelper.providers import forwarding
from snshelper.providers import services as providers
from snshelper.wallet import services as wallet
install_default_platforms(Platform)
category = Category.objects.create(platform=Platform.objects.get(code="instagram"), name_th="x", name_en="x")
provider = providers.save_provider(name="Simulated", api_url="{url}", api_key="{key}", currency="USD",
    exchange_rate=Decimal("35"), timeout_seconds=Decimal("30"), markup_percent=Decimal("30"),
    markup_fixed=Decimal("0"), supports_idempotency=True)
providers.sync_services(provider)
chosen = list(provider.services.filter(type="Default", available=True))
service = providers.add_to_catalog(provider_services=chosen, category=category)[0]
service.one_active_order_per_link = False
service.save()
member = accounts.register_member(email="reseller@example.test", name="Reseller",
    password="a-long-test-password-42", verified=True)
wallet.credit_top_up(member=member, amount=Decimal("10000000"), idempotency_key="fund")
service.refresh_from_db()
quantity = -(-service.min_quantity // (service.step or 1)) * (service.step or 1)
for n in range(3):
    order = orders.place_order(member=member, service=service, link=f"https://www.instagram.com/p/Lease{n:06d}/",
        quantity=quantity)
    forwarding.forward(order.pk)
"""


def _consumer(var_dir, env):
    return subprocess.Popen(  # noqa: S603 (our own argument list)
        [sys.executable, "manage.py", "run_huey", "-w", "1", "-n"],
        cwd=ROOT,
        env=_env(var_dir, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds}s: {what}")


def test_a_consumer_killed_inside_a_sync_leaves_a_lease_that_lapses(served_site, own_redis):  # noqa: F811
    env = {"REDIS_URL": own_redis.url, "JOB_LEASE_SECONDS": str(LEASE_SECONDS)}
    database = served_site.var_dir / "snshelper.sqlite3"

    def query(sql):
        with sqlite3.connect(database, timeout=10) as db:
            return db.execute(sql).fetchall()

    def lease_holder():
        rows = query("SELECT holder FROM core_tasklease WHERE name = 'providers-sync'")
        return rows[0][0] if rows else ""

    def statuses():
        return sorted(row[0] for row in query("SELECT status FROM orders_order"))

    def queue_empty():
        return redis.Redis.from_url(own_redis.url).llen("huey.redis.snshelper") == 0

    def enqueue_sync():
        served_site.shell("from snshelper.providers import tasks; tasks.sync_with_providers()", **env)

    simulator = ProviderSimulator(port=0, key=SIM_KEY, seed=7, hang_seconds=60)
    simulator.start()
    consumers = []
    try:
        setup = SETUP.replace("{url}", simulator.url).replace("{key}", SIM_KEY)
        try:
            served_site.shell(setup, **env)
        except subprocess.CalledProcessError as error:
            raise AssertionError(error.stderr[-3000:]) from error
        simulator.advance(24 * 3600)  # the provider has completed them; we still say Pending
        assert statuses() == ["Pending"] * 3
        simulator.set_faults({"timeout": {"probability": 1.0, "actions": ["status"]}})  # the sync hangs

        consumers.append(_consumer(served_site.var_dir, env))
        enqueue_sync()
        _until(lambda: lease_holder() != "", 60, "the first consumer took the sync's lease")
        os.kill(consumers[0].pid, signal.SIGKILL)  # inside the sync, mid-call
        consumers[0].wait(timeout=10)
        killed_at = time.monotonic()
        simulator.set_faults({})

        consumers.append(_consumer(served_site.var_dir, env))
        enqueue_sync()  # while the dead run's lease is fresh: skipped
        _until(queue_empty, 30, "the second consumer ran the sync")
        time.sleep(1)
        assert time.monotonic() - killed_at < LEASE_SECONDS - 1, "too slow to see the fresh lease skip"
        assert statuses() == ["Pending"] * 3  # skipped: the sync did not run
        assert lease_holder() != ""  # still the dead run's

        time.sleep(max(0.0, killed_at + LEASE_SECONDS + 1 - time.monotonic()))  # the lease lapses
        enqueue_sync()
        finished_states = {"Completed", "Partial", "Canceled"}
        _until(lambda: set(statuses()) <= finished_states, 60, "the next sync finished the orders")
        assert time.monotonic() - killed_at < LEASE_SECONDS + 60
        _until(lambda: lease_holder() == "", 10, "the finished run freed its lease")
        finished = query("SELECT last_success_at FROM core_tasklease WHERE name = 'providers-sync'")
        assert finished[0][0] is not None
    finally:
        for consumer in consumers:
            if consumer.poll() is None:
                consumer.kill()
                consumer.wait(timeout=10)
        simulator.stop()
