"""JSON API v1: what API v2 offers, as typed JSON described by OpenAPI (django-ninja).

A program authenticates with the member's API key as a bearer token (the same keys as API v2,
the same IP lists and rate limits). Endpoints only parse, call the same services and selectors
as the member's pages, and present. Every error is ``{"error": "..."}`` in English, with the
status code the OpenAPI document declares for it.
"""

from datetime import datetime
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any, Literal

from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, NinjaAPI, Path, Query, Schema, Swagger
from ninja import Status as Answer
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import AfterValidator, ConfigDict, PlainSerializer, WithJsonSchema

from snshelper.api import idempotency
from snshelper.api import services as api_services
from snshelper.api.errors import IncorrectOrderId, InvalidApiKey, ServiceUnavailable, TooManyRequests
from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core import parse
from snshelper.core.errors import DomainError
from snshelper.core.network import client_ip
from snshelper.orders import errors as order_errors
from snshelper.orders import selectors as order_selectors
from snshelper.orders import services as order_services
from snshelper.orders.models import CancelRequest, Order, RefillStatus
from snshelper.orders.models import Status as OrderStatus
from snshelper.wallet import errors as wallet_errors
from snshelper.wallet import selectors as wallet_selectors

# --- Types -------------------------------------------------------------------------------------

# Whole numbers must fit the database's integer columns: beyond that is bad input, not a crash.
MAX_INT = 2_147_483_647
MAX_ID = 2**63 - 1

QUANTUM = Decimal("0.00001")  # money and rates are kept to five decimals


def _money(amount) -> str:
    return format(Decimal(amount).quantize(QUANTUM), "f")


Money = Annotated[
    Decimal,
    PlainSerializer(_money, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["90.00000"]}),
]


def _printable(text: str) -> str:
    if "\x00" in text:  # PostgreSQL cannot store it; no link, comment or name needs it
        raise ValueError("must not contain NUL characters")
    return text


NO_NUL = "^[^\\u0000]*$"  # declared in the document as the server enforces it
Text = Annotated[str, AfterValidator(_printable), Field(json_schema_extra={"pattern": NO_NUL})]
LINK_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"  # something besides spaces, no NUL
Lines = Annotated[
    list[Text] | Text,
    Field(description="One item per line, or a list of items."),
]

# The models' own choices, so the schema cannot drift from the strings API v2 uses.
OrderStatusName = Literal[tuple(OrderStatus.values)]
RefillStatusName = Literal[tuple(RefillStatus.values)]
CancelStatusName = Literal[tuple(CancelRequest.Status.values)]
ServiceType = Literal[tuple(Service.Type.values)]


class Error(Schema):
    error: str = Field(examples=["Invalid API key"])


class ServiceOut(Schema):
    service: int = Field(description="The service ID to order with.")
    name: str = Field(description="In the language of Accept-Language (th, en or ko); Thai by default.")
    type: ServiceType
    platform: str = Field(examples=["instagram"])
    category: str
    rate: Money = Field(description="Price per 1,000 units.")
    currency: str = Field(examples=["THB"])
    min: int
    max: int
    step: int = Field(description="Quantities must be a multiple of this.")
    refill: bool
    refill_days: int | None = Field(description="Days after completion a refill may be asked for.")
    cancel: bool
    dripfeed: bool
    average_time: int | None = Field(description="Average minutes to complete, when known.")
    description: str


def _together(given: str, needed: str) -> dict:
    """JSON Schema for "when ``given`` is a number, ``needed`` must be one too"."""
    return {
        "if": {"properties": {given: {"type": "integer"}}, "required": [given]},
        "then": {"properties": {needed: {"type": "integer"}}, "required": [needed]},
    }


