"""Schemathesis against the served OpenAPI document of a running app: whatever a program sends
that the document allows, JSON API v1 never answers with a server error, and every answer has a
status code and a body the document declares."""

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from snshelper.api import services as keys
from snshelper.catalog.models import Service
from snshelper.orders.models import Order
from snshelper.orders.services import place_order
from snshelper.wallet import services as wallet

# Sequences restart, so the document's examples (service 1, order 1) name real rows.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
FUZZ = settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
LINKS = ["https://www.instagram.com/p/Fuzz1/", "https://www.instagram.com/p/Fuzz2/", "@somchai.shop"]


@pytest.fixture
def catalogue(make_service):
    """Services of the types a program orders most, one with drip-feed, refill and cancel."""
    return [
        make_service(rate=Decimal("1"), refill_days=30, cancel_allowed=True, dripfeed_allowed=True),
        make_service(type=Service.Type.CUSTOM_COMMENTS, min_quantity=1, step=1),
        make_service(type=Service.Type.MENTIONS, one_active_order_per_link=False),
        make_service(type=Service.Type.POLL, one_active_order_per_link=False),
        make_service(type=Service.Type.PACKAGE, rate=Decimal("500"), one_active_order_per_link=False),
    ]


@pytest.fixture
def api_key(funded, catalogue, settings):
    """A real key of a well-funded member who already has an order."""
    settings.API_KEY_RATE = "100000/60"  # the fuzzer is fast; rate limits have their own tests
    wallet.credit_top_up(member=funded, amount=Decimal("1000000"), idempotency_key="fuzz")
    place_order(member=funded, service=catalogue[0], link="https://www.instagram.com/p/Cx0/", quantity=1000)
    return keys.create_key(member=funded, name="fuzzer").secret


@pytest.fixture
def served_schema(live_server, api_key):
    """The document as the running app serves it, every request carrying the member's key."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    schema.config.update(base_url=live_server.url)
    schema.config.generation.update(with_security_parameters=False)  # the real key, never a made-up one
    return schema


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _aimed_at(services):
    """Generated orders, half of them for a real service and link: random IDs alone would only
    ever meet "Incorrect service ID", never the pricing, drip-feed and ledger behind it."""

    def aim(drawn):
        case, service, link = drawn
        if isinstance(case.body, dict):
            case.body = {**case.body, "service": service, "link": link}
        return case

    return lambda strategy: st.tuples(strategy, st.sampled_from(services), st.sampled_from(LINKS)).map(aim)


def test_the_served_document_covers_every_operation(served_schema):
    assert {operation.label for operation in _operations(served_schema)} == {
        "GET /api/v1/services",
        "POST /api/v1/orders",
        "GET /api/v1/orders",
        "GET /api/v1/orders/{order_id}",
        "POST /api/v1/orders/{order_id}/refill",
        "POST /api/v1/orders/{order_id}/cancel",
        "GET /api/v1/balance",
    }


def test_api_v1_answers_within_its_document(served_schema, api_key, catalogue, subtests):
    # Schemathesis's own pytest wiring (schemathesis.pytest.from_fixture) cannot run on pytest 9.2
    # (it sets Node._nodeid, which pytest removed), so each operation's Hypothesis test is built
    # here from the same strategies: the document's examples, then generated cases.
    key = {"Authorization": f"Bearer {api_key}"}
    aim = _aimed_at([service.pk for service in catalogue])
    for operation in _operations(served_schema):
        strategies = [*operation.get_strategies_from_examples(), operation.as_strategy()]
        if operation.label == "POST /api/v1/orders":
            strategies.append(aim(operation.as_strategy()))

        @FUZZ
        @given(case=st.one_of(strategies))
        def answers_within_the_document(case):
            case.call_and_validate(headers=key, checks=CHECKS)

        with subtests.test(operation=operation.label):
            answers_within_the_document()
    assert Order.objects.count() > 1  # the fuzzer got past validation and placed orders
