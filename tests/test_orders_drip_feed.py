"""Drip-feed: runs scheduled at the interval, released by the queue when due, delivered by
staff; the last run completes the order; the order shows runs done."""

from datetime import timedelta
from decimal import Decimal

import pytest

from snshelper.orders import errors, services
from snshelper.orders.models import DripFeedRun, Status
from snshelper.orders.services import place_order, transition
from snshelper.orders.tasks import release_due_drip_feed_runs
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(funded, make_service):
    service = make_service(rate=Decimal("90"), dripfeed_allowed=True)
    return place_order(
        member=funded, service=service, link="@somchai.shop", quantity=100, runs=3, interval=60
    )


def test_runs_are_scheduled_and_released_as_their_time_comes(order, clock, make_staff):
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.IN_PROGRESS, by=staff, start_count=10)
    statuses = lambda: list(order.drip_runs.values_list("status", flat=True))  # noqa: E731
    assert statuses() == ["due", "scheduled", "scheduled"]
    clock.advance(timedelta(minutes=59))
    release_due_drip_feed_runs.call_local()
    assert statuses() == ["due", "scheduled", "scheduled"]
    clock.advance(timedelta(minutes=2))
    release_due_drip_feed_runs.call_local()
    assert statuses() == ["due", "due", "scheduled"]


def test_delivering_every_run_completes_the_order(order, clock, make_staff):
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.IN_PROGRESS, by=staff, start_count=10)
    third = order.drip_runs.get(number=3)
    with pytest.raises(errors.TransitionNotAllowed):
        services.deliver_run(run=third, by=staff)  # not due yet
    clock.advance(timedelta(hours=3))
    services.release_due_runs()
    for run in order.drip_runs.all():
        services.deliver_run(run=run, by=staff)
        services.deliver_run(run=run, by=staff)  # a double click counts once
    order.refresh_from_db()
    assert (order.runs_done, order.status) == (3, Status.COMPLETED)


def test_staff_deliver_due_runs_from_the_queue(client, order, make_staff):
    staff, secret = make_staff("marketing")
    transition(order=order, to=Status.IN_PROGRESS, by=staff, start_count=10)
    sign_in(client, staff.email, totp_secret=secret)
    run = order.drip_runs.get(number=1)
    assert f"run-{run.pk}" in client.get("/staff/orders/").content.decode()
    client.post(f"/staff/orders/runs/{run.pk}/")
    assert DripFeedRun.objects.get(pk=run.pk).status == "done"
    order.refresh_from_db()
    assert order.runs_done == 1 and order.status == Status.IN_PROGRESS
