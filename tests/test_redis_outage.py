"""Redis stops mid-traffic and comes back: every answer is a defined one, never a 500 (issue 16).

The site is served as in production (granian, two worker processes) with cache, rate limits and
the queue on a redis-server of the test's own, which the test kills and restarts while clients
keep calling (never the shared Redis on 6379). The chosen behaviour, per limit
(docs/decisions/0012-limits-and-outages.md):

- a right API key is served (its per-key limit lets it through, logged);
- a wrong key gets 503 with Retry-After: no guess is answered while failures cannot be counted;
- an order is placed (its jobs' failure to queue is logged; the periodic passes find the work);
- pages are served (the cache misses and reads the database).
"""

import threading
import time
from collections import Counter

import httpx

from snshelper.providers.simulator import ProviderSimulator
from tests.providers_fixtures import SIM_KEY
from tests.redis_tools import own_redis  # noqa: F401 (a fixture)
from tests.served_site import migrated_var, served_site  # noqa: F401 (fixtures)

SETUP = """
from decimal import Decimal
from snshelper.accounts import services as accounts
from snshelper.api import services as keys
from snshelper.catalog.models import Category, Platform
from snshelper.catalog.platforms import install_default_platforms
from snshelper.providers import services as providers
from snshelper.wallet import services as wallet
install_default_platforms(Platform)
category = Category.objects.create(platform=Platform.objects.get(code="instagram"), name_th="x", name_en="x")
provider = providers.save_provider(name="Simulated", api_url="{url}", api_key="{key}", currency="USD",
    exchange_rate=Decimal("35"), timeout_seconds=Decimal("1"), markup_percent=Decimal("30"),
    markup_fixed=Decimal("0"),
    supports_idempotency=True)
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
print(service.pk, quantity, keys.create_key(member=member, name="panel").secret)
"""


class Traffic:
    """Clients calling in a loop until stopped; every answer recorded with the phase it came in."""

    def __init__(self, url: str, secret: str, service: str, quantity: str):
        self.url, self.secret, self.service, self.quantity = url, secret, service, quantity
        self.phase = "before"
        self.answers: list[tuple[str, str, int, dict, httpx.Headers]] = []
        self.running = True
        self.lock = threading.Lock()

    def _calls(self):
        v2 = f"{self.url}/api/v2"
        yield "balance", lambda c: c.post(v2, data={"key": self.secret, "action": "balance"})
        yield "guess", lambda c: c.post(v2, data={"key": "a-guess", "action": "balance"})
        link = f"https://www.instagram.com/p/{time.monotonic_ns()}/"
        fields = {
            "key": self.secret,
            "action": "add",
            "service": self.service,
            "link": link,
            "quantity": self.quantity,
        }
        yield "add", lambda c: c.post(v2, data=fields)
        bearer = {"Authorization": f"Bearer {self.secret}"}
        yield "v1", lambda c: c.get(f"{self.url}/api/v1/balance", headers=bearer)
        yield "page", lambda c: c.get(f"{self.url}/")
        yield "health", lambda c: c.get(f"{self.url}/healthz")

    def run(self):
        with httpx.Client(timeout=30) as client:
            while self.running:
                for name, call in self._calls():
                    phase = self.phase
                    response = call(client)
                    body = response.json() if "json" in response.headers.get("content-type", "") else {}
                    with self.lock:
                        self.answers.append((phase, name, response.status_code, body, response.headers))

    def seen(self, phase: str) -> dict[str, Counter]:
        seen: dict[str, Counter] = {}
        for when, name, status, body, _ in self.answers:
            if when == phase:
                seen.setdefault(name, Counter())[(status, body.get("error", "ok") if body else "page")] += 1
        return seen


def test_redis_stopped_mid_traffic_and_restarted_never_answers_500(served_site, own_redis):  # noqa: F811
    served_site.start(REDIS_URL=own_redis.url, API_KEY_RATE="100000/60", API_KEY_FAILURE_RATE="100000/600")
    simulator = ProviderSimulator(port=0, key=SIM_KEY, seed=7)
    simulator.start()
    setup = SETUP.replace("{url}", simulator.url).replace("{key}", SIM_KEY)
    try:
        service, quantity, secret = served_site.shell(setup, REDIS_URL=own_redis.url).splitlines()[-1].split()
    finally:
        simulator.stop()  # no worker runs: forwarding stays queued
    traffic = Traffic(served_site.url, secret, service, quantity)
    clients = [threading.Thread(target=traffic.run) for _ in range(3)]
    for client in clients:
        client.start()
    try:
        time.sleep(3)
        own_redis.stop()
        time.sleep(0.5)  # calls already inside Redis when it died are "before"
        traffic.phase = "down"
        time.sleep(4)
        traffic.phase = "restarting"
        own_redis.start()
        time.sleep(2)  # the limiter and the cache try Redis again after a second
        traffic.phase = "back"
        time.sleep(3)
    finally:
        traffic.running = False
        for client in clients:
            client.join(timeout=60)

    assert not [a for a in traffic.answers if a[2] >= 500 and a[2] != 503], "a 5xx other than 503"
    refused = [a[1] for a in traffic.answers if a[2] == 503]
    assert set(refused) <= {"guess", "health"}, "only wrong keys (and the health probe) answer 503"
    assert all(
        1 <= int(a[4]["Retry-After"]) <= 60 for a in traffic.answers if a[2] == 503 and a[1] == "guess"
    )

    down = traffic.seen("down")
    assert set(down["balance"]) == {(200, "ok")}
    assert set(down["v1"]) == {(200, "ok")}
    assert set(down["page"]) == {(200, "page")}
    assert set(down["guess"]) == {(503, "Service temporarily unavailable")}
    assert set(down["add"]) == {(200, "ok")}  # placed; its jobs are found again by the sweeps
    assert {status for status, _ in down["health"]} == {503}  # the queue is reported down

    back = traffic.seen("back")
    assert set(back["guess"]) == {(200, "Invalid API key")}  # counted again
    assert set(back["balance"]) == set(back["v1"]) == set(back["add"]) == {(200, "ok")}
    assert {status for status, _ in back["health"]} == {200}
    for phase in ("before", "back"):
        assert traffic.seen(phase)["page"] == Counter({(200, "page"): traffic.seen(phase)["page"].total()})

    placed = {
        body["order"] for when, name, status, body, _ in traffic.answers if name == "add" and "order" in body
    }
    counted = served_site.shell("from snshelper.orders.models import Order; print(Order.objects.count())")
    assert int(counted.splitlines()[-1]) == len(placed)
    health = httpx.get(f"{served_site.url}/healthz", timeout=10).json()
    assert health["queue"] == "ok" and health["queue_pending"] > 0  # forwarding queued again since
    waiting = served_site.shell(  # every order placed, queued or not, is waiting to be forwarded
        "from snshelper.providers.models import Forwarding; print(Forwarding.objects.count())"
    )
    assert int(waiting.splitlines()[-1]) == len(placed)
