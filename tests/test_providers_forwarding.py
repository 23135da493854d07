"""Forwarding orders to an upstream provider (a real API v2 simulator on 127.0.0.1) and keeping
them right under every fault the provider can throw at us."""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import connection

from snshelper.orders import services as orders
from snshelper.orders.models import Order
from snshelper.privacy_rights.requests import services as privacy_requests
from snshelper.providers import forwarding, selectors
from snshelper.providers.models import Forwarding
from snshelper.wallet import selectors as wallet_selectors
from tests.conftest import sign_in
from tests.providers_fixtures import SIM_KEY, an_instagram_link, free_port

State = Forwarding.State


def order_for(member, service, n=1, quantity=None) -> Order:
    return orders.place_order(
        member=member,
        service=service,
        link=an_instagram_link(n),
        quantity=quantity or service.min_quantity,
    )


def test_provider_key_is_encrypted_at_rest(provider):
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM providers_provider WHERE id = %s", [provider.pk])
        stored = cursor.fetchone()[0]
    assert SIM_KEY not in stored
    provider.refresh_from_db()
    assert provider.api_key == SIM_KEY


def test_imported_service_is_priced_by_the_markup_rule_and_rounded_up(provider, sold):
    cost = sold.provider_service.rate
    exact = cost * Decimal("35") * Decimal("1.3")
    assert sold.rate >= exact
    assert sold.rate - exact < Decimal("0.01")
    assert sold.rate == sold.rate.quantize(Decimal("0.01"))
    assert sold.by_provider and sold.min_quantity == sold.provider_service.min_quantity


def test_order_is_sent_once_with_order_data_only(funded, sold, simulator, clock):
    funded.name, funded.phone = "Somchai Jaidee", "0812345678"
    funded.save()
    order = order_for(funded, sold)
    assert Forwarding.objects.get(pk=order.pk).state == State.QUEUED  # written with the order itself

    forwarding.forward_due()

    sent = Forwarding.objects.get(pk=order.pk)
    assert sent.state == State.SENT and sent.external_id
    received = simulator.received_adds()
    assert len(received) == 1
    params = received[0]
    assert set(params) <= {"key", "action", "service", "link", "quantity", "idempotency_key"}
    assert params["link"] == order.link and params["service"] == sold.provider_service.external_id
    everything = " ".join(str(v) for v in params.values())
    for personal in (funded.email, "Somchai", "Jaidee", "0812345678", funded.member_id):
        assert personal not in everything


def test_connection_failure_before_sending_is_retried_with_backoff(funded, sold, simulator, clock):
    provider = sold.provider_service.provider
    provider.api_url = f"http://127.0.0.1:{free_port()}/api/v2"  # nobody listens there
    provider.save()
    order = order_for(funded, sold)

    forwarding.forward_due()
    waiting = Forwarding.objects.get(pk=order.pk)
    assert waiting.state == State.QUEUED and waiting.attempts == 1
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=10)

    forwarding.forward_due()  # too early: nothing happens
    assert Forwarding.objects.get(pk=order.pk).attempts == 1

    provider.api_url = simulator.url
    provider.save()
    clock.advance(timedelta(seconds=11))
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == State.SENT
    assert len(simulator.received_adds()) == 1


def test_reply_lost_after_add_is_looked_up_by_key_never_ordered_twice(funded, sold, simulator, clock):
    order = order_for(funded, sold)
    simulator.force("lost_add")

    forwarding.forward_due()
    lost = Forwarding.objects.get(pk=order.pk)
    assert lost.state == State.UNCONFIRMED
    assert len(simulator.orders_created()) == 1  # the provider did make it

    clock.advance(timedelta(seconds=11))
    forwarding.forward_due()

    found = Forwarding.objects.get(pk=order.pk)
    assert found.state == State.SENT
    assert found.external_id == str(simulator.orders_created()[0]["id"])
    assert simulator.duplicates() == {}


def test_reply_lost_at_a_provider_without_keys_goes_to_staff(funded, sold, simulator, clock, make_staff):
    provider = sold.provider_service.provider
    provider.supports_idempotency = False
    provider.save()
    order = order_for(funded, sold)
    simulator.force("lost_add")
    forwarding.forward_due()

    for _ in range(3):
        clock.advance(timedelta(hours=1))
        forwarding.forward_due()
    assert len(simulator.received_adds()) == 1  # never sent again on its own
    assert order.pk in [f.order_id for f in selectors.needing_attention()]

    staff, _ = make_staff("marketing")
    external = str(simulator.orders_created()[0]["id"])
    forwarding.record_external_id(order_id=order.pk, external_id=external, by=staff)
    assert Forwarding.objects.get(pk=order.pk).state == State.SENT


