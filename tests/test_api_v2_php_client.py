"""The client compatibility suite: the PHP ``Api`` class resellers copy from panels' API pages
(tests/php/Api.php, run by php-cli with php-curl) drives our /api/v2 over HTTP, sending form POSTs
of ``key``, ``action`` and each action's fields exactly as the field's published PHP examples do.
Every action and every service type; what PHP's ``json_decode`` hands the script is checked."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from snshelper.api import services as api_services
from snshelper.catalog.models import Service
from snshelper.orders import services as order_services
from snshelper.orders.models import Order, RefillRequest, Status
from snshelper.wallet import selectors as wallet_selectors

pytestmark = pytest.mark.django_db(transaction=True)

PHP = shutil.which("php") or "/usr/bin/php"
DRIVER = Path(__file__).parent / "php" / "drive.php"
POST = "https://www.instagram.com/p/Cx1/"


@pytest.fixture
def php(live_server, funded):
    """``php(["balance"], ["order", {...}])``: the calls' results as the PHP script got them."""
    if not Path(PHP).exists():
        pytest.fail("php-cli is not installed: .ci/run installs php-cli and php-curl")
    key = api_services.create_key(member=funded, name="php panel").secret

    def run(*calls):
        done = subprocess.run(
            [PHP, str(DRIVER), f"{live_server.url}/api/v2", key],
            input=json.dumps(calls),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.fixture
def catalogue(make_service):
    """One service of each type, as the published examples order them."""
    one = {"min_quantity": 1, "step": 1, "one_active_order_per_link": False}
    return {
        "Default": make_service(
            rate=Decimal("90"), refill_days=30, cancel_allowed=True, dripfeed_allowed=True, **one
        ),
        "Custom Comments": make_service(type=Service.Type.CUSTOM_COMMENTS, **one),
        "Mentions": make_service(type=Service.Type.MENTIONS, rate=Decimal("10"), **one),
        "Package": make_service(type=Service.Type.PACKAGE, rate=Decimal("50"), **one),
        "Poll": make_service(type=Service.Type.POLL, **one),
        "Subscriptions": make_service(type=Service.Type.SUBSCRIPTIONS, **one),
    }


def test_services_and_balance_as_the_php_client_reads_them(php, catalogue):
    services, balance = php(["services"], ["balance"])

    assert balance == {"balance": "1000.00", "currency": "THB"}
    assert [row["type"] for row in services] == list(catalogue)  # every type, in the field's words
    for row in services:
        assert {"service", "name", "type", "category", "rate", "min", "max", "refill", "cancel"} <= set(row)
        assert isinstance(row["service"], int) and isinstance(row["rate"], str)
        assert row["step"] == "1"


def test_every_published_add_example_places_its_order(php, funded, catalogue):
    s = {kind: service.pk for kind, service in catalogue.items()}
    examples = [  # the field's published examples, with our services and Instagram links
        ("Default", {"service": s["Default"], "link": POST, "quantity": 100, "runs": 2, "interval": 5}),
        ("Custom Comments", {"service": s["Custom Comments"], "link": POST, "comments": "good pic\ngreat photo\n:)\n;)"}),  # noqa: E501
        ("Mentions with Hashtags", {"service": s["Mentions"], "link": POST, "usernames": "test, testing", "hashtags": "#goodphoto"}),  # noqa: E501
        ("Mentions Custom List", {"service": s["Mentions"], "link": POST, "usernames": "test\nexample\nfb"}),
        ("Mentions Hashtag", {"service": s["Mentions"], "link": POST, "quantity": 1000, "hashtag": "test"}),
        ("Mentions User Followers", {"service": s["Mentions"], "link": POST, "quantity": 1000, "username": "test"}),  # noqa: E501
        ("Mentions Media Likers", {"service": s["Mentions"], "link": POST, "quantity": 1000, "media": "http://example.com/p/Ds2kfEr24Dr"}),  # noqa: E501
        ("Package", {"service": s["Package"], "link": POST}),
        ("Poll", {"service": s["Poll"], "link": POST, "quantity": 100, "answer_number": "7"}),
        ("Subscriptions", {"service": s["Subscriptions"], "username": "username", "min": 100, "max": 110, "posts": 0, "delay": 30, "expiry": "11/11/2099"}),  # noqa: E501
        ("Comment Likes", {"service": s["Mentions"], "link": POST, "quantity": 100, "username": "test"}),
    ]  # fmt: skip

    answers = php(*[["order", fields] for _, fields in examples])

    placed = {}
    for (name, _), answer in zip(examples, answers, strict=True):
        assert set(answer) == {"order"} and isinstance(answer["order"], int), (name, answer)
        placed[name] = Order.objects.get(pk=answer["order"])
    assert (placed["Default"].quantity, placed["Default"].runs, placed["Default"].interval) == (100, 2, 5)
    assert placed["Custom Comments"].quantity == 4
    assert placed["Mentions with Hashtags"].type_fields["usernames"] == "test\ntesting"
    assert placed["Mentions Custom List"].quantity == 3
    assert placed["Mentions Media Likers"].type_fields["media"] == "http://example.com/p/Ds2kfEr24Dr"
    assert placed["Poll"].type_fields["answer_number"] == 7
    assert placed["Subscriptions"].subscription.username == "username"
    charged = sum(order.charge for order in placed.values())
    assert wallet_selectors.balance(funded) == Decimal("1000") - charged


def test_status_refill_and_cancel_as_the_php_client_calls_them(php, funded, catalogue):
    default = catalogue["Default"]
    done = order_services.place_order(member=funded, service=default, link=POST, quantity=100)
    order_services.transition(order=done, to=Status.IN_PROGRESS, start_count=3572)
    order_services.transition(order=done, to=Status.COMPLETED)
    pending = order_services.place_order(member=funded, service=default, link=POST, quantity=200)

    status, statuses, refill, refills = php(
        ["status", done.pk],
        ["multiStatus", [done.pk, pending.pk, 999999]],
        ["refill", done.pk],
        ["multiRefill", [done.pk, 999999]],
    )

    assert status == {
        "charge": "9.00",
        "start_count": "3572",
        "status": "Completed",
        "remains": "0",
        "currency": "THB",
    }
    assert statuses[str(pending.pk)]["status"] == "Pending"
    assert statuses["999999"] == {"error": "Incorrect order ID"}
    refill_id = RefillRequest.objects.get(order=done).pk
    assert refill == {"refill": str(refill_id)}
    assert refills == [
        {"order": done.pk, "refill": {"error": "Refill not available"}},  # one open refill at a time
        {"order": 999999, "refill": {"error": "Incorrect order ID"}},
    ]

    one, many, cancel = php(
        ["refillStatus", refill_id],
        ["multiRefillStatus", [refill_id, 424242]],
        ["cancel", [pending.pk, done.pk]],
    )

    assert one == {"status": "Pending"}
    assert many == [
        {"refill": refill_id, "status": "Pending"},
        {"refill": 424242, "status": {"error": "Refill not found"}},
    ]
    assert cancel == [
        {"order": pending.pk, "cancel": 1},
        {"order": done.pk, "cancel": {"error": "Cancel not available"}},
    ]


def test_the_php_client_reads_every_refusal_in_the_fields_words(php, funded, catalogue, make_service):
    default = catalogue["Default"].pk
    dear = make_service(rate=Decimal("100000")).pk  # ฿10,000 for 100: more than the ฿1,000 held
    answers = php(
        ["order", {"service": 999999, "link": POST, "quantity": 100}],
        ["order", {"service": default, "link": "http://example.com/test", "quantity": 100}],
        ["order", {"service": default, "link": POST, "quantity": 20000}],
        ["order", {"service": dear, "link": POST, "quantity": 100}],
        ["order", {"service": default, "link": POST, "quantity": 105}],
        ["status", 999999],
    )

    assert answers == [
        {"error": "Incorrect service ID"},
        {"error": "Incorrect link"},
        {"error": "Quantity more than maximal"},
        {"error": "Not enough funds on balance"},
        {"order": answers[4].get("order")},  # step 1: any quantity
        {"error": "Incorrect order ID"},
    ]
    assert isinstance(answers[4]["order"], int)
    assert wallet_selectors.balance(funded) == Decimal("1000") - Order.objects.get().charge
