"""The API docs page: every API v2 action with its parameters, an example answer, and the same
call in curl, Python and PHP against the reader's own endpoint; then the JSON API v1 in short.

The three examples of a call are built from one list of its fields, so they always send the same
thing. They carry ``YOUR_API_KEY``, never a real secret: a secret is shown once, on the keys page.
"""

import json
import shlex
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KEY_PLACEHOLDER = "YOUR_API_KEY"
POST_LINK = "https://www.instagram.com/p/Cx1/"


@dataclass(frozen=True)
class Param:
    name: str
    meaning: Promise
    required: bool = True


@dataclass(frozen=True)
class Action:
    slug: str
    title: Promise
    summary: Promise
    fields: dict  # what the example sends besides the key, action first
    params: list[Param]
    answer: object  # an example answer (JSON)
    note: Promise | str = ""


SERVICE = Param("service", _("The service ID, from the services action."))
LINK = Param("link", _("The post or profile link (or account ID) the order is for."))
QUANTITY = Param("quantity", _("How many units: within the service's min and max, a multiple of its step."))
ORDER = Param("order", _("Your order ID, from add."))
IDEMPOTENCY = Param(
    "idempotency_key",
    _(
        "Ours, optional: any text up to 200 characters. Sending the same one again returns the "
        "first order and charges nothing more, so a retry after a timeout is safe."
    ),
    required=False,
)
ADDED = {"order": 23501}


def _status_answer(**changes) -> dict:
    answer = {"charge": "90.00", "start_count": "3572", "status": "Partial", "remains": "157"}
    return {**answer, **changes, "currency": settings.CURRENCY}