@pytest.mark.parametrize("fault", ["timeout", "http_5xx", "html", "malformed"])
def test_an_unusable_answer_leaves_the_order_unconfirmed_not_resent_blindly(
    fault, funded, sold, simulator, clock
):
    order = order_for(funded, sold)
    simulator.force(fault)
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == State.UNCONFIRMED
    clock.advance(timedelta(seconds=11))
    forwarding.forward_due()  # looked up with the same key: one order at the provider
    assert Forwarding.objects.get(pk=order.pk).state == State.SENT
    assert simulator.duplicates() == {} and len(simulator.orders_created()) == 1


def test_refused_add_waits_for_staff_and_cancel_refunds_once(funded, sold, simulator, make_staff):
    before = wallet_selectors.balance(funded)
    order = order_for(funded, sold)
    simulator.force("error")
    forwarding.forward_due()
    refused = Forwarding.objects.get(pk=order.pk)
    assert refused.state == State.REFUSED and refused.last_error

    staff, _ = make_staff("marketing")
    forwarding.cancel_unsent(order_id=order.pk, by=staff, reason="The provider refused it")
    with pytest.raises(orders.errors.TransitionNotAllowed):
        forwarding.cancel_unsent(order_id=order.pk, by=staff, reason="again")
    order.refresh_from_db()
    assert order.status == "Canceled" and order.refunded == order.charge
    assert wallet_selectors.balance(funded) == before
    assert simulator.orders_created() == []


def test_status_sync_moves_orders_and_refunds_partial_once(funded, sold, simulator, clock):
    placed = [order_for(funded, sold, n) for n in range(1, 31)]
    forwarding.forward_due()
    simulator.advance(24 * 3600)  # every simulated order has finished

    result = forwarding.sync_statuses(sold.provider_service.provider)
    assert result.orders == 30 and result.calls == 1

    again = forwarding.sync_statuses(sold.provider_service.provider)
    assert again.orders == 0  # nothing active is left to ask about
    for order in placed:
        order.refresh_from_db()
        theirs = simulator.order(Forwarding.objects.get(pk=order.pk).external_id)
        assert order.status == theirs["status"]
        if order.status == "Partial":
            assert order.remains == int(theirs["remains"]) > 0
            share = order.charge * order.remains / order.total_quantity
            assert order.refunded == share.quantize(Decimal("0.00001"), rounding=ROUND_DOWN)
        if order.status == "Canceled":
            assert order.refunded == order.charge
        if order.status == "Completed":
            assert order.refunded == 0 and order.remains == 0
    statuses = {o.status for o in placed}
    assert "Completed" in statuses
    from snshelper.wallet.models import LedgerTransaction

    refunds = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.ORDER_REFUND).count()
    assert refunds == sum(1 for o in placed if o.refunded > 0)


def test_status_is_asked_100_orders_a_call(funded, sold, simulator):
    funded_more(funded)
    for n in range(1, 251):
        order_for(funded, sold, n)
    forwarding.forward_due()
    calls_before = simulator.calls("status")
    result = forwarding.sync_statuses(sold.provider_service.provider)
    assert result.orders == 250
    assert simulator.calls("status") - calls_before == 3
    assert max(simulator.status_batch_sizes()) <= 100


def funded_more(member):
    from snshelper.wallet import services as wallet

    wallet.credit_top_up(member=member, amount=Decimal("1000000"), idempotency_key="fund-more")


def test_a_sync_costs_a_fixed_number_of_queries_per_100_orders_even_with_refunds(funded, sold, simulator):
    from django.test.utils import CaptureQueriesContext

    funded_more(funded)
    placed = [order_for(funded, sold, n) for n in range(1, 101)]
    forwarding.forward_due()
    simulator.advance(24 * 3600)  # every order finishes: Completed, Partial or Canceled
    with CaptureQueriesContext(connection) as queries:
        result = forwarding.sync_statuses(sold.provider_service.provider)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]

    assert result.orders == 100 and result.changed == 100
    refunded = [o for o in placed if Order.objects.get(pk=o.pk).refunded > 0]
    assert refunded  # the seeded simulator ends some short
    assert len(statements) <= 15, statements


def test_p9_while_processing_is_stopped_new_orders_wait_and_the_member_is_told_why(
    client, funded, sold, simulator, clock
):
    stop = privacy_requests.request_suspension(member=funded, details="Stop everything optional.")
    privacy_requests.carry_out(request=stop, by=None, answer="Stopped.")
    order = order_for(funded, sold)
    forwarding.forward_due()
    clock.advance(timedelta(hours=2))
    forwarding.forward_due()
    held = Forwarding.objects.get(pk=order.pk)
    assert held.state == State.QUEUED and held.attempts == 0 and "stopped the processing" in held.last_error
    assert simulator.received_adds() == []  # nothing left us
    sign_in(client, funded.email)
    page = client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="held-while-suspended"' in page and "you asked us to stop processing" in page

    response = client.post("/account/privacy/resume/")
    assert response.status_code == 302
    clock.advance(timedelta(hours=1, minutes=1))
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == State.SENT
    assert len(simulator.received_adds()) == 1
    page = client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="held-while-suspended"' not in page
