"""Status sync details, refill and cancel requests passed on to the provider, providers that
answer in their own dialect, and the staff pages that show all of it."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from snshelper.orders import services as orders
from snshelper.orders.models import ACTIVE, CancelRequest, Order, RefillStatus
from snshelper.providers import forwarding
from snshelper.providers import services as provider_services
from snshelper.providers.models import Forwarding, ProviderCall
from snshelper.providers.simulator import ProviderSimulator
from snshelper.wallet.models import LedgerTransaction
from tests.conftest import sign_in
from tests.providers_fixtures import SIM_KEY, _category, an_instagram_link


def place(member, service, n=1):
    return orders.place_order(
        member=member, service=service, link=an_instagram_link(n), quantity=service.min_quantity
    )


def sold_as(provider, external_id: str, **changes):
    provider_services.sync_services(provider)
    (service,) = provider_services.add_to_catalog(
        provider_services=[provider.services.get(external_id=external_id)], category=_category()
    )
    for name, value in changes.items():
        setattr(service, name, value)
    service.save()
    return service


def finish_at_provider(simulator, provider):
    forwarding.forward_due()
    simulator.advance(24 * 3600)
    forwarding.sync_statuses(provider)


def test_refill_request_goes_to_the_provider_and_follows_its_status(funded, provider, simulator, clock):
    service = sold_as(provider, "101", refill_days=30)  # a refill service at the provider
    order = place(funded, service)
    while True:  # until the simulator completes one (its outcomes are random, seeded)
        finish_at_provider(simulator, provider)
        order.refresh_from_db()
        if order.status == "Completed":
            break
        order = place(funded, service, order.pk + 1)
    refill = orders.request_refill(member=funded, order=order)

    assert forwarding.forward_refills(provider) == 1
    assert refill.forwarded.external_id and simulator.calls("refill") == 1
    forwarding.sync_refills(provider)
    refill.refresh_from_db()
    assert refill.status == RefillStatus.PENDING

    simulator.advance(3600)
    forwarding.sync_refills(provider)
    refill.refresh_from_db()
    assert refill.status == RefillStatus.COMPLETED
    assert forwarding.forward_refills(provider) == 0  # never sent twice


def test_refill_the_provider_refuses_is_rejected_with_its_reason(funded, provider, simulator):
    service = sold_as(provider, "102", refill_days=30)  # the provider offers no refill on it
    order = place(funded, service)
    finish_at_provider(simulator, provider)
    order.refresh_from_db()
    if order.status != "Completed":
        pytest.skip("the seeded simulator did not complete this order")
    refill = orders.request_refill(member=funded, order=order)
    forwarding.forward_refills(provider)
    refill.refresh_from_db()
    assert refill.status == RefillStatus.REJECTED and refill.reason == "Refill not available"


def test_cancel_request_goes_to_the_provider_and_the_refund_comes_once(funded, provider, simulator):
    service = sold_as(provider, "101", cancel_allowed=True)
    order = place(funded, service)
    forwarding.forward_due()
    cancel = orders.request_cancel(member=funded, order=order)

    assert forwarding.forward_cancels(provider) == 1
    forwarding.sync_statuses(provider)
    forwarding.sync_statuses(provider)
    forwarding.close_cancel_requests()

    order.refresh_from_db()
    cancel.refresh_from_db()
    assert order.status == "Canceled" and order.refunded == order.charge
    assert cancel.status == CancelRequest.Status.ACCEPTED
    assert forwarding.forward_cancels(provider) == 0


def test_cancel_the_provider_refuses_is_answered_with_its_reason(funded, provider, simulator):
    service = sold_as(provider, "103", cancel_allowed=True)  # the provider cannot cancel it
    order = place(funded, service)
    forwarding.forward_due()
    cancel = orders.request_cancel(member=funded, order=order)
    forwarding.forward_cancels(provider)
    cancel.refresh_from_db()
    assert cancel.status == CancelRequest.Status.REJECTED and cancel.reason == "Cancel not available"
    order.refresh_from_db()
    assert order.refunded == 0


def test_a_provider_speaking_its_own_dialect_is_understood(funded, make_provider):
    quirks = {"cancelled_spelling", "lowercase_status", "numbers_as_numbers", "success_wrapper"}
    with ProviderSimulator(port=0, key=SIM_KEY, seed=3, quirks=quirks) as odd:
        provider = make_provider(name="Odd provider", api_url=odd.url)
        service = sold_as(provider, "101")
        placed = [place(funded, service, n) for n in range(1, 41)]
        forwarding.forward_due()
        odd.advance(24 * 3600)
        forwarding.sync_statuses(provider)
        for order in placed:
            order.refresh_from_db()
            theirs = odd.order(order.forwarding.external_id)
            assert order.status == theirs["status"]  # "cancelled", "completed" read as ours
        assert {o.status for o in placed} >= {"Completed"}


def test_unknown_order_ids_are_put_to_staff_after_three_syncs(funded, provider, simulator):
    from snshelper.providers import selectors

    service = sold_as(provider, "101")
    order = place(funded, service)
    forwarding.forward_due()
    simulator.orders.clear()  # the provider lost it
    for _ in range(3):
        forwarding.sync_statuses(provider)
    assert Forwarding.objects.get(pk=order.pk).missing_count == 3
    assert order.pk in [f.order_id for f in selectors.needing_attention()]


def test_provider_drip_feed_runs_are_not_scheduled_by_us(funded, provider, simulator):
    service = sold_as(provider, "102", dripfeed_allowed=True)
    order = orders.place_order(
        member=funded,
        service=service,
        link=an_instagram_link(),
        quantity=service.min_quantity,
        runs=3,
        interval=10,
    )
    forwarding.forward_due()
    params = simulator.received_adds()[0]
    assert (params["runs"], params["interval"]) == ("3", "10")
    simulator.advance(600)
    forwarding.sync_statuses(provider)
    order.refresh_from_db()
    assert order.status in ("In progress", "Processing") and not order.drip_runs.exists()


def test_every_call_is_logged_for_the_error_rate(funded, provider, simulator):
    service = sold_as(provider, "101")
    place(funded, service)
    simulator.force("html")
    forwarding.forward_due()
    calls = list(ProviderCall.objects.filter(provider=provider).order_by("at", "id"))
    assert [c.action for c in calls][-1] == "add"
    assert calls[-1].ok is False and "HTML" in calls[-1].outcome


# --- Staff pages ------------------------------------------------------------------------------


def staff_client(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    return staff


def test_providers_page_shows_balance_error_rate_waiting_and_orders_to_settle(
    client, make_staff, funded, provider, simulator, clock
):
    service = sold_as(provider, "101")
    order = place(funded, service)
    simulator.force("error")
    forwarding.forward_due()
    provider_services.refresh_balance(provider)
    staff_client(client, make_staff, "marketing")

    page = client.get("/staff/providers/").content.decode()
    assert provider.name in page and "USD" in page
    assert "50%" in page or "33%" in page  # one failed call of the few made
    assert f'data-testid="attention-{order.pk}"' in page

    response = client.post(
        f"/staff/providers/orders/{order.pk}/", {"action": "cancel", "reason": "Provider refused it"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "Canceled" and order.refunded == order.charge


def test_staff_without_the_job_cannot_see_providers(client, make_staff, provider):
    staff_client(client, make_staff, "support")
    assert client.get("/staff/providers/").status_code == 403


def test_only_administrators_add_providers_and_import_services(client, make_staff, provider, simulator):
    staff_client(client, make_staff, "marketing")
    assert client.get("/staff/providers/add/").status_code == 403
    client.logout()
    staff_client(client, make_staff, "administrator")
    response = client.post(
        "/staff/providers/add/",
        {
            "name": "Second",
            "api_url": simulator.url,
            "api_key": SIM_KEY,
            "currency": "USD",
            "exchange_rate": "36.5",
            "timeout_seconds": "15",
            "markup_percent": "25",
            "markup_fixed": "0",
            "rounding": "1",
            "price_changes": "review",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    second = provider.__class__.objects.get(name="Second")
    assert second.api_key == SIM_KEY and second.exchange_rate == Decimal("36.5")
    client.post(f"/staff/providers/{second.pk}/sync/")
    chosen = second.services.get(external_id="202")
    client.post(
        f"/staff/providers/{second.pk}/import/",
        {"service": [chosen.pk], "category": _category().pk, "markup_percent": "25", "rounding": "1"},
    )
    ours = chosen.our_services.get()
    assert ours.rate == Decimal("83")  # 1.80 × 36.5 × 1.25 = 82.125 → up to 83
    page = client.get(f"/staff/providers/{second.pk}/").content.decode()
    assert "TikTok Followers" in page


def test_a_bad_provider_form_says_what_is_wrong(client, make_staff):
    staff_client(client, make_staff, "administrator")
    response = client.post("/staff/providers/add/", {"name": "X", "api_url": "nope", "api_key": "k"})
    assert response.status_code == 200
    assert "https://" in response.content.decode()


def _provider_form(provider, **changes) -> dict:
    values = {
        "name": provider.name,
        "api_url": provider.api_url,
        "currency": provider.currency,
        "exchange_rate": "35",
        "timeout_seconds": "1",
        "markup_percent": "30",
        "markup_fixed": "0",
        "rounding": provider.rounding,
        "price_changes": provider.price_changes,
        "is_active": "on",
    }
    return {key: value for key, value in {**values, **changes}.items() if value is not None}


def test_an_unreadable_provider_number_is_named_and_nothing_changes(client, make_staff, provider):
    staff_client(client, make_staff, "administrator")
    response = client.post(
        f"/staff/providers/{provider.pk}/edit/", _provider_form(provider, exchange_rate="3 5")
    )
    assert response.status_code == 200
    with translation.override("th"):
        said = gettext("%(field)s must be a number from %(low)s to %(high)s.") % {
            "field": "exchange rate",
            "low": "0.000001",
            "high": "100000",
        }
    assert said in response.content.decode()
    provider.refresh_from_db()
    assert provider.exchange_rate == Decimal("35")


def test_unticking_active_on_the_provider_form_stops_the_provider(client, make_staff, provider):
    staff_client(client, make_staff, "administrator")
    response = client.post(
        f"/staff/providers/{provider.pk}/edit/",
        _provider_form(provider, is_active=None, markup_percent="1,000"),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert not provider.is_active and provider.markup_percent == Decimal("1000")


def test_an_unknown_order_action_is_refused_with_its_message(client, make_staff, provider, funded):
    staff_client(client, make_staff, "marketing")
    order = place(funded, sold_as(provider, "101"))
    response = client.post(f"/staff/providers/orders/{order.pk}/", {"action": "explode"}, follow=True)
    with translation.override("th"):
        assert gettext("Choose what to do with the order.") in response.content.decode()


def test_sending_sweep_picks_up_an_order_whose_job_was_lost(funded, provider, simulator, clock):
    service = sold_as(provider, "101")
    order = place(funded, service)  # on_commit never ran in this test's transaction: as if lost
    assert Forwarding.objects.get(pk=order.pk).state == "queued"
    clock.advance(timedelta(minutes=1))
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == "sent"


def test_administrator_maps_one_of_our_services_to_the_provider_and_back(
    client, make_staff, provider, simulator, make_service, funded
):
    provider_services.sync_services(provider)
    ours = make_service(min_quantity=10, max_quantity=100_000, step=10)
    theirs = provider.services.get(external_id="101")  # 50 to 20,000
    staff_client(client, make_staff, "administrator")

    client.post(
        f"/staff/providers/{provider.pk}/map/", {"our_service": ours.pk, "provider_service": theirs.pk}
    )
    ours.refresh_from_db()
    assert ours.by_provider and ours.provider_service == theirs
    assert (ours.min_quantity, ours.max_quantity) == (50, 20000)  # inside the provider's limits
    order = place(funded, ours)
    assert Forwarding.objects.filter(pk=order.pk).exists()

    client.post(
        f"/staff/providers/{provider.pk}/map/", {"our_service": ours.pk, "provider_service": "manual"}
    )
    ours.refresh_from_db()
    assert not ours.by_provider and ours.provider_service is None
    assert not Forwarding.objects.filter(pk=place(funded, ours, 2).pk).exists()


# --- Writing what the provider said: many calls a transaction, each order once ---------------


def many_orders(provider, count, *, members):
    from snshelper.wallet import services as wallet

    service = sold_as(provider, "102", one_active_order_per_link=False)
    for member in members:
        wallet.credit_top_up(member=member, amount=Decimal("1000000"), idempotency_key=f"more:{member.pk}")
    return [
        orders.place_order(
            member=members[n % len(members)],
            service=service,
            link=an_instagram_link(n),
            quantity=service.min_quantity,
        )
        for n in range(count)
    ]


def statements_of(queries, text):
    return sum(1 for q in queries.captured_queries if text in q["sql"])


def test_the_answers_of_several_calls_are_written_in_one_transaction(make_member, provider, simulator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    placed = many_orders(provider, 100, members=[make_member() for _ in range(3)])
    forwarding.forward_due()
    simulator.advance(24 * 3600)  # every order finishes: Completed, Partial or Canceled
    calls = simulator.calls("status")
    with CaptureQueriesContext(connection) as queries:
        result = forwarding.sync_statuses(provider, batch=10)
    assert simulator.calls("status") - calls == result.calls == 10
    assert max(simulator.status_batch_sizes()) <= 10
    assert result.changed == 100
    # One read of the forwarded orders, one write (a locked read of the orders, one insert of
    # their transitions, ...), whatever the number of calls.
    assert statements_of(queries, 'FROM "providers_forwarding"') == 1
    assert statements_of(queries, 'FROM "orders_order"') == 1
    assert statements_of(queries, 'INSERT INTO "orders_ordertransition"') == 1
    assert len(queries.captured_queries) <= 20, [q["sql"][:80] for q in queries.captured_queries]
    refunded = [o for o in placed if Order.objects.get(pk=o.pk).refunded > 0]
    assert refunded and LedgerTransaction.objects.filter(kind="order_refund").count() == len(refunded)


def test_a_sync_writes_per_write_orders_a_transaction(make_member, provider, simulator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many_orders(provider, 100, members=[make_member()])
    forwarding.forward_due()
    simulator.advance(24 * 3600)
    with CaptureQueriesContext(connection) as queries:
        result = forwarding.sync_statuses(provider, batch=25, per_write=50)
    assert (result.calls, result.changed) == (4, 100)
    assert statements_of(queries, 'FROM "providers_forwarding"') == 3  # 50, 50, and none left
    assert statements_of(queries, 'FROM "orders_order"') == 2  # two writes
    assert statements_of(queries, 'INSERT INTO "orders_ordertransition"') == 2


def test_a_failed_call_leaves_its_orders_for_the_next_sync_and_writes_the_others(
    make_member, provider, simulator
):
    placed = many_orders(provider, 30, members=[make_member()])
    forwarding.forward_due()
    simulator.advance(24 * 3600)
    simulator.force("http_5xx")  # the first status call of the sync fails
    result = forwarding.sync_statuses(provider, batch=10)
    assert (result.calls, result.failed_calls, result.changed) == (3, 1, 20)
    assert Order.objects.filter(pk__in=[o.pk for o in placed], status__in=ACTIVE).count() == 10
    forwarding.sync_statuses(provider, batch=10)
    assert not Order.objects.filter(pk__in=[o.pk for o in placed], status__in=ACTIVE).exists()


def _race(work, threads):
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(threads))
    outcomes = []

    def run(argument):
        try:
            barrier.wait()
            outcomes.append(work(argument))
        except Exception as error:  # collected and asserted on below
            outcomes.append(error)
        finally:
            connections.close_all()

    running = [threading.Thread(target=run, args=(argument,)) for argument in threads]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_syncs_racing_each_other_and_staff_move_each_order_once_and_refund_once(
    make_member, make_staff, provider, simulator
):
    """Four syncs of the same provider at once, while staff cancel some of its orders by hand:
    every order ends with one final transition, and a refund at most once (PostgreSQL row locks)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL")
    from snshelper.orders import errors as order_errors
    from snshelper.wallet import selectors as wallet_selectors
    from snshelper.wallet.models import LedgerAccount, LedgerEntry

    members = [make_member() for _ in range(3)]
    placed = many_orders(provider, 120, members=members)
    forwarding.forward_due()
    simulator.advance(24 * 3600)
    staff, _ = make_staff("marketing")
    by_hand = placed[::12]

    def work(who):
        if who == "staff":
            canceled = 0
            for order in by_hand:
                try:
                    orders.transition(order=order, to="Canceled", by=staff, reason="Member asked")
                    canceled += 1
                except order_errors.TransitionNotAllowed:
                    pass  # the provider's word came first
            return canceled
        return forwarding.sync_statuses(provider, batch=20, per_write=60)

    outcomes = _race(work, ["staff", "sync", "sync", "sync", "sync"])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    by_staff = next(o for o in outcomes if isinstance(o, int))
    # Each order the staff did not cancel moved once by a sync (a canceled one may get its counts).
    assert sum(o.changed for o in outcomes if not isinstance(o, int)) >= len(placed) - by_staff
    finals = {"Completed", "Partial", "Canceled"}
    refunds = Counter(
        LedgerTransaction.objects.filter(kind="order_refund").values_list("idempotency_key", flat=True)
    )
    assert all(n == 1 for n in refunds.values())
    for order in Order.objects.filter(pk__in=[o.pk for o in placed]):
        assert order.status in finals
        moves = list(order.transitions.values_list("from_status", "to_status"))
        assert len([m for m in moves if m[1] in finals]) == 1, (order.pk, moves)
        paid = sum(
            LedgerEntry.objects.filter(
                transaction__idempotency_key=f"order:{order.pk}:refund", account__kind="member_wallet"
            ).values_list("amount", flat=True),
            Decimal(0),
        )
        assert paid == order.refunded
        assert (order.status == "Completed") == (order.refunded == 0)
    for account in LedgerAccount.objects.filter(kind=LedgerAccount.Kind.MEMBER_WALLET):
        assert account.balance == wallet_selectors.balance_from_entries(account) >= 0
