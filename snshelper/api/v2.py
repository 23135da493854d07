"""API v2, the field's reseller protocol, as a server (docs: API-V2.md, followed to the letter).

One URL, POST; ``key`` (or ``api_token``) and ``action`` come in a form, multipart or JSON body.
Each action parses its fields, calls the same services and selectors as the member's pages, and
answers in the protocol's exact shapes: money and counts as strings where panels send strings,
business errors as HTTP 200 ``{"error": ...}`` in English whatever the member's language. Only an
unreadable body is a 400, and a rate limit a 429 with ``Retry-After``.
"""

import json
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from snshelper.api import selectors
from snshelper.api import services as api_services
from snshelper.api.errors import ApiError, IncorrectOrderId, RefillNotFound, TooManyRequests
from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core.errors import DomainError
from snshelper.core.network import client_ip
from snshelper.orders import errors as order_errors
from snshelper.orders import services as order_services
from snshelper.orders import subscriptions
from snshelper.orders.models import Order
from snshelper.orders.services import OrderRequest
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.errors import InsufficientFunds

MAX_IDS = 100  # ids per multiple status, refill, refill_status or cancel
MAX_ID = 2**63 - 1  # the database's id column; a larger number is no order of ours
MAX_COUNT = 2**31 - 1  # the database's count columns (runs, interval, posts, ...)
MAX_KEY = 200  # Order.idempotency_key
QUANTUM = Decimal("0.00001")


class BadBody(Exception):
    """The body cannot be read at all (broken JSON, broken multipart): HTTP 400."""


# --- Reading the request -----------------------------------------------------------------------


class Params:
    """The request's fields, read leniently (strings, JSON numbers, lists) and never trusted."""

    def __init__(self, data: dict):
        self.data = data

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ApiError(f"Incorrect request: {name} must be text or a number")
        value = str(value).strip()
        if "\x00" in value:
            raise ApiError(f"Incorrect request: {name} must not contain NUL characters")
        return value

    def lines(self, name: str) -> str:
        """A one-per-line field, also taken as a JSON list."""
        value = self.data.get(name)
        if isinstance(value, list):
            return "\n".join(Params({name: item}).text(name) for item in value)
        return self.text(name)

    def count(self, name: str) -> str:
        """A whole number the services parse; one beyond the database's columns is refused here."""
        value = self.text(name)
        number = _number(value)
        if number is not None and number > MAX_COUNT:
            raise ApiError(f"Incorrect request: {name} is too large")
        return value

    def ids(self, name: str, none=IncorrectOrderId) -> list[str]:
        """Up to MAX_IDS ids, comma-separated (or a JSON list), as the client wrote them."""
        value = self.data.get(name)
        items = value if isinstance(value, list) else self.text(name).split(",")
        ids = [Params({name: item}).text(name) for item in items]
        ids = [item for item in ids if item]
        if not ids:
            raise none
        if len(ids) > MAX_IDS:
            raise ApiError(f"Incorrect request: at most {MAX_IDS} ids at once")
        return ids


def _number(text: str) -> int | None:
    """A whole number in decimal digits, or None; a very long one is simply too large."""
    if not text.isdecimal():
        return None
    return int(text) if len(text) <= 20 else MAX_ID + 1


def _id(text: str) -> int | None:
    """An id as our database holds them, or None."""
    number = _number(text)
    return number if number and number <= MAX_ID else None


def _body(request: HttpRequest) -> dict:
    """The fields of a JSON, form or multipart body (fields in the query string count too)."""
    query = {name: request.GET.get(name) for name in request.GET}
    try:
        if "json" in request.content_type:
            return {**query, **_json_body(request.body)}
        fields = {name: request.POST.get(name) for name in request.POST}
        multipart = request.content_type.startswith("multipart/")
        if not fields and not multipart and request.body.lstrip()[:1] == b"{":
            return {**query, **_json_body(request.body)}  # JSON sent without its content type
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
        raise BadBody from None
    return {**query, **fields}