class OrderIn(Schema):
    """What to order. Which fields a service needs depends on its type (see GET /services)."""

    service: int = Field(ge=1, le=MAX_INT, examples=[1])
    link: Text = Field(
        min_length=1,
        max_length=500,
        examples=["https://www.instagram.com/p/Cx1/"],
        json_schema_extra={"pattern": LINK_PATTERN},
        description="The post or account, as the service's platform writes it.",
    )
    quantity: int | None = Field(
        None,
        ge=1,
        le=MAX_INT,
        examples=[1000],
        description=(
            "Required by every type but Package and Custom Comments (whose quantity is the number "
            "of comments); between the service's min and max, a multiple of its step (GET /services)."
        ),
    )
    runs: int | None = Field(
        None,
        ge=2,
        le=order_services.MAX_RUNS,
        description="Drip-feed (services with dripfeed true): how many runs, sent with interval.",
    )
    interval: int | None = Field(
        None,
        ge=1,
        le=order_services.MAX_INTERVAL_MINUTES,
        description="Drip-feed: minutes between runs, sent with runs.",
    )
    comments: Lines | None = Field(None, description="Custom Comments: one comment per line or item.")
    usernames: Lines | None = Field(None, description="Mentions: one username per line or item.")
    hashtags: Lines | None = None
    username: Text | None = Field(None, max_length=500)
    hashtag: Text | None = Field(None, max_length=500)
    media: Text | None = Field(None, max_length=500)
    answer_number: int | None = Field(None, ge=1, le=MAX_INT, description="Poll: the answer to vote for.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"service": 1, "link": "https://www.instagram.com/p/Cx1/", "quantity": 1000}],
            # Drip-feed is runs AND interval, or neither (null is the same as leaving a field out).
            "allOf": [_together("runs", "interval"), _together("interval", "runs")],
        },
    )


class OrderOut(Schema):
    id: int
    service: int
    link: str
    quantity: int = Field(description="Per run, for drip-feed orders.")
    runs: int | None
    interval: int | None
    runs_done: int
    charge: Money = Field(description="What the balance was debited.")
    refunded: Money
    currency: str
    status: OrderStatusName
    start_count: int | None
    remains: int | None
    created_at: datetime
    updated_at: datetime


class RefillOut(Schema):
    refill: int
    order: int
    status: RefillStatusName
    requested_at: datetime
    reason: str = Field(description="Why it was rejected, when it was.")


class CancelOut(Schema):
    cancel: int
    order: int
    status: CancelStatusName = Field(
        description="pending: our staff decide; accepted: canceled and refunded."
    )
    requested_at: datetime
    reason: str


class OrderDetail(OrderOut):
    refills: list[RefillOut]
    cancel_requests: list[CancelOut]


class OrderPage(Schema):
    items: list[OrderOut]
    count: int = Field(description="Orders matching, on all pages.")
    page: int
    pages: int


class BalanceOut(Schema):
    balance: Money
    currency: str


# --- Errors --------------------------------------------------------------------------------------

# Each error status: what it means, and an answer it may give (both shown in the document).
MEANINGS = {
    401: (
        "Invalid API key: missing, wrong, revoked, or used from an address the key does not allow.",
        "Invalid API key",
    ),
    402: (
        "Not enough funds on balance: nothing was charged and no order was made.",
        "Not enough funds on balance",
    ),
    404: ("Incorrect order ID: there is no such order among yours.", "Incorrect order ID"),
    409: (
        "The order's state does not allow this now: refill or cancel not available, an active "
        "order for this link already exists on the service, or a request with the same "
        "Idempotency-Key is still being processed.",
        "Refill not available",
    ),
    422: ("Incorrect request: a field is missing or invalid; the message names it.", "Incorrect link"),
    429: ("Too many requests: wait the number of seconds in the Retry-After header.", "Too many requests"),
}
REPLAYED = "Idempotent-Replayed"
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}

# A domain error's status: business refusals that are not bad input get their own code.
STATUS_OF = [
    (IncorrectOrderId, 404),
    (wallet_errors.InsufficientFunds, 402),
    (wallet_errors.IdempotencyConflict, 409),
    (idempotency.KeyInUse, 409),
    (order_errors.RefillNotAvailable, 409),
    (order_errors.CancelNotAvailable, 409),
    (order_errors.ActiveOrderForLink, 409),
    (order_errors.TransitionNotAllowed, 409),
]


def answers(ok: dict, *errors: int) -> dict:
    """The responses an operation declares: its successes, its errors, and always 401 and 429."""
    codes = sorted({*errors, 401, 429})
    extra: dict[Any, Any] = {
        code: {
            "description": MEANINGS[code][0],
            "content": {"application/json": {"example": {"error": MEANINGS[code][1]}}},
        }
        for code in codes
    }
    extra[429]["headers"] = RETRY_AFTER
    return {"response": {**ok, **dict.fromkeys(codes, Error)}, "openapi_extra": {"responses": extra}}


