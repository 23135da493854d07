"""JSON API v1's Idempotency-Key, as Stripe documents it: a retry replays the first answer, a key
reused with another body is refused, concurrent duplicates never make a second order; and its
validation errors name the field in plain words."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from django.db import connection

from snshelper.api import services as keys
from snshelper.api.models import IdempotentRequest
from snshelper.orders.models import Order
from snshelper.wallet import selectors as wallet

POST = "https://www.instagram.com/p/Api123/"


@pytest.fixture
def secret(funded):
    return keys.create_key(member=funded, name="my panel").secret


@pytest.fixture
def service(make_service):
    return make_service(rate=Decimal("90"), dripfeed_allowed=True)


def _post(client, secret, body, key=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/orders", body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_a_retry_replays_the_first_answer_with_a_replay_header(client, secret, funded, service):
    body = {"service": service.pk, "link": POST, "quantity": 1000}

    first = _post(client, secret, body, key="panel-42")
    again = _post(client, secret, body, key="panel-42")

    assert (first.status_code, again.status_code) == (201, 200)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Order.objects.count() == 1 and wallet.balance(funded) == Decimal("910")


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_places_nothing(client, secret, funded, service):
    _post(client, secret, {"service": service.pk, "link": POST, "quantity": 1000}, key="panel-42")

    other = _post(client, secret, {"service": service.pk, "link": POST, "quantity": 2000}, key="panel-42")

    assert other.status_code == 422
    assert "Idempotency-Key was already used with a different request body" in other.json()["error"]
    assert Order.objects.count() == 1 and wallet.balance(funded) == Decimal("910")


@pytest.mark.django_db
def test_a_refused_first_request_does_not_use_up_its_key(client, secret, funded, service):
    refused = _post(client, secret, {"service": service.pk, "link": POST, "quantity": 5}, key="k1")
    assert refused.status_code == 422 and not IdempotentRequest.objects.exists()

    fixed = _post(client, secret, {"service": service.pk, "link": POST, "quantity": 1000}, key="k1")

    assert fixed.status_code == 201


@pytest.mark.django_db
def test_a_key_is_the_members_own(client, secret, make_member, service):
    from snshelper.wallet import services as wallet_services

    other = make_member()
    wallet_services.credit_top_up(member=other, amount=Decimal("500"), idempotency_key="o")
    their_secret = keys.create_key(member=other, name="theirs").secret
    body = {"service": service.pk, "link": POST, "quantity": 1000}

    mine = _post(client, secret, body, key="same")
    theirs = _post(client, their_secret, body, key="same")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL: the SQLite test database is in memory, where a "
    "busy table answers 'table is locked' at once instead of waiting",
)
def test_concurrent_duplicates_make_one_order_and_one_201(live_server, secret, funded, service):
    body = {"service": service.pk, "link": POST, "quantity": 100}
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "burst"}

    def send(_):
        return httpx.post(f"{live_server.url}/api/v1/orders", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(send, range(24)))

    codes = [answer.status_code for answer in answers]
    assert codes.count(201) == 1, codes
    assert set(codes) <= {201, 200, 409}, [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            assert "still being processed" in answer.json()["error"]
        if answer.status_code == 200:
            assert answer.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1 and wallet.balance(funded) == Decimal("991")


# --- Validation errors in plain words --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, error",
    [
        (
            {"hashtags": ["ok", "bad\x00tag"]},
            "Incorrect request: hashtags[1]: must not contain NUL characters",
        ),
        (
            {"link": "https://www.instagram.com/p/\x00/"},
            "Incorrect request: link: must not contain NUL characters",
        ),
        ({"quantity": "many"}, "Incorrect request: quantity: must be a whole number"),
        ({"quantity": 0}, "Incorrect request: quantity: must be at least 1"),
        ({"runs": 1, "interval": 5}, "Incorrect request: runs: must be at least 2"),
        ({"colour": "red"}, "Incorrect request: colour: is not a field of an order"),
        ({"link": None}, "Incorrect request: link: must be text"),
        ({"link": "x" * 501}, "Incorrect request: link: must be at most 500 characters"),
    ],
)
def test_validation_errors_name_the_field_and_say_what_is_wrong(client, secret, service, body, error):
    response = _post(client, secret, {"service": service.pk, "link": POST, "quantity": 1000, **body})

    assert (response.status_code, response.json()) == (422, {"error": error})


@pytest.mark.django_db
def test_a_missing_field_is_named_as_required(client, secret, service):
    response = _post(client, secret, {"link": POST, "quantity": 1000})

    assert response.json() == {"error": "Incorrect request: service: is required"}
