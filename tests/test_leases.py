"""Work that resumes by itself (issue 16 point 10): the periodic jobs' locks are leases, so a run
whose worker was killed (its lock never released) stops blocking the job once the lease lapses."""

from datetime import timedelta

import pytest

from snshelper.core import leases
from snshelper.orders.models import Order, Status
from snshelper.providers import forwarding
from snshelper.providers import tasks as provider_tasks
from snshelper.providers.models import Forwarding
from snshelper.staff import tasks as staff_tasks
from tests.test_providers_sync import place, sold_as

TTL = provider_tasks.LEASE_TTL


def a_dead_run_holds(name: str, ttl: timedelta = TTL) -> leases.Lease:
    """Take the lease as a consumer killed mid-run would have: taken, never renewed nor released."""
    lease = leases.acquire(name, ttl=ttl)
    assert lease is not None
    return lease


@pytest.fixture
def completed_at_provider(funded, provider, simulator, clock):
    """An order sent to the provider, which has since completed it; our side still says Pending."""
    order = place(funded, sold_as(provider, "101"))
    clock.advance(timedelta(minutes=1))
    forwarding.forward_due()
    simulator.advance(24 * 3600)
    assert Order.objects.get(pk=order.pk).status == Status.PENDING
    return order


@pytest.mark.django_db
def test_sync_skips_while_a_dead_runs_lease_is_fresh_and_proceeds_once_it_lapses(
    completed_at_provider, clock
):
    order = completed_at_provider
    a_dead_run_holds(provider_tasks.SYNC_LEASE)

    clock.advance(TTL - timedelta(seconds=1))
    provider_tasks.sync_with_providers.call_local()  # the lease is still fresh: skipped
    assert Order.objects.get(pk=order.pk).status == Status.PENDING

    clock.advance(timedelta(seconds=2))  # past the lease's expiry, nobody renewed it
    provider_tasks.sync_with_providers.call_local()
    assert Order.objects.get(pk=order.pk).status == Status.COMPLETED
    assert leases.last_success(provider_tasks.SYNC_LEASE) == clock.now()


@pytest.mark.django_db
def test_forwarding_pass_skips_while_a_dead_runs_lease_is_fresh_and_proceeds_once_it_lapses(
    funded,
    provider,
    clock,
):
    order = place(funded, sold_as(provider, "101"))  # its job lost: only the sweep sends it
    clock.advance(timedelta(minutes=1))
    a_dead_run_holds(provider_tasks.FORWARD_DUE_LEASE)

    provider_tasks.forward_due_orders.call_local()
    assert Forwarding.objects.get(pk=order.pk).state == "queued"

    clock.advance(TTL + timedelta(seconds=1))
    provider_tasks.forward_due_orders.call_local()
    assert Forwarding.objects.get(pk=order.pk).state == "sent"


@pytest.mark.django_db
def test_a_run_that_renews_keeps_its_lease_and_one_that_lost_it_stops(clock):
    running = leases.acquire("job", ttl=TTL)
    clock.advance(TTL - timedelta(minutes=1))
    running.renew()  # after a batch
    clock.advance(timedelta(minutes=2))  # past the first expiry, within the renewed one
    assert leases.acquire("job", ttl=TTL) is None

    clock.advance(TTL)  # the run stopped renewing (its worker died): the next run takes over
    assert leases.acquire("job", ttl=TTL) is not None
    with pytest.raises(leases.LeaseLost):
        running.renew()  # the old run, if it was only slow, stops instead of running twice


@pytest.mark.django_db
def test_forwarding_renews_its_lease_per_batch(funded, provider, clock):
    service = sold_as(provider, "101")
    for n in range(3):
        place(funded, service, n=n + 1)
    clock.advance(timedelta(minutes=1))
    renewals = []
    assert forwarding.forward_due(on_batch=lambda: renewals.append(1), batch=1) == 3
    assert len(renewals) == 3


@pytest.mark.django_db
def test_a_failed_run_frees_its_lease_at_once_and_records_no_success(clock):
    with pytest.raises(RuntimeError), leases.held("job", ttl=TTL) as lease:
        assert lease is not None
        raise RuntimeError("provider exploded")
    assert leases.last_success("job") is None
    assert leases.acquire("job", ttl=TTL) is not None  # no wait for the expiry


@pytest.mark.django_db
def test_the_other_locked_jobs_are_leases_too(clock, monkeypatch):
    ran = []
    monkeypatch.setattr(staff_tasks.services, "end_due_access", lambda: ran.append("ran"))
    a_dead_run_holds("staff-end-access", ttl=leases.ONE_GO_LEASE)
    staff_tasks.end_access_at_hand_over.call_local()
    assert ran == []  # skipped while the dead run's lease is fresh
    clock.advance(leases.ONE_GO_LEASE + timedelta(seconds=1))
    staff_tasks.end_access_at_hand_over.call_local()
    assert ran == ["ran"]
    assert leases.last_success("staff-end-access") == clock.now()
