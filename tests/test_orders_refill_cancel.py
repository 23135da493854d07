"""Refills inside the refill window (one open at a time); cancels of unstarted orders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from snshelper.orders import errors, services
from snshelper.orders.models import CancelRequest, RefillRequest, RefillStatus, Status
from snshelper.orders.services import place_order, transition
from snshelper.wallet import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(funded, make_service):
    service = make_service(rate=Decimal("90"), refill_days=30, cancel_allowed=True)
    return place_order(member=funded, service=service, link="@somchai.shop", quantity=1000)


def test_refill_inside_the_window_one_open_at_a_time(order, clock, make_staff):
    staff, _ = make_staff("marketing")
    with pytest.raises(errors.RefillNotAvailable):
        services.request_refill(member=order.member, order=order)  # not completed yet
    transition(order=order, to=Status.COMPLETED, by=staff)
    refill = services.request_refill(member=order.member, order=order)
    with pytest.raises(errors.RefillNotAvailable):
        services.request_refill(member=order.member, order=order)
    services.handle_refill(refill=refill, to=RefillStatus.COMPLETED, by=staff)
    clock.advance(timedelta(days=29, hours=23))
    services.request_refill(member=order.member, order=order)  # a second, after the first closed
    assert RefillRequest.objects.count() == 2


def test_no_refill_after_the_window(order, clock):
    transition(order=order, to=Status.COMPLETED)
    clock.advance(timedelta(days=30, minutes=1))
    with pytest.raises(errors.RefillNotAvailable):
        services.request_refill(member=order.member, order=order)


def test_no_refill_for_a_service_without_one(funded, make_service):
    service = make_service(refill_days=None)
    order = place_order(member=funded, service=service, link="@somchai.shop", quantity=100)
    transition(order=order, to=Status.COMPLETED)
    with pytest.raises(errors.RefillNotAvailable):
        services.request_refill(member=funded, order=order)


def test_rejecting_a_refill_needs_a_reason(order, make_staff):
    staff, _ = make_staff("marketing")
    transition(order=order, to=Status.COMPLETED)
    refill = services.request_refill(member=order.member, order=order)
    with pytest.raises(errors.InvalidOrderFields):
        services.handle_refill(refill=refill, to=RefillStatus.REJECTED, by=staff)
    services.handle_refill(refill=refill, to=RefillStatus.REJECTED, by=staff, reason="Followers did not drop")
    refill.refresh_from_db()
    assert (refill.status, refill.reason) == ("Rejected", "Followers did not drop")


def test_cancel_request_accepted_refunds_in_full_once(order, make_staff):
    staff, _ = make_staff("marketing")
    request = services.request_cancel(member=order.member, order=order)
    with pytest.raises(errors.CancelNotAvailable):
        services.request_cancel(member=order.member, order=order)
    services.handle_cancel(cancel_request=request, accept=True, by=staff)
    services.handle_cancel(cancel_request=request, accept=True, by=staff)
    order.refresh_from_db()
    assert order.status == Status.CANCELED and selectors.balance(order.member) == Decimal("1000")


def test_cancel_request_rejected_keeps_the_order_and_says_why(order, make_staff):
    staff, _ = make_staff("marketing")
    request = services.request_cancel(member=order.member, order=order)
    services.handle_cancel(cancel_request=request, accept=False, by=staff, reason="Already delivering")
    request.refresh_from_db()
    assert (request.status, request.reason) == (CancelRequest.Status.REJECTED, "Already delivering")
    order.refresh_from_db()
    assert order.status == Status.PENDING


def test_no_cancel_once_started_or_when_the_service_forbids_it(order, funded, make_service):
    transition(order=order, to=Status.IN_PROGRESS, start_count=5)
    with pytest.raises(errors.CancelNotAvailable):
        services.request_cancel(member=funded, order=order)
    strict = make_service(cancel_allowed=False)
    other = place_order(member=funded, service=strict, link="@other.shop", quantity=100)
    with pytest.raises(errors.CancelNotAvailable):
        services.request_cancel(member=funded, order=other)


def test_a_member_cannot_ask_for_someone_elses_order(order, make_member):
    from snshelper.orders.models import Order

    with pytest.raises(Order.DoesNotExist):
        services.request_cancel(member=make_member(), order=order)