def actions() -> list[Action]:
    """The API v2 actions, in the order a reseller meets them."""
    return [
        Action(
            "services",
            _("Services"),
            _(
                "Everything you can order now: ID, type, price per 1,000 and limits. Names are in "
                "your account's language. step: quantities must be a multiple of it."
            ),
            {"action": "services"},
            [],
            [
                {
                    "service": 1,
                    "name": "Instagram Followers",
                    "type": "Default",
                    "category": "Followers",
                    "rate": "90.00",
                    "min": "100",
                    "max": "10000",
                    "refill": True,
                    "cancel": True,
                    "dripfeed": True,
                    "step": "10",
                    "desc": "",
                }
            ],
        ),
        Action(
            "add-default",
            _("Add an order: Default"),
            _(
                "The usual order: a link and a quantity. With runs and interval it is drip-fed: the "
                "quantity is delivered on each run, and you pay for runs × quantity."
            ),
            {"action": "add", "service": "1", "link": POST_LINK, "quantity": "1000"},
            [
                SERVICE,
                LINK,
                QUANTITY,
                Param("runs", _("Drip-feed only: how many runs (2 or more)."), required=False),
                Param("interval", _("Drip-feed only: minutes between runs."), required=False),
                IDEMPOTENCY,
            ],
            ADDED,
        ),
        Action(
            "add-custom-comments",
            _("Add an order: Custom Comments"),
            _("Comments you write, one per line; the quantity is the number of lines."),
            {"action": "add", "service": "2", "link": POST_LINK, "comments": "สวยมาก\nชอบมากค่ะ\nGreat shot!"},
            [SERVICE, LINK, Param("comments", _("The comments, one per line.")), IDEMPOTENCY],
            ADDED,
        ),
        Action(
            "add-mentions",
            _("Add an order: Mentions"),
            _("Accounts to mention, one per line; or a quantity with a username, hashtag or media."),
            {"action": "add", "service": "3", "link": POST_LINK, "usernames": "somchai.shop\nnida.bakery"},
            [
                SERVICE,
                LINK,
                Param("usernames", _("Usernames, one per line: the quantity is the number of lines."), False),
                Param("quantity", _("With username, hashtag or media instead of usernames."), False),
                Param("hashtags", _("Hashtags, one per line."), False),
                IDEMPOTENCY,
            ],
            ADDED,
        ),
        Action(
            "add-package",
            _("Add an order: Package"),
            _("A fixed package for one link: no quantity; the price is the service's rate."),
            {"action": "add", "service": "4", "link": POST_LINK},
            [SERVICE, LINK, IDEMPOTENCY],
            ADDED,
        ),
        Action(
            "add-poll",
            _("Add an order: Poll"),
            _("Votes for one answer of a poll."),
            {"action": "add", "service": "5", "link": POST_LINK, "quantity": "500", "answer_number": "2"},
            [
                SERVICE,
                LINK,
                QUANTITY,
                Param("answer_number", _("The answer to vote for: 1 is the first.")),
                IDEMPOTENCY,
            ],
            ADDED,
        ),
        Action(
            "add-subscriptions",
            _("Add an order: Subscriptions"),
            _(
                "Standing work on an account's posts: each post gets between min and max units after "
                "the delay, until the posts are used up or it expires. Each post is charged when placed."
            ),
            {
                "action": "add",
                "service": "6",
                "username": "somchai.shop",
                "min": "100",
                "max": "200",
                "posts": "10",
                "delay": "30",
                "expiry": "31/12/2026",
            },
            [
                SERVICE,
                Param("username", _("The account.")),
                Param("min", _("Fewest units per post.")),
                Param("max", _("Most units per post.")),
                Param("posts", _("How many new posts; 0 or left out: no limit until the expiry."), False),
                Param("old_posts", _("How many existing posts."), False),
                Param("delay", _("Minutes to wait after a post appears."), False),
                Param("expiry", _("The last day, as day/month/year."), False),
                IDEMPOTENCY,
            ],
            ADDED,
        ),
        Action(
            "status",
            _("Order status"),
            _(
                "What the order was charged, the count when work started, its status and what remains. "
                "Statuses are exactly: Pending, In progress, Processing, Completed, Partial, Canceled. "
                "A drip-feed order also tells the runs done."
            ),
            {"action": "status", "order": "23501"},
            [ORDER],
            _status_answer(),
            _("After Partial, remains × the unit price has been refunded to your balance, once."),
        ),
        Action(
            "status-multiple",
            _("Status of many orders"),
            _(
                "Up to 100 orders in one call, answered by order ID. An ID that is not one of yours "
                "answers an error in its place."
            ),
            {"action": "status", "orders": "23501,23502,10"},
            [Param("orders", _("Up to 100 order IDs, separated by commas."))],
            {
                "23501": _status_answer(),
                "23502": _status_answer(status="Pending", start_count="0", remains="1000"),
                "10": {"error": "Incorrect order ID"},
            },
        ),
        Action(
            "refill",
            _("Refill"),
            _(
                "Ask for units that dropped to be put back: for a completed order, inside its "
                "service's refill window, one refill at a time."
            ),
            {"action": "refill", "order": "23501"},
            [
                ORDER,
                Param("orders", _("Instead of order: up to 100 order IDs; each answers on its own."), False),
            ],
            {"refill": "1"},
        ),
        Action(
            "refill-status",
            _("Refill status"),
            _("Where a refill stands: Pending, In progress, Completed, Rejected or Canceled."),
            {"action": "refill_status", "refill": "1"},
            [
                Param("refill", _("The refill ID, from refill.")),
                Param("refills", _("Instead of refill: up to 100 refill IDs, separated by commas."), False),
            ],
            {"status": "Completed"},
        ),
        Action(
            "cancel",
            _("Cancel"),
            _(
                "Ask to cancel orders that have not started, of services that allow it. Our staff "
                "cancel them and refund in full. Each order answers on its own."
            ),
            {"action": "cancel", "orders": "23501,23502"},
            [Param("orders", _("Up to 100 order IDs, separated by commas."))],
            [{"order": 23501, "cancel": 1}, {"order": 23502, "cancel": {"error": "Cancel not available"}}],
        ),
        Action(
            "balance",
            _("Balance"),
            _("Your balance and its currency."),
            {"action": "balance"},
            [],
            {"balance": "1000.00", "currency": settings.CURRENCY},
        ),
    ]


# API v2 answers these exact words (HTTP 200 unless said), whatever language the page is in.
ERRORS = [
    ("Invalid API key", _("The key is wrong, revoked, or used from an address it does not allow.")),
    (
        "Incorrect request",
        _("The action or a field is missing or not understood. A body that cannot be read answers HTTP 400."),
    ),
    ("Incorrect service ID", _("No service we sell now has this ID.")),
    ("Incorrect link", _("The link does not fit the service's platform.")),
    ("Quantity less than minimal", _("Below the service's min.")),
    ("Quantity more than maximal", _("Above the service's max.")),
    ("Quantity must be a multiple of the service's step", _("Round the quantity to the service's step.")),
    ("Not enough funds on balance", _("Top up first. Nothing was charged.")),
    (
        "You already have an active order with this link",
        _("This service takes one order per link at a time: wait for the first to finish."),
    ),
    ("Incorrect order ID", _("None of your orders has this ID.")),
    (
        "Refill not available",
        _("The order is not completed, its refill window has ended, or the service has no refill."),
    ),
    ("Refill not found", _("None of your refills has this ID.")),
    ("Cancel not available", _("The order has started, or its service does not allow cancels.")),
    ("Too many requests", _("HTTP 429: wait the seconds the Retry-After header gives, then try again.")),
]