def _english(message) -> str:
    with translation.override("en"):
        return str(message)


class ApiKeyBearer(HttpBearer):
    """``Authorization: Bearer <API key>``. A missing key is checked like a wrong one, so it is
    counted against the address's failed attempts too."""

    def __call__(self, request: HttpRequest):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return self.authenticate(request, token.strip() if scheme.lower() == "bearer" else "")

    def authenticate(self, request: HttpRequest, token: str):
        return api_services.authenticate(secret=token, ip=client_ip(request)).member


api = NinjaAPI(
    title="SNS Helper API",
    version="1",
    urls_namespace="api_v1:api_v1_ninja",  # nested in this app's "api_v1"
    description=(
        "The member's API keys as bearer tokens. Money is a decimal string; order statuses are API "
        'v2\'s. Errors are `{"error": "..."}`. Send an `Idempotency-Key` header with POST /orders '
        "so a retried request returns the first order (200, `Idempotent-Replayed: true`) instead of "
        "placing a second one (201)."
    ),
    auth=ApiKeyBearer(),
    docs=Swagger(settings={"validatorUrl": None}),  # no call to swagger.io's validator
    # Swagger UI's stylesheet draws its icons as data: images; everything else stays 'self'.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


def _in_english(run):
    """Run every operation in English: the API's words are English whatever the member reads on
    pages, and services may format a message as they raise it (then it is in the active language)."""

    @wraps(run)
    def in_english(request, *args, **kwargs):
        with translation.override("en"):
            return run(request, *args, **kwargs)

    return in_english


api.add_decorator(_in_english, mode="view")  # around authentication and validation too


def _error(request, message, status: int, headers: dict | None = None) -> HttpResponse:
    response = api.create_response(request, {"error": _english(message)}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(InvalidApiKey)
@api.exception_handler(AuthenticationError)
def _invalid_key(request, exc):
    return _error(request, InvalidApiKey.message, 401, {"WWW-Authenticate": "Bearer"})


@api.exception_handler(TooManyRequests)
def _too_many(request, exc: TooManyRequests):
    return _error(request, TooManyRequests.message, 429, {"Retry-After": str(exc.retry_after)})


@api.exception_handler(ServiceUnavailable)
def _unavailable(request, exc: ServiceUnavailable):
    return _error(request, ServiceUnavailable.message, 503, {"Retry-After": str(exc.retry_after)})


@api.exception_handler(DomainError)
def _refused(request, exc: DomainError):
    status = next((code for kind, code in STATUS_OF if isinstance(exc, kind)), 422)
    if isinstance(exc, wallet_errors.InsufficientFunds):
        return _error(request, "Not enough funds on balance", status)  # API v2's words, as v2 answers
    return _error(request, exc.message, status)


# Pydantic's error types in plain words, in the schema's terms.
PLAIN = {
    "missing": "is required",
    "extra_forbidden": "is not a field of an order",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list of text",
    "string_too_short": "must not be empty",
    "json_invalid": "the body is not valid JSON",
    "model_attributes_type": "the body must be a JSON object",
    "dict_type": "the body must be a JSON object",
}
BOUNDS = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "string_too_long": ("max_length", "must be at most {} characters"),
    "string_pattern_mismatch": ("pattern", "must not be blank or contain NUL characters"),
}
UNION_BRANCHES = ("list[", "function-", "str", "int", "json-or-python[")


def _where(location) -> str:
    """``hashtags[1]``: the field as the program wrote it (union branch names left out)."""
    where = ""
    for part in location:
        if part in ("body", "payload", "query", "path", "header", "headers"):
            continue
        if isinstance(part, int):
            where += f"[{part}]"
        elif not part.startswith(UNION_BRANCHES):
            where += f".{part}" if where else part
    return where


def _plain(problem: dict) -> str:
    kind = problem.get("type", "")
    if kind in PLAIN:
        return PLAIN[kind]
    if kind in BOUNDS:
        name, words = BOUNDS[kind]
        return words.format((problem.get("ctx") or {}).get(name, ""))
    if kind == "value_error":
        return str((problem.get("ctx") or {}).get("error", problem.get("msg", "")))
    return str(problem.get("msg", "")).replace("Input should be", "must be").replace("Value error, ", "")


def _first_problem(errors: list[dict]) -> dict:
    """The first field's most telling problem: a value a field refuses beats the union branch
    the value did not fit (a list item with NUL is not "not a string")."""
    if not errors:
        return {}
    field = _where(errors[0].get("loc", ()))
    same = [e for e in errors if _where(e.get("loc", ())).split("[")[0] == field.split("[")[0]]
    telling = [e for e in same if e.get("type") not in ("string_type", "list_type")]
    return (telling or same)[0]


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    """``Incorrect request: quantity: must be a whole number`` (the first problem found)."""
    problem = _first_problem(list(exc.errors))
    parts = ["Incorrect request", _where(problem.get("loc", ())), _plain(problem)]
    return _error(request, ": ".join(part for part in parts if part), 422)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Ninja's own refusals: an unparsable body (400) is invalid input like any other.
    status = 422 if exc.status_code == 400 else exc.status_code
    return _error(request, f"Incorrect request: {exc.message}" if status == 422 else exc.message, status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, _("Not found"), 404)


# --- Presenting --------------------------------------------------------------------------------


def _service_out(service: Service, language: str) -> ServiceOut:
    return ServiceOut(
        service=service.pk,
        name=service.in_language("name", language),
        type=service.type,
        platform=service.platform.code,
        category=service.category.in_language("name", language),
        rate=service.rate,
        currency=service.currency,
        min=service.min_quantity,
        max=service.max_quantity,
        step=service.step,
        refill=service.refillable,
        refill_days=service.refill_days,
        cancel=service.cancel_allowed,
        dripfeed=service.dripfeed_allowed,
        average_time=service.average_minutes,
        description=service.in_language("description", language),
    )


def _order_fields(order: Order) -> dict:
    return {
        "id": order.pk,
        "service": order.service_id,
        "link": order.link,
        "quantity": order.quantity,
        "runs": order.runs,
        "interval": order.interval,
        "runs_done": order.runs_done,
        "charge": order.charge,
        "refunded": order.refunded,
        "currency": settings.CURRENCY,
        "status": order.status,
        "start_count": order.start_count,
        "remains": order.remains,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _refill_out(refill) -> RefillOut:
    return RefillOut(
        refill=refill.pk,
        order=refill.order_id,
        status=refill.status,
        requested_at=refill.requested_at,
        reason=refill.reason,
    )


def _cancel_out(cancel: CancelRequest) -> CancelOut:
    return CancelOut(
        cancel=cancel.pk,
        order=cancel.order_id,
        status=cancel.status,
        requested_at=cancel.requested_at,
        reason=cancel.reason,
    )


def _own_order(member, order_id: int) -> Order:
    """The member's order; someone else's answers exactly like one that does not exist."""
    order = order_selectors.order_for(member, order_id)
    if order is None:
        raise IncorrectOrderId
    return order


def _order_arguments(service: Service, payload: OrderIn) -> dict:
    """``place_order``'s fields from the typed payload (lists are one item a line)."""
    return {
        "service": service,
        "link": payload.link,
        "quantity": payload.quantity,
        "runs": payload.runs,
        "interval": payload.interval,
        "comments": parse.lines(payload.comments),
        "usernames": parse.lines(payload.usernames),
        "hashtags": parse.lines(payload.hashtags),
        "username": payload.username or "",
        "hashtag": payload.hashtag or "",
        "media": payload.media or "",
        "answer_number": payload.answer_number,
    }


# --- Endpoints ---------------------------------------------------------------------------------

OrderId = Annotated[int, Path(ge=1, le=MAX_ID)]
NO_SUBSCRIPTIONS = _("Subscriptions are not in JSON API v1 yet: order them through API v2.")


@api.get(
    "/services",
    **answers({200: list[ServiceOut]}),
    operation_id="listServices",
    tags=["Services"],
    summary="Services you can order",
)
def list_services(request):
    language = request.LANGUAGE_CODE  # from Accept-Language (the API itself runs in English)
    return [_service_out(service, language) for service in catalog.orderable_services()]


@api.post(
    "/orders",
    response=answers({200: OrderOut, 201: OrderOut}, 402, 409, 422)["response"],
    operation_id="placeOrder",
    tags=["Orders"],
    summary="Place an order",
    description=(
        "Checks the order, debits the balance and creates it Pending, all at once or not at all. "
        "201: a new order. With an `Idempotency-Key` (any text up to 200 characters, one per "
        "order): a retry with the same body answers 200 with the first order, charged once, and "
        "the header `Idempotent-Replayed: true`; the same key with another body answers 422; a "
        "retry while the first request is still running answers 409 (retry shortly). A refused "
        "request places nothing and does not use its key up."
    ),
    openapi_extra={
        "responses": {
            **answers({}, 402, 409, 422)["openapi_extra"]["responses"],
            200: {
                "description": "A retry: the order the first request with this Idempotency-Key placed.",
                "headers": {
                    REPLAYED: {
                        "description": "Always true: this answer replays the first request's order.",
                        "schema": {"type": "string", "enum": ["true"]},
                    }
                },
            },
        }
    },
)
def place_order(
    request,
    payload: OrderIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=200)] = "",
):
    key = idempotency_key.strip()
    claim = idempotency.claim(member=request.auth, key=key, body=payload.dict()) if key else None
    if claim is not None and claim.replay is not None:
        return _replayed(request, claim.replay)
    try:
        service = catalog.orderable_service(payload.service)
        if service is None:
            raise order_errors.IncorrectService
        if service.type == Service.Type.SUBSCRIPTIONS:
            raise order_errors.InvalidOrderFields(NO_SUBSCRIPTIONS)
        order = order_services.place_order(
            member=request.auth, **_order_arguments(service, payload), idempotency_key=key
        )
    except BaseException:
        if claim is not None:
            idempotency.release(claim)
        raise
    if claim is not None:
        idempotency.complete(claim, order=order)
    return Answer(201, OrderOut(**_order_fields(order)))


