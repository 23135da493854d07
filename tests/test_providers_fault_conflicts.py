"""Provider faults that once made forwarding stick (issue 16): a provider that restarted from an
empty database and numbers its orders from the start again, and a provider that never answers.
Each ends in a state staff see and settle, with a notice; no job retries forever."""

from datetime import timedelta

from snshelper.notifications.models import Notification
from snshelper.orders import services as orders
from snshelper.orders.models import Order
from snshelper.providers import forwarding, selectors
from snshelper.providers.models import Forwarding
from snshelper.wallet import selectors as wallet_selectors
from tests.conftest import sign_in
from tests.providers_fixtures import an_instagram_link, free_port

State = Forwarding.State


def order_for(member, service, n=1) -> Order:
    return orders.place_order(
        member=member, service=service, link=an_instagram_link(n), quantity=service.min_quantity
    )


def test_a_provider_reusing_an_order_number_is_a_conflict_for_staff_not_a_crash_loop(
    funded, sold, simulator, clock, make_staff
):
    marketing, _ = make_staff("marketing")
    first = order_for(funded, sold, 1)
    forwarding.forward_due()
    taken = Forwarding.objects.get(pk=first.pk).external_id
    simulator.restart_without_its_data()  # numbers its orders from the start again
    second = order_for(funded, sold, 2)

    for _ in range(12):  # the periodic sweep, well past every backoff
        forwarding.forward_due()
        clock.advance(timedelta(minutes=31))

    conflict = Forwarding.objects.get(pk=second.pk)
    assert conflict.state == State.CONFLICT
    assert (conflict.external_id, conflict.conflicting_external_id) == ("", taken)
    assert f"#{first.pk}" in conflict.last_error
    assert Forwarding.objects.get(pk=first.pk).external_id == taken  # the first order keeps its number
    assert len(simulator.received_adds()) == 2  # asked once: never again on its own
    assert second.pk in [row.order_id for row in selectors.needing_attention()]
    (notice,) = Notification.objects.filter(member=marketing, kind="provider_order_conflict")
    assert notice.params["external_id"] == taken and notice.params["other"] == f"#{first.pk}"


def test_staff_settle_a_conflict_with_the_right_number_but_never_a_taken_one(
    funded, sold, simulator, make_staff
):
    staff, _ = make_staff("marketing")
    first = order_for(funded, sold, 1)
    forwarding.forward_due()
    simulator.restart_without_its_data()
    second = order_for(funded, sold, 2)
    forwarding.forward_due()
    taken = Forwarding.objects.get(pk=first.pk).external_id

    try:
        forwarding.record_external_id(order_id=second.pk, external_id=taken, by=staff)
    except orders.errors.InvalidOrderFields as refusal:
        assert f"#{first.pk}" in str(refusal.message)
    else:
        raise AssertionError("a number another order has was accepted")

    forwarding.record_external_id(order_id=second.pk, external_id="77-found-in-panel", by=staff)
    assert Forwarding.objects.get(pk=second.pk).state == State.SENT


def test_staff_may_cancel_a_conflicting_order_with_a_full_refund(funded, sold, simulator, make_staff):
    staff, _ = make_staff("marketing")
    order_for(funded, sold, 1)
    forwarding.forward_due()
    simulator.restart_without_its_data()
    before = wallet_selectors.balance(funded)
    second = order_for(funded, sold, 2)
    forwarding.forward_due()

    forwarding.cancel_unsent(order_id=second.pk, by=staff, reason="The provider lost its data")

    second.refresh_from_db()
    assert second.status == "Canceled" and wallet_selectors.balance(funded) == before


def test_the_providers_page_shows_the_conflict_and_its_numbers(client, funded, sold, simulator, make_staff):
    first = order_for(funded, sold, 1)
    forwarding.forward_due()
    simulator.restart_without_its_data()
    second = order_for(funded, sold, 2)
    forwarding.forward_due()
    staff, totp = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=totp)

    page = client.get("/staff/providers/", headers={"Accept-Language": "en"}).content.decode()

    assert f'data-testid="attention-{second.pk}"' in page
    assert "The provider gave an order number another order has" in page
    assert Forwarding.objects.get(pk=first.pk).external_id in page
    assert f"#{first.pk}" in page


def test_a_provider_that_never_answers_is_given_up_after_the_set_attempts(
    funded, sold, simulator, clock, make_staff, settings
):
    settings.PROVIDER_MAX_SEND_ATTEMPTS = 4
    admin, _ = make_staff("administrator")
    provider = sold.provider_service.provider
    provider.api_url = f"http://127.0.0.1:{free_port()}/api/v2"  # nobody listens there
    provider.save()
    order = order_for(funded, sold)

    seen = []
    for _ in range(10):
        forwarding.forward_due()
        row = Forwarding.objects.get(pk=order.pk)
        seen.append((row.state, row.attempts))
        clock.advance(timedelta(hours=1))

    assert seen[:3] == [(State.QUEUED, 1), (State.QUEUED, 2), (State.QUEUED, 3)]
    assert set(seen[3:]) == {(State.ATTENTION, 4)}  # stopped: no fifth attempt
    assert "Gave up after 4 attempts" in Forwarding.objects.get(pk=order.pk).last_error
    assert Notification.objects.filter(member=admin, kind="provider_order_gave_up").count() == 1

    provider.api_url = simulator.url
    provider.save()
    forwarding.send_again(order_id=order.pk, by=admin)  # staff fixed it: a fresh set of attempts
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == State.SENT


def test_a_lost_reply_looked_up_without_end_is_given_up_too(funded, sold, simulator, clock, settings):
    settings.PROVIDER_MAX_SEND_ATTEMPTS = 3
    order = order_for(funded, sold)
    simulator.set_faults({"timeout": 1.0})  # every call times out

    for _ in range(8):
        forwarding.forward_due()
        clock.advance(timedelta(hours=1))

    row = Forwarding.objects.get(pk=order.pk)
    assert (row.state, row.attempts) == (State.ATTENTION, 3)
