"""JSON API v1: a program with the member's API key sees what the member's pages show, and every
refusal is {"error": ...} with the status code the OpenAPI document declares."""

import contextlib
import html
import io
import json
import subprocess
from decimal import Decimal
from ipaddress import ip_network

import httpx
import pytest

from snshelper.api import services as keys
from snshelper.catalog.models import Service
from snshelper.orders.models import CancelRequest, Order, RefillRequest, Status
from snshelper.orders.services import place_order, transition
from snshelper.wallet import selectors as wallet
from snshelper.wallet import services as wallet_services
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
POST = "https://www.instagram.com/p/Api123/"


class Program:
    """A reseller's program: the Django test client with the bearer key on every call."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def program(client, funded):
    return Program(client, keys.create_key(member=funded, name="my panel").secret)


@pytest.fixture
def service(make_service):
    return make_service(rate=Decimal("90"), refill_days=30, cancel_allowed=True)


@pytest.fixture
def someone_else(make_member):
    other = make_member()
    wallet_services.credit_top_up(member=other, amount=Decimal("500"), idempotency_key="other")
    return other


def _order(member, service, link=POST, quantity=1000):
    return place_order(member=member, service=service, link=link, quantity=quantity)


# --- Services and balance ---------------------------------------------------------------------


def test_services_lists_what_can_be_ordered_with_the_rate_as_a_decimal_string(program, make_service):
    shown = make_service(rate=Decimal("0.9"), refill_days=30, dripfeed_allowed=True)
    make_service(name_en="Retired", is_active=False)
    response = program.get("/services", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "service": shown.pk,
            "name": "Thai followers",
            "type": "Default",
            "platform": "instagram",
            "category": "Followers",
            "rate": "0.90000",
            "currency": "THB",
            "min": 100,
            "max": 10000,
            "step": 10,
            "refill": True,
            "refill_days": 30,
            "cancel": False,
            "dripfeed": True,
            "average_time": None,
            "description": "",
        }
    ]


def test_service_names_are_thai_unless_the_program_asks_otherwise(program, service):
    assert program.get("/services").json()[0]["name"] == "ผู้ติดตามคนไทย"


def test_balance_is_a_decimal_string_in_the_shops_currency(program):
    response = program.get("/balance")
    assert (response.status_code, response.json()) == (200, {"balance": "1000.00000", "currency": "THB"})


# --- Placing orders ---------------------------------------------------------------------------


def test_a_new_order_debits_the_balance_and_answers_201_pending(program, funded, service):
    response = program.post("/orders", {"service": service.pk, "link": POST, "quantity": 1000})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["charge"], body["quantity"]) == ("Pending", "90.00000", 1000)
    assert Order.objects.get().pk == body["id"]
    assert wallet.balance(funded) == Decimal("910")


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order_charged_once(program, funded, service):
    order = {"service": service.pk, "link": POST, "quantity": 1000}
    first = program.post("/orders", order, headers={"Idempotency-Key": "panel-42"})
    again = program.post("/orders", order, headers={"Idempotency-Key": "panel-42"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Order.objects.count() == 1 and wallet.balance(funded) == Decimal("910")


def test_without_an_idempotency_key_each_call_is_a_new_order(program, funded, make_service):
    service = make_service(one_active_order_per_link=False)
    order = {"service": service.pk, "link": POST, "quantity": 1000}
    assert [program.post("/orders", order).status_code for _ in range(2)] == [201, 201]
    assert wallet.balance(funded) == Decimal("820")


def test_not_enough_funds_answers_402_and_charges_nothing(client, make_member, service):
    poor = make_member()
    program = Program(client, keys.create_key(member=poor, name="panel").secret)
    response = program.post("/orders", {"service": service.pk, "link": POST, "quantity": 1000})
    assert (response.status_code, response.json()) == (402, {"error": "Not enough funds on balance"})
    assert not Order.objects.exists() and wallet.balance(poor) == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"service": "S1", "link": POST}, "Incorrect request: service: must be a whole number"),
        ({"link": POST, "quantity": 1000, "colour": "red"}, "colour: is not a field of an order"),
        ({"link": "https://example.com/x", "quantity": 1000}, "Incorrect link"),
        ({"link": POST, "quantity": 50}, "Quantity less than minimal"),
        ({"link": POST, "quantity": 20_000}, "Quantity more than maximal"),
        ({"link": POST}, "Incorrect request: quantity is missing"),
        ({"link": POST, "quantity": 1000, "runs": 3, "interval": 60}, "Drip-feed is not available"),
        ({"link": "https://www.instagram.com/p/A\x00/", "quantity": 1000}, "NUL"),
    ],
)
def test_invalid_input_answers_422_naming_the_problem_and_charges_nothing(
    program, funded, service, body, error
):
    body = {"service": service.pk, **body}
    response = program.post("/orders", body)
    assert response.status_code == 422
    assert error in response.json()["error"]
    assert not Order.objects.exists() and wallet.balance(funded) == Decimal("1000")


def test_a_missing_or_unknown_service_and_a_body_that_is_not_json_answer_422(program, service):
    response = program.post("/orders", {"link": POST, "quantity": 1000})
    assert (response.status_code, response.json()) == (
        422,
        {"error": "Incorrect request: service: is required"},
    )
    response = program.post("/orders", {"service": service.pk + 100, "link": POST, "quantity": 1000})
    assert (response.status_code, response.json()) == (422, {"error": "Incorrect service ID"})
    response = program.client.post(
        "/api/v1/orders", "{service: 1", content_type="application/json", headers=program._headers(None)
    )
    assert response.status_code == 422 and response.json()["error"].startswith("Incorrect request")


def test_subscriptions_are_refused_with_the_way_to_order_them(program, funded, make_service):
    service = make_service(type=Service.Type.SUBSCRIPTIONS)
    response = program.post("/orders", {"service": service.pk, "link": "somchai.shop"})
    assert response.status_code == 422 and "through API v2" in response.json()["error"]
    assert not Order.objects.exists() and wallet.balance(funded) == Decimal("1000")


def test_a_second_active_order_for_the_same_link_answers_409(program, service):
    order = {"service": service.pk, "link": POST, "quantity": 1000}
    assert program.post("/orders", order).status_code == 201
    response = program.post("/orders", order)
    assert (response.status_code, response.json()) == (
        409,
        {"error": "You already have an active order with this link"},
    )


def test_comments_may_be_sent_as_a_list_or_as_lines(program, funded, make_service):
    service = make_service(type=Service.Type.CUSTOM_COMMENTS, rate=Decimal("1000"), min_quantity=1, step=1)
    listed = program.post("/orders", {"service": service.pk, "link": POST, "comments": ["สวย", "ชอบมาก"]})
    lines = program.post(
        "/orders", {"service": service.pk, "link": POST + "2/", "comments": "one\ntwo\nthree"}
    )
    assert (listed.json()["quantity"], lines.json()["quantity"]) == (2, 3)
    assert Order.objects.get(pk=listed.json()["id"]).comments == "สวย\nชอบมาก"


def test_errors_are_in_english_whatever_language_the_program_asks_for(program, service):
    for language in ("th", "ko"):
        response = program.post(
            "/orders", {"service": service.pk, "link": POST}, {"Accept-Language": language}
        )
        assert response.json() == {"error": "Incorrect request: quantity is missing"}
        response = program.get(
            "/balance", headers={"Authorization": "Bearer wrong", "Accept-Language": language}
        )
        assert response.json() == {"error": "Invalid API key"}


# --- Following orders -------------------------------------------------------------------------


def test_orders_are_listed_newest_first_paginated_and_filtered_by_status(
    program, funded, someone_else, service
):
    orders = [_order(funded, service, link=f"{POST}{n}/") for n in range(3)]
    transition(order=orders[0], to=Status.COMPLETED)
    _order(someone_else, service)
    page = program.get("/orders", page_size=2).json()
    assert (page["count"], page["pages"], [o["id"] for o in page["items"]]) == (
        3,
        2,
        [orders[2].pk, orders[1].pk],
    )
    assert [o["id"] for o in program.get("/orders", page_size=2, page=2).json()["items"]] == [orders[0].pk]
    completed = program.get("/orders", status="Completed").json()
    assert [(o["id"], o["status"]) for o in completed["items"]] == [(orders[0].pk, "Completed")]
    assert program.get("/orders", status="Done").status_code == 422


def test_an_order_shows_its_status_counts_and_requests(program, funded, service):
    order = _order(funded, service)
    transition(order=order, to=Status.IN_PROGRESS, start_count=3572)
    transition(order=order, to=Status.PARTIAL, remains=157)
    body = program.get(f"/orders/{order.pk}").json()
    assert (body["status"], body["start_count"], body["remains"]) == ("Partial", 3572, 157)
    assert (body["charge"], body["refunded"]) == ("90.00000", "14.13000")
    assert body["refills"] == [] and body["cancel_requests"] == []


def test_someone_elses_order_answers_404_exactly_like_a_missing_one(program, someone_else, service):
    theirs = _order(someone_else, service)
    transition(order=theirs, to=Status.COMPLETED)
    missing = program.get(f"/orders/{theirs.pk + 1000}")
    for response in (
        program.get(f"/orders/{theirs.pk}"),
        program.post(f"/orders/{theirs.pk}/refill"),
        program.post(f"/orders/{theirs.pk}/cancel"),
        missing,
    ):
        assert (response.status_code, response.json()) == (404, {"error": "Incorrect order ID"})
    assert not RefillRequest.objects.exists() and not CancelRequest.objects.exists()


def test_a_completed_order_can_be_refilled_once_at_a_time(program, funded, service):
    order = _order(funded, service)
    refused = program.post(f"/orders/{order.pk}/refill")
    assert (refused.status_code, refused.json()) == (409, {"error": "Refill not available"})
    transition(order=order, to=Status.COMPLETED)
    asked = program.post(f"/orders/{order.pk}/refill")
    assert asked.status_code == 202
    assert (asked.json()["order"], asked.json()["status"]) == (order.pk, "Pending")
    again = program.post(f"/orders/{order.pk}/refill")
    assert again.status_code == 409 and "already in progress" in again.json()["error"]
    assert [r["status"] for r in program.get(f"/orders/{order.pk}").json()["refills"]] == ["Pending"]


def test_a_pending_order_can_be_asked_to_cancel_once(program, funded, service, make_service):
    order = _order(funded, service)
    asked = program.post(f"/orders/{order.pk}/cancel")
    assert asked.status_code == 202 and asked.json()["status"] == "pending"
    assert program.post(f"/orders/{order.pk}/cancel").status_code == 409
    assert CancelRequest.objects.filter(order=order).count() == 1
    fixed = _order(funded, make_service(cancel_allowed=False), link=POST + "x/")
    refused = program.post(f"/orders/{fixed.pk}/cancel")
    assert (refused.status_code, refused.json()) == (409, {"error": "Cancel not available"})


# --- Keys and rate limits ---------------------------------------------------------------------


def test_a_wrong_missing_or_revoked_key_answers_401_invalid_api_key(client, funded):
    made = keys.create_key(member=funded, name="old panel")
    keys.revoke_key(member=funded, key_id=made.key.pk)
    answers = [
        client.get("/api/v1/balance"),
        client.get("/api/v1/balance", headers={"Authorization": "Bearer not-a-key"}),
        client.get("/api/v1/balance", headers={"Authorization": f"Bearer {made.secret}"}),
        client.get("/api/v1/balance", headers={"Authorization": f"Basic {made.secret}"}),
    ]
    for response in answers:
        assert (response.status_code, response.json()) == (401, {"error": "Invalid API key"})
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_key_limited_to_other_addresses_answers_401(client, funded):
    secret = keys.create_key(member=funded, name="office", networks=[ip_network("203.0.113.0/24")]).secret
    response = client.get("/api/v1/balance", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    response = client.get(
        "/api/v1/balance", headers={"Authorization": f"Bearer {secret}"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200


def test_too_many_requests_answer_429_with_retry_after(program, settings):
    settings.API_KEY_RATE = "2/60"
    assert [program.get("/balance").status_code for _ in range(2)] == [200, 200]
    response = program.get("/balance")
    assert (response.status_code, response.json()) == (429, {"error": "Too many requests"})
    assert 1 <= int(response["Retry-After"]) <= 60


def test_guessing_keys_locks_the_address_out_even_with_the_right_key(program, settings):
    settings.API_KEY_FAILURE_RATE = "3/600"
    guesses = [
        program.client.get("/api/v1/balance", headers={"Authorization": f"Bearer guess{n}"}) for n in range(3)
    ]
    assert {g.status_code for g in guesses} == {401}
    response = program.get("/balance")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


# --- The document and the interactive docs ---------------------------------------------------


def test_openapi_document_is_public_and_declares_each_status_the_api_returns(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiKeyBearer"] == {"type": "http", "scheme": "bearer"}
    declared = {
        (path, method): set(operation["responses"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert declared[("/api/v1/orders", "post")] == {"200", "201", "401", "402", "409", "422", "429"}
    assert declared[("/api/v1/orders/{order_id}/refill", "post")] == {
        "202",
        "401",
        "404",
        "409",
        "422",
        "429",
    }
    assert declared[("/api/v1/balance", "get")] == {"200", "401", "429"}
    too_many = document["paths"]["/api/v1/balance"]["get"]["responses"]["429"]
    assert "Retry-After" in too_many["headers"]


def test_unknown_addresses_under_v1_answer_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert (response.status_code, response.json()) == (404, {"error": "Not found"})


def test_interactive_docs_use_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


# --- The API docs page ------------------------------------------------------------------------


def test_docs_page_is_open_to_visitors_with_their_own_endpoint_filled_in(client):
    for language in ("th", "en", "ko"):
        response = client.get("/api/docs/", headers={"Accept-Language": language})
        page = response.content.decode()
        assert response.status_code == 200 and f'<html lang="{language}">' in page
        assert "curl -X POST http://testserver/api/v2" in page
        assert 'data-testid="keys-link"' not in page and "/accounts/login/?next=/api/docs/" in page


def test_docs_page_shows_each_api_v2_action_in_curl_python_and_php(client):
    page = client.get("/api/docs/").content.decode()
    for slug in (
        "services",
        "add-default",
        "add-custom-comments",
        "add-mentions",
        "add-package",
        "add-poll",
        "add-subscriptions",
        "status",
        "status-multiple",
        "refill",
        "refill-status",
        "cancel",
        "balance",
    ):
        section = page.split(f'data-testid="action-{slug}"')[1].split("</section>")[0]
        for language in ("curl", "python", "php"):
            assert f'data-testid="sample-{language}"' in section, (slug, language)
        assert 'data-testid="answer"' in section
    # Multi-line fields keep their line breaks in every language's quoting.
    assert "--data-urlencode $&#x27;comments=สวยมาก\\nชอบมากค่ะ\\nGreat shot!&#x27;" in page
    assert "&quot;comments&quot;: &quot;สวยมาก\\nชอบมากค่ะ\\nGreat shot!&quot;" in page
    assert "&#x27;comments&#x27; =&gt; &quot;สวยมาก\\nชอบมากค่ะ\\nGreat shot!&quot;" in page
    assert "Incorrect order ID" in page and "/api/v1/docs" in page


def test_docs_page_links_a_member_to_their_keys_and_never_prints_a_secret(client, member):
    secret = keys.create_key(member=member, name="my panel").secret
    sign_in(client, member.email)
    page = client.get("/api/docs/").content.decode()
    assert 'href="/api/keys/" data-testid="keys-link"' in page
    assert "YOUR_API_KEY" in page and secret not in page


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_curl_and_python_examples_work_as_printed_with_a_real_key(live_server, funded, make_service):
    make_service(rate=Decimal("90"))  # service 1, as the examples say
    secret = keys.create_key(member=funded, name="docs").secret
    page = html.unescape(httpx.get(f"{live_server.url}/api/docs/").text)
    balance = page.split('data-testid="action-balance"')[1].split("<code>curl ")[1].split("</code>")[0]
    answer = subprocess.run(
        ["bash", "-c", "curl -s " + balance.replace("YOUR_API_KEY", secret)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(answer.stdout) == {"balance": "1000.00", "currency": "THB"}
    add = page.split('data-testid="action-add-default"')[1].split("<code>import httpx")[1].split("</code>")[0]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec("import httpx" + add.replace("YOUR_API_KEY", secret), {})  # the example, as printed
    assert printed.getvalue().strip() == f"{{'order': {Order.objects.get().pk}}}"
    assert wallet.balance(funded) == Decimal("910")