def _replayed(request, order: Order) -> HttpResponse:
    """The first request's answer again: the order as it is now, 200, marked as a replay."""
    response = api.create_response(request, OrderOut(**_order_fields(order)).dict(), status=200)
    response[REPLAYED] = "true"
    return response


@api.get(
    "/orders",
    **answers({200: OrderPage}, 422),
    operation_id="listOrders",
    tags=["Orders"],
    summary="Your orders, newest first",
)
def list_orders(
    request,
    status: Annotated[OrderStatusName, Query(description="Only orders in this status.")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_INT)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
):
    orders = order_selectors.orders_for(request.auth, status=status or "")
    count = orders.count()
    start = (page - 1) * page_size
    return OrderPage(
        items=[OrderOut(**_order_fields(order)) for order in orders[start : start + page_size]],
        count=count,
        page=page,
        pages=max(1, -(-count // page_size)),
    )


@api.get(
    "/orders/{order_id}",
    **answers({200: OrderDetail}, 404, 422),
    operation_id="getOrder",
    tags=["Orders"],
    summary="One order",
)
def get_order(request, order_id: OrderId):
    order = _own_order(request.auth, order_id)
    return OrderDetail(
        **_order_fields(order),
        refills=[_refill_out(refill) for refill in order.refills.all()],
        cancel_requests=[_cancel_out(cancel) for cancel in order.cancel_requests.all()],
    )


@api.post(
    "/orders/{order_id}/refill",
    **answers({202: RefillOut}, 404, 409, 422),
    operation_id="refillOrder",
    tags=["Orders"],
    summary="Ask for a refill",
    description="A completed order, inside its service's refill window, one open refill at a time.",
)
def refill_order(request, order_id: OrderId):
    refill = order_services.request_refill(member=request.auth, order=_own_order(request.auth, order_id))
    return Answer(202, _refill_out(refill))


@api.post(
    "/orders/{order_id}/cancel",
    **answers({202: CancelOut}, 404, 409, 422),
    operation_id="cancelOrder",
    tags=["Orders"],
    summary="Ask to cancel",
    description="A Pending order of a service that allows cancels; our staff cancel it and refund in full.",
)
def cancel_order(request, order_id: OrderId):
    cancel = order_services.request_cancel(member=request.auth, order=_own_order(request.auth, order_id))
    return Answer(202, _cancel_out(cancel))


@api.get(
    "/balance",
    **answers({200: BalanceOut}),
    operation_id="getBalance",
    tags=["Balance"],
    summary="Your balance",
)
def balance(request):
    return BalanceOut(balance=wallet_selectors.balance(request.auth), currency=settings.CURRENCY)


def unknown_path(request, *args, **kwargs) -> HttpResponse:
    """Any other address under /api/v1/: a JSON 404 like the rest of the API."""
    return _error(request, _("Not found"), 404)