# JSON API v1: the status code says what happened; an error's body is {"error": "..."}.
V1_STATUSES = [
    ("200, 201", _("Done. A new order answers 201; a retry with a used Idempotency-Key answers 200.")),
    ("202", _("The refill or cancel was asked for; our staff handle it.")),
    ("401", _("Invalid API key.")),
    ("402", _("Not enough funds on balance. Nothing was charged.")),
    ("404", _("Incorrect order ID: not one of your orders.")),
    ("409", _("Not possible in the order's state (refill or cancel not available, an active order).")),
    ("422", _("A field is missing or invalid; the error names it.")),
    ("429", _("Too many requests: wait Retry-After seconds.")),
]


# --- The same call in three languages ---------------------------------------------------------


def _shell(value: str) -> str:
    if "\n" in value:  # bash's $'...' keeps each line break exact and visible
        return "$'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    return shlex.quote(value)


def _php(value: str) -> str:
    if "\n" in value:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", "\\n")
        return f'"{escaped}"'
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _python(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string literal too


def samples(endpoint: str, fields: dict) -> list[tuple[str, str]]:
    """One API v2 call in curl, Python (httpx) and PHP (curl_*)."""
    sent = {"key": KEY_PLACEHOLDER, **{name: str(value) for name, value in fields.items()}}
    curl = " \\\n".join(
        [f"curl -X POST {shlex.quote(endpoint)}"]
        + [f"  --data-urlencode {_shell(f'{name}={value}')}" for name, value in sent.items()]
    )
    python_fields = "".join(f"        {_python(name)}: {_python(value)},\n" for name, value in sent.items())
    python = (
        "import httpx\n\n"
        f"response = httpx.post(\n    {_python(endpoint)},\n    data={{\n{python_fields}    }},\n"
        "    timeout=30,\n)\nprint(response.json())"
    )
    php_fields = "".join(f"        {_php(name)} => {_php(value)},\n" for name, value in sent.items())
    php = (
        f"<?php\n$ch = curl_init({_php(endpoint)});\n"
        "curl_setopt_array($ch, [\n"
        "    CURLOPT_POST => true,\n"
        "    CURLOPT_RETURNTRANSFER => true,\n"
        "    CURLOPT_TIMEOUT => 30,\n"
        f"    CURLOPT_POSTFIELDS => http_build_query([\n{php_fields}    ]),\n"
        "]);\n"
        "$answer = json_decode(curl_exec($ch), true);\n"
        "curl_close($ch);\n"
        "print_r($answer);"
    )
    return [("curl", curl), ("Python", python), ("PHP", php)]


def v1_samples(base: str) -> list[tuple[str, str]]:
    """Balance and a retry-safe order on JSON API v1."""
    bearer = f"Authorization: Bearer {KEY_PLACEHOLDER}"
    order = {"service": 1, "link": POST_LINK, "quantity": 1000}
    curl = (
        f"curl {shlex.quote(base + 'balance')} \\\n  -H {shlex.quote(bearer)}\n\n"
        f"curl -X POST {shlex.quote(base + 'orders')} \\\n"
        f"  -H {shlex.quote(bearer)} \\\n"
        "  -H 'Idempotency-Key: my-panel-order-42' \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        f"  -d {shlex.quote(json.dumps(order))}"
    )
    python = (
        "import httpx\n\n"
        f"api = httpx.Client(\n    base_url={_python(base)},\n"
        f'    headers={{"Authorization": "Bearer {KEY_PLACEHOLDER}"}},\n    timeout=30,\n)\n'
        f'answer = api.post(\n    "orders",\n    json={json.dumps(order)},\n'
        '    headers={"Idempotency-Key": "my-panel-order-42"},\n)\n'
        "print(answer.status_code, answer.json())  # 201: placed; 200: the same order again"
    )
    return [("curl", curl), ("Python", python)]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def docs(request):
    """Anyone may read it; a signed-in member also gets the way to their keys."""
    endpoint = request.build_absolute_uri(reverse("api:v2"))
    v1_base = request.build_absolute_uri(reverse("api_v1:api_v1_ninja:api-root"))
    return render(
        request,
        "api/docs.html",
        {
            "endpoint": endpoint,
            "actions": [
                {
                    "action": action,
                    "answer": _json(action.answer),
                    "samples": samples(endpoint, action.fields),
                }
                for action in actions()
            ],
            "errors": ERRORS,
            "v1_base": v1_base,
            "v1_docs": reverse("api_v1:api_v1_ninja:openapi-view"),
            "v1_openapi": reverse("api_v1:api_v1_ninja:openapi-json"),
            "v1_statuses": V1_STATUSES,
            "v1_samples": v1_samples(v1_base),
            "keys_url": reverse("api:keys") if request.user.is_authenticated else "",
        },
    )