def _json_body(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadBody from None
    if not isinstance(data, dict):
        raise BadBody
    return data


# --- Shaping answers ---------------------------------------------------------------------------


def _money(amount: Decimal) -> str:
    """``"0.27819"``, ``"90.00"``: five decimals at most, two at least, as panels send money."""
    text = format(Decimal(amount).quantize(QUANTUM), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def _message(error: DomainError) -> str:
    """The error in the field's exact words (pages keep our longer, friendlier ones)."""
    if isinstance(error, InsufficientFunds):
        return "Not enough funds on balance"
    for kind in (order_errors.RefillNotAvailable, order_errors.CancelNotAvailable):
        if isinstance(error, kind):
            return str(kind.message)
    return str(error.message)


def _order_status(order: Order) -> dict:
    subscription = subscriptions.subscription_of(order)
    if subscription is not None:
        return subscriptions.subscription_status(subscription)
    answer = {
        "charge": _money(order.charge),
        "start_count": str(order.start_count or 0),
        "status": order.status,
        "remains": str(order.total_quantity if order.remains is None else order.remains),
        "currency": settings.CURRENCY,
    }
    if order.runs:
        answer["runs"] = str(order.runs_done)
        answer["orders"] = [run.pk for run in order.delivered_runs]
    return answer


def _orders(member, ids: list[str]) -> dict[str, Order | None]:
    """Each id as written → the member's order, or None."""
    found = selectors.orders_by_id(member, [pk for pk in map(_id, ids) if pk])
    return {text: found.get(_id(text)) for text in ids}


def _item_id(text: str) -> int | str:
    return int(text) if _id(text) else text


# --- Actions -----------------------------------------------------------------------------------


def services(member, params: Params):
    language = member.language
    return [
        {
            "service": service.pk,
            "name": service.in_language("name", language),
            "type": service.type,
            "category": service.category.in_language("name", language),
            "rate": _money(service.rate),
            "min": str(service.min_quantity),
            "max": str(service.max_quantity),
            "refill": service.refillable,
            "cancel": service.cancel_allowed,
            "dripfeed": service.dripfeed_allowed,
            "desc": service.in_language("description", language),
            **({"average_time": str(service.average_minutes)} if service.average_minutes else {}),
        }
        for service in catalog.orderable_services()
    ]


def add(member, params: Params):
    service = catalog.orderable_service(_id(params.text("service")))
    if service is None:
        raise order_errors.IncorrectService
    key = params.text("idempotency_key")
    if len(key) > MAX_KEY:
        raise ApiError(f"Incorrect request: idempotency_key is longer than {MAX_KEY} characters")
    if service.type == Service.Type.SUBSCRIPTIONS:
        subscription = subscriptions.place_subscription(
            member=member,
            service_id=service.pk,
            username=params.text("username") or params.text("link"),  # some clients send link
            min=params.text("min"),
            max=params.text("max"),
            posts=params.count("posts"),
            old_posts=params.count("old_posts"),
            delay=params.count("delay") or 0,
            expiry=params.text("expiry") or None,
            idempotency_key=key,
        )
        return {"order": subscription.order_id}
    type_fields = {
        "usernames": params.lines("usernames"),
        "hashtags": params.lines("hashtags"),
        "username": params.text("username"),
        "hashtag": params.text("hashtag"),
        "media": params.text("media"),
        "answer_number": params.count("answer_number"),
    }
    request = OrderRequest(
        service_id=service.pk,
        link=params.text("link"),
        quantity=params.text("quantity") or None,
        runs=params.count("runs") or None,
        interval=params.count("interval") or None,
        comments=params.lines("comments"),
        type_fields={name: value for name, value in type_fields.items() if value},
    )
    order = order_services.place_order(member=member, request=request, idempotency_key=key)
    return {"order": order.pk}


def status(member, params: Params):
    if "orders" in params.data:
        return {
            text: _order_status(order) if order else {"error": _message(IncorrectOrderId())}
            for text, order in _orders(member, params.ids("orders")).items()
        }
    order = _orders(member, [params.text("order")]).get(params.text("order"))
    if order is None:
        raise IncorrectOrderId
    return _order_status(order)


def _each(member, ids: list[str], ask: Callable[[Order], int | str]) -> list[tuple[int | str, object]]:
    """Ask for each order on its own (each in its own transaction): one refusal refuses one id."""
    results = []
    for text, order in _orders(member, ids).items():
        try:
            if order is None:
                raise IncorrectOrderId
            results.append((_item_id(text), ask(order)))
        except DomainError as error:
            results.append((_item_id(text), {"error": _message(error)}))
    return results


def refill(member, params: Params):
    def ask(order: Order) -> int:
        return order_services.request_refill(member=member, order=order).pk

    if "orders" in params.data:
        return [{"order": pk, "refill": done} for pk, done in _each(member, params.ids("orders"), ask)]
    order = _orders(member, [params.text("order")]).get(params.text("order"))
    if order is None:
        raise IncorrectOrderId
    return {"refill": str(ask(order))}


def refill_status(member, params: Params):
    if "refills" in params.data:
        ids = params.ids("refills", none=RefillNotFound)
        found = selectors.refills_by_id(member, [pk for pk in map(_id, ids) if pk])
        answers = []
        for text in dict.fromkeys(ids):
            refill_request = found.get(_id(text))
            answer = refill_request.status if refill_request else {"error": _message(RefillNotFound())}
            answers.append({"refill": _item_id(text), "status": answer})
        return answers
    pk = _id(params.text("refill"))
    refill_request = selectors.refills_by_id(member, [pk]).get(pk) if pk else None
    if refill_request is None:
        raise RefillNotFound
    return {"status": refill_request.status}


def cancel(member, params: Params):
    def ask(order: Order) -> int:
        subscription = subscriptions.subscription_of(order)
        if subscription is not None:  # cancelling a subscription ends it (its orders stay)
            subscriptions.cancel_subscription(subscription=subscription, member=member)
        else:
            order_services.request_cancel(member=member, order=order)
        return 1

    ids = params.ids("orders" if "orders" in params.data else "order")
    return [{"order": pk, "cancel": done} for pk, done in _each(member, ids, ask)]


def balance(member, params: Params):
    return {"balance": _money(wallet_selectors.balance(member)), "currency": settings.CURRENCY}


ACTIONS: dict[str, Callable] = {
    "services": services,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
    "balance": balance,
}


# --- The endpoint ------------------------------------------------------------------------------


def _answer(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@never_cache
def endpoint(request: HttpRequest) -> JsonResponse:
    """POST /api/v2: authenticate the key, run the action, answer in API v2's shape."""
    with translation.override("en"):  # the protocol's words, whatever the member reads on pages
        if request.method != "POST":
            response = _answer({"error": "Incorrect request"}, status=405)
            response["Allow"] = "POST"
            return response
        try:
            params = Params(_body(request))
        except BadBody:
            return _answer({"error": "Incorrect request"}, status=400)
        try:
            key = api_services.authenticate(
                secret=params.text("key") or params.text("api_token"), ip=client_ip(request)
            )
            action = ACTIONS.get(params.text("action").lower())
            if action is None:
                raise ApiError
            return _answer(action(key.member, params))
        except TooManyRequests as error:
            response = _answer({"error": _message(error)}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        except DomainError as error:
            return _answer({"error": _message(error)})
