"""API v2, the field's reseller protocol, as a server (docs: API-V2.md, followed to the letter).

One URL, GET or POST; ``key`` (or ``api_token``) and ``action`` come in the query string or a form,
multipart or JSON body, in whatever charset the request declares (docs/api-v2.md).
Each action parses its fields, calls the same services and selectors as the member's pages, and
answers in the protocol's exact shapes: money and counts as strings where panels send strings,
business errors as HTTP 200 ``{"error": ...}`` in English whatever the member's language. Only an
unreadable body is a 400, and a rate limit a 429 with ``Retry-After``.
"""

import codecs
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from snshelper.api import selectors
from snshelper.api import services as api_services
from snshelper.api.errors import (
    ApiError,
    IncorrectOrderId,
    RefillNotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core import money, parse
from snshelper.core.errors import DomainError
from snshelper.core.network import client_ip
from snshelper.orders import errors as order_errors
from snshelper.orders import services as order_services
from snshelper.orders import subscriptions
from snshelper.orders.models import Order
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.errors import InsufficientFunds

MAX_IDS = 100  # ids per multiple status, refill, refill_status or cancel
MAX_COUNT = parse.LARGEST_COUNT  # the database's count columns (runs, interval, posts, ...)
MAX_KEY = 200  # Order.idempotency_key
EARLY_CHECK_BYTES = 64 * 1024  # bodies larger than this wait for the address's lockout check


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

    def lines(self, name: str) -> list[str]:
        """A one-per-line field, also taken as a JSON list: its non-blank lines."""
        value = self.data.get(name)
        if isinstance(value, list):
            return parse.lines(Params({name: item}).text(name) for item in value)
        return parse.lines(self.text(name))

    def items(self, name: str) -> list[str]:
        """A list of names (usernames, hashtags): one per line or comma-separated."""
        return [item.strip() for line in self.lines(name) for item in line.split(",") if item.strip()]

    def whole(self, name: str, *, invalid: DomainError, largest: int | None = None) -> int | None:
        """A whole number (None when not given); ``invalid`` when it is not one. One beyond
        ``largest`` (the database's columns) is refused here."""
        text = self.text(name)
        if not text:
            return None
        number = parse.whole_number(text)
        if number is None:
            raise invalid
        if largest is not None and number > largest:
            raise ApiError(f"Incorrect request: {name} is too large")
        return number

    def count(self, name: str, *, invalid: DomainError) -> int | None:
        """A count the database keeps (runs, interval, posts, ...)."""
        return self.whole(name, invalid=invalid, largest=MAX_COUNT)

    def expiry(self, name: str) -> date | None:
        """A subscription's expiry, d/m/Y (a Buddhist-era year understood), or None when not given."""
        text = self.text(name)
        if not text:
            return None
        day = parse.day_month_year(text)
        if day is None:
            raise order_errors.IncorrectExpiry
        return day

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


def _charset(request: HttpRequest) -> str:
    """The body's declared charset (UTF-8 when none is), as Python names it; an unknown one is
    an unreadable body."""
    declared = (request.content_params.get("charset") or "utf-8").strip().strip('"').lower()
    try:
        return codecs.lookup(declared.replace("windows-", "cp")).name  # windows-874 is cp874
    except LookupError:
        raise BadBody from None


def _form_body(body: bytes, charset: str) -> dict:
    """A form-encoded body, decoded strictly in its charset: a byte that is not text in it is an
    unreadable body (Django would guess, or answer an HTML page). Percent-escapes are bytes in
    the same charset, except in UTF-16/32 bodies, whose escapes clients write in UTF-8."""
    escapes = "utf-8" if charset.startswith(("utf-16", "utf-32")) else charset
    try:
        text = body.decode(charset)
        pairs = parse_qsl(text, keep_blank_values=True, encoding=escapes, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BadBody from None
    return dict(pairs)  # the last of a repeated field, as Django's QueryDict.get


def _body(request: HttpRequest) -> dict:
    """The fields of the query string and of a JSON, form or multipart body (the body wins)."""
    query = {name: request.GET.get(name) for name in request.GET}
    try:
        charset = _charset(request)
        content_type = request.content_type or ""
        if content_type.startswith("multipart/"):
            return {**query, **{name: request.POST.get(name) for name in request.POST}}
        body = request.body
        if "json" in content_type:
            return {**query, **_json_body(body, charset)}
        if not body.strip():
            return query
        if body.lstrip()[:1] == b"{" and content_type != "application/x-www-form-urlencoded":
            return {**query, **_json_body(body, charset)}  # JSON sent without its content type
        return {**query, **_form_body(body, charset)}  # form-encoded, or sent as text/plain
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
        raise BadBody from None


def _json_body(body: bytes, charset: str = "utf-8") -> dict:
    try:
        data = json.loads(body.decode(charset))
    except (ValueError, RecursionError):
        raise BadBody from None
    if not isinstance(data, dict):
        raise BadBody
    return data


# --- Shaping answers ---------------------------------------------------------------------------


def _money(amount: Decimal) -> str:
    """A balance or charge as the member sees it on our pages: "90.00", "2312.78"."""
    return money.api_amount(amount)


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
    found = selectors.orders_by_id(member, [pk for pk in map(parse.record_id, ids) if pk])
    return {text: found.get(parse.record_id(text)) for text in ids}


def _item_id(text: str) -> int | str:
    """An id as a number when it is one, else as the client wrote it."""
    return parse.record_id(text) or text


# --- Actions -----------------------------------------------------------------------------------


def services(member, params: Params):
    language = member.language
    return [
        {
            "service": service.pk,
            "name": service.in_language("name", language),
            "type": service.type,
            "category": service.category.in_language("name", language),
            "rate": money.api_rate(service.rate),
            "min": str(service.min_quantity),
            "max": str(service.max_quantity),
            "refill": service.refillable,
            "cancel": service.cancel_allowed,
            "dripfeed": service.dripfeed_allowed,
            "step": str(service.step),  # ours: quantities are multiples of it (extra fields are safe)
            "desc": service.in_language("description", language),
            **({"average_time": str(service.average_minutes)} if service.average_minutes else {}),
        }
        for service in catalog.orderable_services()
    ]


def _order_arguments(service: Service, params: Params) -> dict:
    """``place_order``'s fields from the request, each read as its service type needs it.

    Every field is read (a field that is not text or a list of text is refused whatever the
    type), and the numbers a type takes must be whole numbers: the errors API v2 clients get."""
    kind = service.type
    # Usernames and hashtags never hold a comma: the published example separates them with ", ".
    usernames, hashtags = params.items("usernames"), params.items("hashtags")
    singles = {name: params.text(name) for name in ("username", "hashtag", "media")}
    if kind == Service.Type.POLL:
        answer = params.count("answer_number", invalid=order_errors.missing("answer_number"))
    else:
        params.text("answer_number")
        answer = None
    link = params.text("link")
    if kind in (Service.Type.PACKAGE, Service.Type.CUSTOM_COMMENTS):  # no quantity to read
        params.text("quantity")
        quantity = None
    else:
        quantity = params.whole("quantity", invalid=order_errors.InvalidOrderFields())
    fields = {
        "service": service,
        "link": link,
        "quantity": quantity,
        "runs": params.count("runs", invalid=order_errors.InvalidOrderFields()),
        "interval": params.count("interval", invalid=order_errors.InvalidOrderFields()),
        "comments": params.lines("comments"),
        "answer_number": answer,
    }
    if kind == Service.Type.MENTIONS:
        fields.update(usernames=usernames, hashtags=hashtags, **singles)
    return fields


def _subscription_arguments(service: Service, params: Params) -> dict:
    """``place_subscription``'s fields, in API v2's names (``min`` and ``max`` on the wire)."""

    def count(name: str) -> int | None:
        return params.count(name, invalid=order_errors.not_a_whole_number(name))

    # posts=0 or no posts (the field's published example): new posts without a limit, i.e. up to
    # the most one subscription holds, until its expiry or a cancel.
    posts = count("posts") or subscriptions.MAX_POSTS

    return {
        "service": service,
        "username": params.text("username") or params.text("link"),  # some clients send link
        "min_quantity": params.whole("min", invalid=order_errors.not_a_whole_number("min")),
        "max_quantity": params.whole("max", invalid=order_errors.not_a_whole_number("max")),
        "posts": posts,
        "old_posts": count("old_posts"),
        "delay": count("delay") or 0,
        "expiry": params.expiry("expiry"),
    }


def add(member, params: Params):
    service = catalog.orderable_service(parse.record_id(params.text("service")))
    if service is None:
        raise order_errors.IncorrectService
    key = params.text("idempotency_key")
    if len(key) > MAX_KEY:
        raise ApiError(f"Incorrect request: idempotency_key is longer than {MAX_KEY} characters")
    try:
        if service.type == Service.Type.SUBSCRIPTIONS:
            fields = _subscription_arguments(service, params)
            subscription = subscriptions.place_subscription(member=member, **fields, idempotency_key=key)
            return {"order": subscription.order_id}
        order = order_services.place_order(
            member=member, **_order_arguments(service, params), idempotency_key=key
        )
    except order_errors.QuantityNotInSteps:  # the field knows no such message: say it its way
        names = "min and max" if service.type == Service.Type.SUBSCRIPTIONS else "quantity"
        raise ApiError(f"Incorrect request: {names} must be a multiple of {service.step}") from None
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
        found = selectors.refills_by_id(member, [pk for pk in map(parse.record_id, ids) if pk])
        answers = []
        for text in dict.fromkeys(ids):
            refill_request = found.get(parse.record_id(text))
            answer = refill_request.status if refill_request else {"error": _message(RefillNotFound())}
            answers.append({"refill": _item_id(text), "status": answer})
        return answers
    pk = parse.record_id(params.text("refill"))
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


def _refused(error: TooManyRequests | ServiceUnavailable, status: int) -> JsonResponse:
    """429 (a rate limit) or 503 (the limiter's store is down), with when to try again."""
    response = _answer({"error": _message(error)}, status=status)
    response["Retry-After"] = str(error.retry_after)
    return response


def _worth_protecting(request: HttpRequest) -> bool:
    """A body larger than any plain call (an upload, a flood): the address's lockout is checked
    before it is read. Plain calls skip it, so each costs one limiter round trip, not two."""
    length = parse.whole_number(request.META.get("CONTENT_LENGTH") or "") or 0
    return length > EARLY_CHECK_BYTES


@csrf_exempt
@never_cache
def endpoint(request: HttpRequest) -> JsonResponse:
    """GET or POST /api/v2: authenticate the key, run the action, answer in API v2's shape."""
    with translation.override("en"):  # the protocol's words, whatever the member reads on pages
        if request.method not in ("GET", "POST"):
            response = _answer({"error": "Incorrect request"}, status=405)
            response["Allow"] = "GET, POST"
            return response
        try:
            if _worth_protecting(request):  # a locked-out address is refused before it is read
                api_services.check_address(ip=client_ip(request))
            params = Params(_body(request))
        except BadBody:
            return _answer({"error": "Incorrect request"}, status=400)
        except TooManyRequests as error:
            return _refused(error, 429)
        try:
            key = api_services.authenticate(
                secret=params.text("key") or params.text("api_token"), ip=client_ip(request)
            )
            action = ACTIONS.get(params.text("action").lower())
            if action is None:
                raise ApiError
            return _answer(action(key.member, params))
        except TooManyRequests as error:
            return _refused(error, 429)
        except ServiceUnavailable as error:
            return _refused(error, 503)
        except DomainError as error:
            return _answer({"error": _message(error)})
