"""A provider simulator: a real HTTP server speaking API v2, for tests, benchmarks and the demo.

It behaves like an upstream panel (a catalogue, a balance, orders that progress on its own clock,
drip-feed runs, refills and cancels) and misbehaves on demand, like real providers do. Standard
library only (numbers are read by ``snshelper.core.parse``, itself standard library only); bound
to 127.0.0.1; HTTP/1.1 keep-alive, so a client's connection pool is reused.

    sim = ProviderSimulator(port=0, key="sim-key", seed=1)
    sim.start()                        # a background thread; sim.url is its API v2 endpoint
    sim.force("lost_add")              # the next add is made, then its reply is lost
    sim.force("timeout@status")        # the next status call hangs
    sim.set_faults({"html": 0.02, "timeout": {"probability": 0.01, "actions": ["add"]}})
    sim.advance(3600)                  # its clock jumps an hour: orders move on
    sim.stop()                         # or: with ProviderSimulator(...) as sim:

Faults. These do nothing with the request: ``timeout`` (hang past the client's patience, then drop
the connection), ``http_5xx`` (500/502/503 with an HTML page), ``html`` (200 with an HTML page),
``malformed`` (200 with broken JSON), ``error`` (``{"error": ...}``). These act: ``lost_add`` (the
order is made, the connection dropped without an answer), ``slow_add`` (the order is made, the answer
comes only after the client gave up), ``unknown_order`` (a status answer says some known ids are
``Incorrect order ID``), ``price_change`` (``services`` answers with rates changed, one service gone
and one new, for good). Random faults are drawn from one generator seeded with ``seed``, so the same
calls meet the same faults.

Quirks, for lenient clients: ``cancelled_spelling``, ``lowercase_status``, ``numbers_as_numbers``,
``success_wrapper``.

Inspection: ``received_adds()`` (every add as sent, faults or not), ``orders_created()``,
``order(id)``, ``orders_by_key()``, ``duplicates()``, ``calls(action)``, ``status_batch_sizes()``,
``faults_injected()``, ``snapshot()``. Over HTTP, ``GET /control?key=...`` answers ``snapshot()``
and ``POST /control`` (a JSON object with ``key``) sets ``faults``, ``force``, ``advance``,
``balance``, ``change_prices``, ``quirks`` and ``honor_idempotency``.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import Counter, defaultdict, deque
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from snshelper.core import parse

API_PATH = "/api/v2"
CONTROL_PATH = "/control"
ACTIONS = ("services", "add", "status", "refill", "refill_status", "cancel", "balance")
FAULTS = (
    "timeout",
    "http_5xx",
    "html",
    "malformed",
    "error",
    "lost_add",
    "slow_add",
    "unknown_order",
    "price_change",
)
# The faults that act belong to one action; the others (answering in place of the request, which
# is not acted on) may happen to any action, or to the actions they are scoped to.
ACTION_OF_FAULT = {
    "lost_add": "add",
    "slow_add": "add",
    "unknown_order": "status",
    "price_change": "services",
}
QUIRKS = ("cancelled_spelling", "lowercase_status", "numbers_as_numbers", "success_wrapper")
FINISHED = ("Completed", "Partial", "Canceled")
MAX_IDS = 100

_ERROR_MESSAGES = (
    "Service temporarily unavailable",
    "Incorrect request",
    "Not enough funds on balance",
    "Server is busy, try again later",
)
_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
    "<body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>"
)
_MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
    b"<h1>We'll be back soon!</h1><p>The site is under maintenance. Please try again later.</p>"
    b"</body></html>"
)
_MALFORMED = b'{"order": 12, "status": "Compl'
_FIVE = Decimal("0.00001")
# Dollar rates become the configured currency's at these (rough) exchange rates.
_PER_DOLLAR = {
    "USD": "1",
    "EUR": "0.92",
    "GBP": "0.79",
    "THB": "35",
    "INR": "83",
    "RUB": "92",
    "TRY": "32",
    "IDR": "15600",
    "BRL": "5",
}

_FIELDS = (
    "service",
    "name",
    "type",
    "category",
    "rate",
    "min",
    "max",
    "refill",
    "cancel",
    "dripfeed",
    "desc",
    "average_time",
)
# service, name, type, category, rate (USD per 1,000), min, max, refill, cancel, dripfeed, desc, average_time
# fmt: off
CATALOGUE = (
    (101, "Instagram Followers [Real, 30 days refill]", "Default", "Instagram Followers", "0.95", 50, 20000,
     True, True, False, "Real-looking accounts, 30 days refill", "3 hours"),
    (102, "Instagram Likes [Fast]", "Default", "Instagram Likes", "0.12", 20, 50000,
     False, True, True, "", "25 minutes"),
    (103, "Instagram Reel Views", "Default", "Instagram Views", "0.02", 100, 1000000,
     False, False, True, "", ""),
    (104, "Instagram Custom Comments", "Custom Comments", "Instagram Comments", "8.00", 5, 500,
     False, False, False, "One comment per line", "6 hours"),
    (105, "Instagram Mentions [User Followers]", "Mentions", "Instagram Mentions", "4.50", 100, 10000,
     False, False, False, "", ""),
    (201, "TikTok Views", "Default", "TikTok Views", "0.01", 500, 5000000,
     False, True, True, "", "30 minutes"),
    (202, "TikTok Followers [Refill 15 days]", "Default", "TikTok Followers", "1.80", 100, 50000,
     True, False, False, "", "2 hours"),
    (203, "TikTok Starter Package", "Package", "TikTok Packages", "6.90", 1, 1,
     False, False, False, "20k views and 1k likes on one video", ""),
    (301, "Facebook Page Likes", "Default", "Facebook Pages", "2.40", 100, 100000,
     True, True, False, "", "12 hours"),
    (302, "Facebook Poll Votes", "Poll", "Facebook Posts", "2.00", 50, 5000,
     False, False, False, "", ""),
    (401, "YouTube Views [Non-drop]", "Default", "YouTube Views", "1.10", 500, 1000000,
     True, True, True, "Lifetime refill", "1 day"),
    (402, "YouTube Likes", "Default", "YouTube Likes", "0.90", 50, 50000,
     False, False, False, "", ""),
)
# What a price change brings in, one at a time.
NEWCOMERS = (
    ("Instagram Story Views", "Default", "Instagram Views", "0.03", 100, 100000,
     False, False, False, "", "1 hour"),
    ("TikTok Likes [New server]", "Default", "TikTok Likes", "0.45", 50, 20000,
     False, True, False, "", ""),
    ("YouTube Subscribers [Refill 30 days]", "Default", "YouTube Subscribers", "18.50", 50, 5000,
     True, False, False, "", "2 days"),
)
# fmt: on


FIRST_ORDER, FIRST_REFILL = 9_000_001, 70_001  # the numbers a fresh provider starts from


class SimulatorConfigError(ValueError):
    """A fault, quirk or control command the simulator does not know."""


def _five(value: Decimal) -> str:
    return str(value.quantize(_FIVE, rounding=ROUND_HALF_UP))


def _rate_text(value: Decimal) -> str:
    text = format(value.quantize(_FIVE, rounding=ROUND_HALF_UP).normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def _lines(value) -> list[str]:
    return [line for line in str(value or "").splitlines() if line.strip()]


def _ids(value) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


class ProviderSimulator:
    """An upstream API v2 panel on 127.0.0.1. Every method is thread-safe (one lock)."""

    def __init__(
        self,
        *,
        port: int = 0,
        key: str = "sim-key",
        seed: int = 1,
        currency: str = "USD",
        speed: float = 1.0,
        faults: dict | None = None,
        hang_seconds: float = 2.0,
        honor_idempotency: bool = True,
        balance: Decimal | str | int = "100000",
        quirks=(),
        partial_share: float = 0.10,
        canceled_share: float = 0.05,
        host: str = "127.0.0.1",
    ):
        if not key:
            raise SimulatorConfigError("the simulator needs a key")
        if currency.upper() not in _PER_DOLLAR:
            raise SimulatorConfigError(f"unknown currency {currency!r}; one of {', '.join(_PER_DOLLAR)}")
        if speed < 0 or hang_seconds < 0:
            raise SimulatorConfigError("speed and hang_seconds cannot be negative")
        if not 0 <= partial_share + canceled_share <= 1 or min(partial_share, canceled_share) < 0:
            raise SimulatorConfigError("partial_share and canceled_share are shares of 1")
        self.key = key
        self.currency = currency.upper()
        self.speed = float(speed)
        self.hang_seconds = float(hang_seconds)
        self.honor_idempotency = bool(honor_idempotency)
        self.partial_share, self.canceled_share = partial_share, canceled_share
        self.random = random.Random(seed)  # noqa: S311 - a seeded simulation, not security
        self.lock = threading.RLock()
        self.faults: dict[str, tuple[float, frozenset[str] | None]] = {}
        self.forced: list[tuple[str, str | None]] = []
        self.quirks: frozenset[str] = frozenset()
        self.set_faults(faults or {})
        self.set_quirks(quirks)
        self.balance = self._amount(balance)
        per_dollar = Decimal(_PER_DOLLAR[self.currency])
        self.services: dict[str, dict] = {}
        for row in CATALOGUE:
            service = dict(zip(_FIELDS, row, strict=True))
            service["rate"] = _rate_text(Decimal(service["rate"]) * per_dollar)
            self.services[str(service["service"])] = service
        self._per_dollar = per_dollar
        self._newcomers = 0
        self.orders: dict[int, dict] = {}
        self.children: dict[int, tuple[int, int]] = {}  # drip-feed run order id → (parent id, run)
        self.refills: dict[int, dict] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.adds: list[dict] = []
        self.counts: Counter = Counter()
        self.injected: Counter = Counter()
        self.batch_sizes: deque[int] = deque(maxlen=10_000)
        self.connections_opened = 0
        self._next_order, self._next_refill = FIRST_ORDER, FIRST_REFILL
        self._offset = 0.0
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self.server = _Server((host, port), _handler_for(self))
        self.thread: threading.Thread | None = None

    # --- running -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PATH}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CONTROL_PATH}"

    def start(self) -> ProviderSimulator:
        if self.thread is None:
            self.thread = threading.Thread(
                target=self.server.serve_forever,
                kwargs={"poll_interval": 0.05},  # so that stop() returns at once
                name=f"provider-simulator-{self.port}",
                daemon=True,
            )
            self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: hanging answers end at once and open keep-alive connections are closed."""
        self._stopping.set()
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(timeout=5)
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.server.server_close()

    def __enter__(self) -> ProviderSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- control -----------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds on the simulator's clock: real time × speed, plus every advance()."""
        with self.lock:
            return (time.monotonic() - self._started) * self.speed + self._offset

    def advance(self, seconds: float) -> None:
        seconds = float(seconds)
        if not seconds >= 0:
            raise SimulatorConfigError("the clock only moves forward")
        with self.lock:
            self._offset += seconds

    def set_faults(self, faults: dict, *, actions=None) -> None:
        """Random faults from now on (replacing the previous ones): name → probability, or
        name → {"probability": p, "actions": [...]}; ``actions`` scopes every fault given here."""
        parsed = {}
        for name, setting in dict(faults).items():
            if isinstance(setting, dict):
                unknown = set(setting) - {"probability", "actions"}
                if unknown:
                    raise SimulatorConfigError(f"{name}: unknown settings {sorted(unknown)}")
                probability, scope = setting.get("probability", 0), setting.get("actions", actions)
            else:
                probability, scope = setting, actions
            try:
                probability = float(probability)
            except (TypeError, ValueError):
                raise SimulatorConfigError(f"{name}: the probability must be a number") from None
            if not 0 <= probability <= 1:
                raise SimulatorConfigError(f"{name}: the probability must be between 0 and 1")
            scope = self._scope(name, scope)
            if probability > 0:
                parsed[name] = (probability, scope)
        with self.lock:
            self.faults = parsed

    def force(self, *names: str, action: str | None = None) -> None:
        """Queue one-shot faults: each hits the next call it applies to (``"timeout@status"`` or
        ``action="status"`` scopes it to one action)."""
        queued = []
        for name in names:
            name, _, scope = str(name).partition("@")
            scope = scope or action
            self._scope(name, [scope] if scope else None)
            queued.append((name, scope or None))
        with self.lock:
            self.forced.extend(queued)

    def restart_without_its_data(self) -> None:
        """A provider restarted from an empty database: its orders and idempotency keys are
        forgotten and its order numbers start again from the first one, so new orders get numbers
        its earlier orders had (the fault that made forwarding stick in issue 16)."""
        with self.lock:
            self.orders.clear()
            self.children.clear()
            self.refills.clear()
            self.by_key.clear()
            self._next_order, self._next_refill = FIRST_ORDER, FIRST_REFILL

    def set_balance(self, amount) -> None:
        amount = self._amount(amount)
        with self.lock:
            self.balance = amount

    def set_quirks(self, names) -> None:
        names = frozenset(names or ())
        unknown = names - set(QUIRKS)
        if unknown:
            raise SimulatorConfigError(f"unknown quirks {sorted(unknown)}; known: {', '.join(QUIRKS)}")
        with self.lock:
            self.quirks = names

    def change_prices(self) -> dict:
        """What a provider does now and then, for good: some rates move, one service goes, one
        arrives. Answers what changed."""
        with self.lock:
            ids = sorted(self.services, key=int)
            changed = {}
            for service_id in self.random.sample(ids, k=min(3, len(ids))):
                factor = Decimal(self.random.choice(("1.25", "0.8", "1.1", "1.5")))
                rate = _rate_text(Decimal(self.services[service_id]["rate"]) * factor)
                self.services[service_id]["rate"] = changed[service_id] = rate
            gone = self.random.choice(ids)
            del self.services[gone]
            row = NEWCOMERS[self._newcomers % len(NEWCOMERS)]
            self._newcomers += 1
            new_id = max(int(i) for i in ids) + 1
            service = dict(zip(_FIELDS, (new_id, *row), strict=True))
            service["rate"] = _rate_text(Decimal(service["rate"]) * self._per_dollar)
            self.services[str(new_id)] = service
            return {"changed": changed, "gone": gone, "new": str(new_id)}

    def control(self, command: dict) -> dict:
        """One control command (the JSON of ``POST /control``): all of it is checked before any
        of it is applied. Answers the snapshot."""
        if not isinstance(command, dict) or command.get("key") != self.key:
            raise PermissionError("Invalid API key")
        unknown = set(command) - {
            "key",
            "faults",
            "force",
            "advance",
            "balance",
            "change_prices",
            "quirks",
            "honor_idempotency",
            "restart",
        }
        if unknown:
            raise SimulatorConfigError(f"unknown fields {sorted(unknown)}")
        with self.lock:
            before = (self.faults, list(self.forced), self.quirks, self.balance)
            try:
                if "faults" in command:
                    if not isinstance(command["faults"], dict):
                        raise SimulatorConfigError("faults: an object of name → probability")
                    self.set_faults(command["faults"])
                if "force" in command:
                    force = command["force"]
                    self.force(*([force] if isinstance(force, str) else force))
                if "quirks" in command:
                    quirks = command["quirks"]
                    self.set_quirks([quirks] if isinstance(quirks, str) else quirks)
                if "balance" in command:
                    self.set_balance(command["balance"])
                if "advance" in command:
                    try:
                        seconds = float(command["advance"])
                    except (TypeError, ValueError):
                        raise SimulatorConfigError("advance: a number of seconds") from None
                    if not seconds >= 0:
                        raise SimulatorConfigError("the clock only moves forward")
                if "honor_idempotency" in command and not isinstance(command["honor_idempotency"], bool):
                    raise SimulatorConfigError("honor_idempotency: true or false")
            except (SimulatorConfigError, TypeError) as error:
                self.faults, self.forced, self.quirks, self.balance = before
                raise SimulatorConfigError(str(error)) from None
            if "advance" in command:
                self.advance(command["advance"])
            if "honor_idempotency" in command:
                self.honor_idempotency = command["honor_idempotency"]
            if command.get("restart"):
                self.restart_without_its_data()
            if command.get("change_prices"):
                self.change_prices()
            return self.snapshot()

    @staticmethod
    def _scope(name: str, actions) -> frozenset[str] | None:
        if name not in FAULTS:
            raise SimulatorConfigError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        if actions is None:
            return None
        if isinstance(actions, str):
            actions = [actions]
        scope = frozenset(str(a) for a in actions)
        if not scope or scope - set(ACTIONS):
            raise SimulatorConfigError(f"{name}: actions must be some of {', '.join(ACTIONS)}")
        own = ACTION_OF_FAULT.get(name)
        if own and scope != {own}:
            raise SimulatorConfigError(f"{name} only happens to {own}")
        return scope

    @staticmethod
    def _amount(value) -> Decimal:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise SimulatorConfigError(f"not an amount: {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise SimulatorConfigError(f"not an amount: {value!r}")
        return amount

    # --- inspection --------------------------------------------------------------------------

    def received_adds(self) -> list[dict]:
        """Every add that arrived, faults or not, with every field exactly as sent."""
        with self.lock:
            return [dict(params) for params in self.adds]

    def orders_created(self) -> list[dict]:
        with self.lock:
            return [self._public(order) for order in self.orders.values()]

    def order(self, order_id) -> dict:
        with self.lock:
            return self._public(self.orders[int(order_id)])

    def orders_by_key(self) -> dict[str, list[int]]:
        with self.lock:
            return {key: list(ids) for key, ids in self.by_key.items()}

    def duplicates(self) -> dict[str, list[int]]:
        """Idempotency keys that made more than one order."""
        with self.lock:
            return {key: list(ids) for key, ids in self.by_key.items() if len(ids) > 1}

    def calls(self, action: str) -> int:
        with self.lock:
            return self.counts[action]

    def status_batch_sizes(self) -> list[int]:
        with self.lock:
            return list(self.batch_sizes)

    def faults_injected(self) -> Counter:
        with self.lock:
            return Counter(self.injected)

    def snapshot(self, *, lists: bool = True) -> dict:
        """What ``GET /control`` answers; ``lists=False`` leaves out the orders and adds."""
        with self.lock:
            state = {
                "url": self.url,
                "currency": self.currency,
                "balance": _five(self.balance),
                "clock": round(self.now(), 3),
                "speed": self.speed,
                "honor_idempotency": self.honor_idempotency,
                "quirks": sorted(self.quirks),
                "faults": {
                    name: {"probability": p, "actions": sorted(scope) if scope else None}
                    for name, (p, scope) in self.faults.items()
                },
                "forced": [f"{name}@{scope}" if scope else name for name, scope in self.forced],
                "calls": dict(self.counts),
                "connections_opened": self.connections_opened,
                "adds_received": len(self.adds),
                "orders_created": len(self.orders),
                "faults_injected": dict(self.injected),
                "orders_by_key": self.orders_by_key(),
                "duplicates": self.duplicates(),
                "services": sorted(self.services, key=int),
            }
            if lists:
                state["orders"] = self.orders_created()
                state["adds"] = self.received_adds()
            return state

    def _public(self, order: dict) -> dict:
        status, remains, runs_done = self._state(order)
        return {
            "id": order["id"],
            "params": dict(order["params"]),
            "service": order["service"]["service"],
            "link": order["link"],
            "quantity": order["quantity"],
            "runs": order["runs"],
            "runs_done": runs_done,
            "status": status,
            "start_count": order["start_count"],
            "remains": remains,
            "charge": _five(order["charge"] - order["refunded"]),
            "idempotency_key": order["idempotency_key"],
            "child_orders": order["children"][:runs_done] if order["runs"] else [],
        }

    # --- requests ----------------------------------------------------------------------------

    def _arrived(self, action: str, params: dict) -> tuple[str | None, int]:
        """Count the call, keep an add as sent, and decide its fault (and a 5xx's status)."""
        with self.lock:
            self.counts[action] += 1
            if action == "add":
                self.adds.append(dict(params))
            fault = None
            for index, (name, scope) in enumerate(self.forced):
                if self._applies(name, scope, action):
                    del self.forced[index]
                    fault = name
                    break
            else:
                for name in FAULTS:  # a fixed order: the same calls draw the same numbers
                    if name == "unknown_order" or name not in self.faults:
                        continue  # forgetting is decided per order id, in the status answer
                    probability, scope = self.faults[name]
                    if self._applies(name, scope, action) and self.random.random() < probability:
                        fault = name
                        break
            if fault and fault != "unknown_order":  # a forgotten id is counted where it happens
                self.injected[fault] += 1
            status = self.random.choice((500, 502, 503)) if fault == "http_5xx" else 200
            error = self.random.choice(_ERROR_MESSAGES) if fault == "error" else ""
            return fault, (status, error)

    @staticmethod
    def _applies(name: str, scope, action: str) -> bool:
        if action not in ACTIONS:
            return False
        own = ACTION_OF_FAULT.get(name)
        if own:
            return own == action
        return scope is None or action in scope

    def answer(self, params: dict, fault: str | None = None):
        """The API v2 answer to one request, as JSON-ready values."""
        if params.get("key", params.get("api_token")) != self.key:
            return {"error": "Invalid API key"}
        action = str(params.get("action", ""))
        if action not in ACTIONS:
            return {"error": "Incorrect request"}
        with self.lock:
            return getattr(self, f"_action_{action}")(params, fault)

    # --- actions -----------------------------------------------------------------------------

    def _action_services(self, params, fault):
        if fault == "price_change":
            self.change_prices()
        numbers = "numbers_as_numbers" in self.quirks
        rows = []
        for service in self.services.values():
            row = dict(service)
            if not row["desc"]:  # some panels send neither
                del row["desc"], row["average_time"]
            elif not row["average_time"]:
                del row["average_time"]
            if numbers:
                row["rate"] = float(row["rate"])
            else:
                row["min"], row["max"] = str(row["min"]), str(row["max"])
            rows.append(row)
        return rows

    def _action_balance(self, params, fault):
        balance = _five(self.balance)
        return {
            "balance": float(balance) if "numbers_as_numbers" in self.quirks else balance,
            "currency": self.currency,
        }

    def _action_add(self, params, fault):
        key = str(params.get("idempotency_key") or "")
        if key and self.honor_idempotency and self.by_key.get(key):
            return {"order": self.by_key[key][0]}
        service = self.services.get(str(params.get("service", "")).strip())
        if service is None:
            return {"error": "Incorrect service ID"}
        link = str(params.get("link", "")).strip()
        if not link:
            return {"error": "Incorrect link"}
        request = self._order_request(service, params)
        if isinstance(request, str):
            return {"error": request}
        quantity, runs, interval = request
        rate = Decimal(service["rate"])
        if service["type"] == "Package":
            charge = rate
        else:
            charge = (rate * quantity * (runs or 1) / 1000).quantize(_FIVE, rounding=ROUND_HALF_UP)
        if charge > self.balance:
            return {"error": "Not enough funds on balance"}
        self.balance -= charge
        order_id = self._next_order
        total = quantity * (runs or 1)
        self._next_order += 1 + (runs or 0)  # drip-feed runs get order ids of their own
        roll = self.random.random()
        if roll < self.canceled_share and not runs:
            outcome = "Canceled"
        elif roll < self.canceled_share + self.partial_share and total > 1:
            outcome = "Partial"
        else:
            outcome = "Completed"
        last_run = quantity if runs else total
        self.orders[order_id] = {
            "id": order_id,
            "params": dict(params),
            "service": dict(service),
            "link": link,
            "quantity": quantity,
            "runs": runs,
            "interval": interval,
            "total": total,
            "charge": charge,
            "refunded": Decimal(0),
            "created": self.now(),
            "pending_for": self.random.uniform(30, 300),
            "work_for": runs * interval * 60 if runs else self.random.uniform(600, 3600),
            "processing": self.random.random() < 0.2,
            "outcome": outcome,
            "short_by": self.random.randint(1, last_run - 1) if last_run > 1 else 0,
            "start_count": self.random.randint(0, 50000) if service["type"] != "Package" else 0,
            "children": list(range(order_id + 1, order_id + 1 + (runs or 0))),
            "idempotency_key": key,
            "final": None,
        }
        for run, child in enumerate(self.orders[order_id]["children"], start=1):
            self.children[child] = (order_id, run)
        if key:
            self.by_key[key].append(order_id)
        return {"order": order_id}

    def _order_request(self, service: dict, params: dict):
        """(quantity, runs, interval) the way a panel reads them, or the panel's error."""
        kind = service["type"]
        if kind == "Package":
            quantity = 1
        elif kind == "Custom Comments":
            quantity = len(_lines(params.get("comments")))
            if not quantity:
                return "Incorrect comments"
        elif kind == "Mentions":
            usernames = _lines(params.get("usernames"))
            named = any(
                str(params.get(f) or "").strip() for f in ("username", "hashtag", "hashtags", "media")
            )
            if not usernames and not named:
                return "Incorrect usernames"
            given = str(params.get("quantity") or "").strip()
            quantity = parse.whole_number(given) if given else len(usernames)
            if quantity is None or not (given or usernames):
                return "Incorrect quantity"
        else:
            quantity = parse.whole_number(params.get("quantity", ""))
            if quantity is None:
                return "Incorrect quantity"
            if kind == "Poll" and not (parse.whole_number(params.get("answer_number", "")) or 0) >= 1:
                return "Incorrect answer number"
        if quantity < service["min"]:
            return "Quantity less than minimal"
        if quantity > service["max"]:
            return "Quantity more than maximal"
        runs_given = str(params.get("runs") or "").strip()
        interval_given = str(params.get("interval") or "").strip()
        if not runs_given and not interval_given:
            return quantity, None, None
        if not service["dripfeed"]:
            return "Drip-feed is not available for this service"
        runs, interval = parse.whole_number(runs_given), parse.whole_number(interval_given)
        if runs is None or runs < 2:
            return "Incorrect runs"
        if interval is None or interval < 1:
            return "Incorrect interval"
        return quantity, runs, interval

    def _state(self, order: dict) -> tuple[str, int, int]:
        """(status, remains, runs done) now; reaching the end refunds what was not delivered,
        once."""
        if order["final"]:
            return order["final"]
        elapsed = self.now() - order["created"]
        total, runs, pending_for = order["total"], order["runs"], order["pending_for"]
        end_remains = {"Completed": 0, "Partial": order["short_by"], "Canceled": total}[order["outcome"]]
        if elapsed < pending_for:
            return "Pending", total, 0
        if order["outcome"] == "Canceled":
            return self._finish(order, "Canceled", total, 0)
        worked = elapsed - pending_for
        if worked >= order["work_for"]:
            return self._finish(order, order["outcome"], end_remains, runs or 0)
        if runs:
            done = min(runs - 1, int(worked // (order["interval"] * 60)))
            return "In progress", total - done * order["quantity"], done
        share = worked / order["work_for"]
        status = "Processing" if order["processing"] and share < 0.25 else "In progress"
        return status, max(end_remains, 1, total - int(total * share)), 0

    def _finish(self, order: dict, status: str, remains: int, runs_done: int):
        order["final"] = (status, remains, runs_done)
        if remains:
            refund = (order["charge"] * remains / order["total"]).quantize(_FIVE, rounding=ROUND_DOWN)
            order["refunded"] = refund
            self.balance += refund
        return order["final"]

    def _status_row(self, order: dict) -> dict:
        status, remains, runs_done = self._state(order)
        start_count = 0 if status == "Pending" else order["start_count"]
        charge = _five(order["charge"] - order["refunded"])
        row = self._shaped(status, charge, start_count, remains)
        if order["runs"]:
            row["runs"] = runs_done if "numbers_as_numbers" in self.quirks else str(runs_done)
            row["orders"] = order["children"][:runs_done]
        return row

    def _child_row(self, child_id: int) -> dict:
        parent_id, run = self.children[child_id]
        parent = self.orders[parent_id]
        status, remains, runs_done = self._state(parent)
        quantity, share = parent["quantity"], parent["charge"] / parent["runs"]
        if run <= runs_done:
            short = parent["short_by"] if status == "Partial" and run == parent["runs"] else 0
            return self._shaped(
                "Partial" if short else "Completed", _five(share), parent["start_count"], short
            )
        if status == "Canceled":
            return self._shaped("Canceled", _five(share), 0, quantity)
        return self._shaped("Pending", _five(share), 0, quantity)

    def _shaped(self, status: str, charge: str, start_count: int, remains: int) -> dict:
        if status == "Canceled" and "cancelled_spelling" in self.quirks:
            status = "Cancelled"
        if "lowercase_status" in self.quirks:
            status = status.lower()
        if "numbers_as_numbers" in self.quirks:
            return {
                "charge": float(charge),
                "start_count": start_count,
                "status": status,
                "remains": remains,
                "currency": self.currency,
            }
        return {
            "charge": charge,
            "start_count": str(start_count),
            "status": status,
            "remains": str(remains),
            "currency": self.currency,
        }

    def _row_of(self, raw: str) -> dict | None:
        number = parse.whole_number(raw)
        if number in self.orders:
            return self._status_row(self.orders[number])
        if number in self.children:
            return self._child_row(number)
        return None

    def _action_status(self, params, fault):
        random_forget = self.faults.get("unknown_order", (0, None))[0]
        if "orders" not in params:
            row = self._row_of(str(params.get("order", "")))
            if row is not None and (
                fault == "unknown_order" or (random_forget and self.random.random() < random_forget)
            ):
                self.injected["unknown_order"] += 1
                row = None
            return row if row is not None else {"error": "Incorrect order ID"}
        ids = _ids(params["orders"])
        if not ids or len(ids) > MAX_IDS:
            return {"error": "Incorrect request"}
        self.batch_sizes.append(len(ids))
        rows = {raw: self._row_of(raw) for raw in ids}
        known = [raw for raw, row in rows.items() if row is not None]
        if fault == "unknown_order" and known:  # a forced one forgets some, at least one
            forgotten = {raw for raw in known if self.random.random() < 0.5} or {self.random.choice(known)}
        else:
            forgotten = {raw for raw in known if random_forget and self.random.random() < random_forget}
        if forgotten:
            self.injected["unknown_order"] += len(forgotten)
        return {
            raw: row if row is not None and raw not in forgotten else {"error": "Incorrect order ID"}
            for raw, row in rows.items()
        }

    def _refill_one(self, raw: str):
        number = parse.whole_number(raw)
        order = self.orders.get(number) if number is not None else None
        if order is None:
            return {"error": "Incorrect order ID"}
        status, _, _ = self._state(order)
        active = any(
            r["order"] == order["id"] and self._refill_state(r) in ("Pending", "In progress")
            for r in self.refills.values()
        )
        if not order["service"]["refill"] or status not in ("Completed", "Partial") or active:
            return {"error": "Refill not available"}
        refill_id = self._next_refill
        self._next_refill += 1
        self.refills[refill_id] = {
            "order": order["id"],
            "created": self.now(),
            "pending_for": self.random.uniform(30, 300),
            "work_for": self.random.uniform(600, 3600),
            "outcome": "Rejected" if self.random.random() < 0.1 else "Completed",
        }
        return refill_id

    def _refill_state(self, refill: dict) -> str:
        elapsed = self.now() - refill["created"]
        if elapsed < refill["pending_for"]:
            return "Pending"
        if elapsed < refill["pending_for"] + refill["work_for"]:
            return "In progress"
        return refill["outcome"]

    def _refill_number(self, refill_id):
        return refill_id if "numbers_as_numbers" in self.quirks else str(refill_id)

    def _action_refill(self, params, fault):
        if "orders" in params:
            ids = _ids(params["orders"])
            if not ids or len(ids) > MAX_IDS:
                return {"error": "Incorrect request"}
            return [{"order": parse.whole_number(raw) or raw, "refill": self._refill_one(raw)} for raw in ids]
        result = self._refill_one(str(params.get("order", "")))
        return result if isinstance(result, dict) else {"refill": self._refill_number(result)}

    def _refill_status_of(self, raw: str):
        number = parse.whole_number(raw)
        refill = self.refills.get(number) if number is not None else None
        if refill is None:
            return {"error": "Refill not found"}
        status = self._refill_state(refill)
        return status.lower() if "lowercase_status" in self.quirks else status

    def _action_refill_status(self, params, fault):
        if "refills" in params:
            ids = _ids(params["refills"])
            if not ids or len(ids) > MAX_IDS:
                return {"error": "Incorrect request"}
            return [
                {"refill": parse.whole_number(raw) or raw, "status": self._refill_status_of(raw)}
                for raw in ids
            ]
        status = self._refill_status_of(str(params.get("refill", "")))
        return status if isinstance(status, dict) else {"status": status}

    def _action_cancel(self, params, fault):
        ids = _ids(params.get("orders", params.get("order", "")))
        if not ids or len(ids) > MAX_IDS:
            return {"error": "Incorrect request"}
        answer = []
        for raw in ids:
            number = parse.whole_number(raw)
            order = self.orders.get(number) if number is not None else None
            if order is None:
                result = {"error": "Incorrect order ID"}
            else:
                status, remains, runs_done = self._state(order)
                if not order["service"]["cancel"] or status in FINISHED:
                    result = {"error": "Cancel not available"}
                else:
                    self._finish(order, "Canceled", remains, runs_done)
                    result = 1
            answer.append({"order": number if number is not None else raw, "cancel": result})
        return answer


# --- HTTP ------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _BadRequest(ValueError):
    pass


def _read_params(handler: BaseHTTPRequestHandler) -> dict:
    """Query string, then the body: form, JSON or multipart, like the field's clients send."""
    params = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        body = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if not size:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += handler.rfile.read(size)
            handler.rfile.readline()
    else:
        length = int(handler.headers.get("Content-Length") or 0)
        if length < 0 or length > 10_000_000:
            raise _BadRequest("body too large")
        body = handler.rfile.read(length) if length else b""
    kind = handler.headers.get("Content-Type", "")
    if not body:
        return params
    if "json" in kind:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise _BadRequest("a JSON body is an object")
        params.update(data)
    elif "multipart/form-data" in kind:
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
        if not message.is_multipart():
            raise _BadRequest("not multipart")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                params[name] = (part.get_payload(decode=True) or b"").decode()
    else:
        params.update(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False))
    return params


def _handler_for(simulator: ProviderSimulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ProviderSimulator/1.0"
        sys_version = ""
        disable_nagle_algorithm = True
        wbufsize = -1  # headers and body leave in one write
        timeout = 120  # an idle keep-alive connection is closed after this

        def setup(self):
            super().setup()
            with simulator.lock:
                simulator._connections.add(self.connection)
                simulator.connections_opened += 1

        def finish(self):
            with simulator.lock:
                simulator._connections.discard(self.connection)
            try:
                super().finish()
            except OSError:
                pass

        def log_message(self, *args):  # quiet: tests and the demo read their own logs
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, value, status: int = 200) -> None:
            self._send(status, json.dumps(value).encode())

        def _page(self, status: int) -> None:
            reason = self.responses.get(status, ("Error",))[0]
            self._send(
                status, _ERROR_PAGE.format(status=status, reason=reason).encode(), "text/html; charset=utf-8"
            )

        def _drop(self) -> None:
            """Close without a word: the client sees the connection end with no answer."""
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def do_GET(self):  # noqa: N802
            self._serve()

        def do_POST(self):  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            try:
                params = _read_params(self)
            except (ValueError, UnicodeDecodeError):
                self.close_connection = True
                return self._json({"error": "Incorrect request"}, status=400)
            path = urlsplit(self.path).path.rstrip("/")
            if path == CONTROL_PATH:
                return self._control(params)
            if path != API_PATH:
                return self._json({"error": "Incorrect request"}, status=404)
            try:
                self._api(params)
            except OSError:  # the client went away first
                self.close_connection = True

        def _control(self, params: dict) -> None:
            try:
                if self.command == "GET":
                    if params.get("key") != simulator.key:
                        raise PermissionError("Invalid API key")
                    lists = str(params.get("lists", "1")).lower() not in ("0", "false", "no")
                    return self._json(simulator.snapshot(lists=lists))
                return self._json(simulator.control(params))
            except PermissionError as error:
                return self._json({"error": str(error)}, status=403)
            except SimulatorConfigError as error:
                return self._json({"error": str(error)}, status=400)

        def _api(self, params: dict) -> None:
            action = str(params.get("action", ""))
            fault, (status, message) = simulator._arrived(action, params)
            if fault == "timeout":
                simulator._stopping.wait(simulator.hang_seconds)
                return self._drop()
            if fault == "http_5xx":
                return self._page(status)
            if fault == "html":
                return self._send(200, _MAINTENANCE_PAGE, "text/html; charset=utf-8")
            if fault == "malformed":
                return self._send(200, _MALFORMED)
            if fault == "error":
                return self._json({"error": message})
            answer = simulator.answer(params, fault)
            if fault == "lost_add":
                return self._drop()
            if fault == "slow_add":
                simulator._stopping.wait(simulator.hang_seconds)
            wrap = "success_wrapper" in simulator.quirks
            if wrap and not (isinstance(answer, dict) and "error" in answer):
                answer = {"success": answer}
            return self._json(answer)

    return Handler
