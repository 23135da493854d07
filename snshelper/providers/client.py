"""The API v2 client we use to talk to upstream providers.

Strict in what we send, lenient in what we accept: providers spell ``Cancelled``, answer in other
letter cases, send numbers as numbers or strings, wrap answers in ``{"success": ...}``, or return
an HTML page with status 200. What matters most is telling apart the three ways a call can fail,
because forwarding an order depends on it:

* ``Unreachable``: nothing reached the provider (no connection). Safe to try again.
* ``NoAnswer``: the request may have reached the provider, but no usable answer came back
  (timeout, dropped connection, 5xx, HTML, broken JSON). The provider may have acted on it.
* ``Refused``: the provider answered ``{"error": ...}``: it did not do what we asked.
"""

import json
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import httpx

from snshelper.catalog.models import Service
from snshelper.orders.models import RefillStatus, Status

TYPES = {t.value.lower(): t.value for t in Service.Type}


class ProviderError(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail[:300]


class Unreachable(ProviderError):
    """No connection was made: the provider cannot have seen the request."""


class NoAnswer(ProviderError):
    """The request may have been received; the answer was lost or unusable."""


class Refused(ProviderError):
    """The provider answered with ``{"error": ...}``."""


_STATUSES = {s.value.lower(): s.value for s in Status}
_STATUSES.update(
    {"cancelled": Status.CANCELED, "inprogress": Status.IN_PROGRESS, "in_progress": Status.IN_PROGRESS}
)
_REFILL_STATUSES = {s.value.lower(): s.value for s in RefillStatus}
_REFILL_STATUSES.update({"cancelled": RefillStatus.CANCELED, "inprogress": RefillStatus.IN_PROGRESS})


def order_status(value) -> str | None:
    return _STATUSES.get(str(value or "").strip().lower())


def refill_status(value) -> str | None:
    return _REFILL_STATUSES.get(str(value or "").strip().lower())


def decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def whole(value) -> int | None:
    number = decimal(value)
    if number is None or number < 0:
        return None
    return int(number)


def _error_of(answer) -> str | None:
    if isinstance(answer, dict) and "error" in answer and len(answer) <= 2:
        return str(answer["error"])[:300] or "error"
    return None


@dataclass(frozen=True)
class StatusReport:
    status: str
    start_count: int | None
    remains: int | None
    charge: Decimal | None
    currency: str


@dataclass(frozen=True)
class Call:
    """How one call went, for the provider's error rate."""

    action: str
    ok: bool
    outcome: str
    milliseconds: int


class ProviderClient:
    """One provider's API v2 endpoint. ``on_call`` hears about every call (ok or not)."""

    def __init__(self, *, url: str, key: str, timeout: float, on_call=None, transport=None):
        self.url, self.key = url, key
        self.on_call = on_call
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"User-Agent": "SNS-Helper"},
            transport=transport,
            follow_redirects=False,
        )

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- the one place a request is made ------------------------------------------------------

    def call(self, action: str, **params):
        started = time.monotonic()
        try:
            answer = self._call(action, params)
        except ProviderError as error:
            self._heard(action, False, f"{type(error).__name__}: {error.detail}", started)
            raise
        self._heard(action, True, "ok", started)
        return answer

    def _heard(self, action, ok, outcome, started):
        if self.on_call:
            self.on_call(Call(action, ok, outcome[:100], int((time.monotonic() - started) * 1000)))

    def _call(self, action: str, params: dict):
        data = {"key": self.key, "action": action}
        data.update({k: str(v) for k, v in params.items() if v not in (None, "")})
        try:
            response = self.http.post(self.url, data=data)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise Unreachable(f"no connection: {type(error).__name__}") from None
        except httpx.TimeoutException as error:
            raise NoAnswer(f"timeout: {type(error).__name__}") from None
        except (httpx.TransportError, httpx.InvalidURL) as error:
            raise NoAnswer(f"connection lost: {type(error).__name__}") from None
        if response.status_code >= 500:
            raise NoAnswer(f"HTTP {response.status_code}")
        try:
            answer = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            kind = "HTML page" if b"<" in response.content[:200] else "not JSON"
            raise NoAnswer(f"{kind} (HTTP {response.status_code})") from None
        if isinstance(answer, dict) and set(answer) <= {"success", "data", "status"} and "success" in answer:
            inner = answer.get("data", answer["success"])
            answer = inner if isinstance(inner, dict | list) else answer
        error = _error_of(answer)
        if error is not None:
            raise Refused(error)
        if response.status_code >= 400:
            raise NoAnswer(f"HTTP {response.status_code}")
        return answer

    # --- actions -----------------------------------------------------------------------------

    def services(self) -> list[dict]:
        answer = self.call("services")
        if isinstance(answer, dict):
            answer = list(answer.values())
        if not isinstance(answer, list):
            raise NoAnswer("services: not a list")
        return [row for row in answer if isinstance(row, dict) and row.get("service") not in (None, "")]

    def listed(self) -> list["Listed"]:
        """The provider's services read into typed values; rows we cannot read are left out."""
        return [item for item in map(Listed.read, self.services()) if item is not None]

    def add(self, **params) -> str:
        answer = self.call("add", **params)
        order = answer.get("order") if isinstance(answer, dict) else None
        if order in (None, "", 0, "0"):
            raise NoAnswer("add: no order id in the answer")
        return str(order)

    def statuses(self, ids: list[str]) -> dict[str, StatusReport | str]:
        """Multiple status: id → report, or id → the provider's error for that id."""
        answer = self.call("status", orders=",".join(ids))
        if len(ids) == 1 and isinstance(answer, dict) and "status" in answer:
            answer = {ids[0]: answer}  # a provider answering the single shape
        if not isinstance(answer, dict):
            raise NoAnswer("status: not an object")
        reports: dict[str, StatusReport | str] = {}
        for key, row in answer.items():
            key = str(key)
            if not isinstance(row, dict):
                continue
            error = _error_of(row)
            status = order_status(row.get("status"))
            if error is not None or status is None:
                reports[key] = error or f"unknown status {row.get('status')!r}"
                continue
            reports[key] = StatusReport(
                status=status,
                start_count=whole(row.get("start_count")),
                remains=whole(row.get("remains")),
                charge=decimal(row.get("charge")),
                currency=str(row.get("currency") or "")[:3],
            )
        return reports

    def refills(self, ids: list[str]) -> dict[str, str | ProviderError]:
        """Multiple refill: order id → the provider's refill id, or Refused."""
        answer = self.call("refill", orders=",".join(ids))
        if isinstance(answer, dict) and "refill" in answer and len(ids) == 1:
            answer = [{"order": ids[0], "refill": answer["refill"]}]
        if not isinstance(answer, list):
            raise NoAnswer("refill: not a list")
        result: dict[str, str | ProviderError] = {}
        for row in answer:
            if not isinstance(row, dict) or "order" not in row:
                continue
            value = row.get("refill")
            error = _error_of(value)
            result[str(row["order"])] = Refused(error) if error else str(value)
        return result

    def refill_statuses(self, ids: list[str]) -> dict[str, str | ProviderError]:
        answer = self.call("refill_status", refills=",".join(ids))
        if isinstance(answer, dict) and "status" in answer and len(ids) == 1:
            answer = [{"refill": ids[0], "status": answer["status"]}]
        if not isinstance(answer, list):
            raise NoAnswer("refill_status: not a list")
        result: dict[str, str | ProviderError] = {}
        for row in answer:
            if not isinstance(row, dict) or "refill" not in row:
                continue
            value = row.get("status")
            error = _error_of(value)
            status = refill_status(value)
            result[str(row["refill"])] = Refused(error) if error else status or Refused(f"status {value!r}")
        return result

    def cancels(self, ids: list[str]) -> dict[str, ProviderError | None]:
        """Multiple cancel: order id → None when accepted, or Refused."""
        answer = self.call("cancel", orders=",".join(ids))
        if not isinstance(answer, list):
            raise NoAnswer("cancel: not a list")
        result: dict[str, ProviderError | None] = {}
        for row in answer:
            if not isinstance(row, dict) or "order" not in row:
                continue
            error = _error_of(row.get("cancel"))
            result[str(row["order"])] = Refused(error) if error else None
        return result

    def balance(self) -> tuple[Decimal, str]:
        answer = self.call("balance")
        amount = decimal(answer.get("balance")) if isinstance(answer, dict) else None
        if amount is None:
            raise NoAnswer("balance: no amount")
        return amount, str(answer.get("currency") or "")[:3]


@dataclass(frozen=True)
class Listed:
    """A service as the provider lists it, read leniently (``ProviderClient.services``)."""

    external_id: str
    name: str
    type: str
    category: str
    rate: Decimal
    min_quantity: int
    max_quantity: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str
    average_time: str

    @classmethod
    def read(cls, row: dict) -> "Listed | None":
        rate = decimal(row.get("rate"))
        low, high = whole(row.get("min")), whole(row.get("max"))
        if rate is None or rate < 0 or low is None or high is None:
            return None
        low = max(low, 1)
        return cls(
            external_id=str(row["service"]).strip()[:50],
            name=str(row.get("name") or "")[:300],
            type=TYPES.get(str(row.get("type") or "default").strip().lower(), str(row.get("type"))[:50]),
            category=str(row.get("category") or "")[:300],
            rate=rate.quantize(Decimal("0.00001")),
            min_quantity=low,
            max_quantity=max(high, low),
            refill=_flag(row.get("refill")),
            cancel=_flag(row.get("cancel")),
            dripfeed=_flag(row.get("dripfeed")),
            description=str(row.get("desc") or row.get("description") or "")[:5000],
            average_time=str(row.get("average_time") or "")[:100],
        )


def _flag(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")
