"""The manual fulfilment queue for marketing staff: an order's link and quantity, never the
member's contact or bank details."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.form_fields import first_error, page_asked
from snshelper.orders import services, staff_selectors, subscriptions
from snshelper.orders.errors import OrderError
from snshelper.orders.forms import (
    CancelHandlingForm,
    FulfilForm,
    QueueFilterForm,
    RefillHandlingForm,
    SubscriptionWorkForm,
)
from snshelper.orders.models import ACTIVE, CancelRequest, DripFeedRun, Order, RefillRequest
from snshelper.staff.access import staff_page
from snshelper.staff.roles import MARKETING
from snshelper.wallet.errors import InsufficientFunds

ORDERS_PER_PAGE = 50
REQUESTS_PER_PAGE = 20  # cancel and refill requests, drip-feed runs, subscriptions: each list apart


def _page(request, rows, param: str, size: int = REQUESTS_PER_PAGE):
    return Paginator(rows, size).get_page(page_asked(request.GET, param))


@staff_page(MARKETING)
def queue(request):
    """Every list paginated by its own parameter, so the page's size does not grow with the
    shop; the page links keep the filters and the other lists' pages."""
    filters = QueueFilterForm(request.GET)
    found = filters.filters()
    return render(
        request,
        "orders/staff/queue.html",
        {
            "page": _page(request, staff_selectors.manual_queue(**found), "page", ORDERS_PER_PAGE),
            "filters": filters,
            "q": found["search"],
            "status": found["status"],
            "statuses": [(s.value, s.label) for s in ACTIVE],
            "refills": _page(request, staff_selectors.open_refills(), "refills_page"),
            "cancels": _page(request, staff_selectors.open_cancel_requests(), "cancels_page"),
            "runs": _page(request, staff_selectors.due_drip_runs(), "runs_page"),
            "subscriptions": _page(request, staff_selectors.active_subscriptions(), "subscriptions_page"),
        },
    )


@staff_page(MARKETING)
@require_POST
def act(request, pk):
    order = get_object_or_404(Order, pk=pk)
    subscription = subscriptions.subscription_of(order)
    if subscription is not None:  # a subscription is worked by recording posts, never started
        _act_on_subscription(request, subscription)
        return redirect("orders_staff:queue")
    form = FulfilForm(request.POST)
    try:
        if not form.is_valid():
            raise OrderError(first_error(form))
        services.fulfil(order=order, by=request.user, **form.cleaned_data)
        messages.success(request, _("Order #%(number)s updated.") % {"number": order.pk})
    except OrderError as error:
        messages.error(
            request, _("Order #%(number)s: %(error)s") % {"number": order.pk, "error": error.message}
        )
    return redirect("orders_staff:queue")


def _act_on_subscription(request, subscription) -> None:
    number, form = subscription.pk, SubscriptionWorkForm(request.POST)
    try:
        if not form.is_valid():
            raise OrderError(first_error(form))
        work = form.cleaned_data
        if work["action"] == "record_post":
            child = subscriptions.record_post(
                subscription=subscription,
                link=work["link"],
                quantity=work["quantity"],
                existing=work["existing"],
                by=request.user,
            )
            messages.success(
                request,
                _("Subscription #%(number)s: order #%(child)s placed for the post.")
                % {"number": number, "child": child.pk},
            )
        elif work["action"] == "cancel":
            subscriptions.cancel_subscription(
                subscription=subscription, by=request.user, reason=work["reason"]
            )
            messages.success(request, _("Subscription #%(number)s canceled.") % {"number": number})
        else:
            raise OrderError
    except InsufficientFunds:
        messages.error(
            request,
            _(
                "Subscription #%(number)s: not enough funds on the member's balance. The subscription "
                "is paused until the member tops up and resumes it; record the post again then."
            )
            % {"number": number},
        )
    except OrderError as error:
        messages.error(
            request, _("Subscription #%(number)s: %(error)s") % {"number": number, "error": error.message}
        )


@staff_page(MARKETING)
@require_POST
def refill(request, pk):
    refill_request = get_object_or_404(RefillRequest, pk=pk)
    form = RefillHandlingForm(request.POST)
    try:
        if not form.is_valid():
            raise OrderError(first_error(form))
        services.handle_refill(refill=refill_request, by=request.user, **form.cleaned_data)
        messages.success(request, _("Refill #%(number)s updated.") % {"number": refill_request.pk})
    except OrderError as error:
        messages.error(request, str(error.message))
    return redirect("orders_staff:queue")


@staff_page(MARKETING)
@require_POST
def cancel(request, pk):
    cancel_request = get_object_or_404(CancelRequest, pk=pk)
    form = CancelHandlingForm(request.POST)
    try:
        if not form.is_valid():
            raise OrderError(first_error(form))
        services.handle_cancel(cancel_request=cancel_request, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("Cancel request for order #%(number)s handled.") % {"number": cancel_request.order_id}
        )
    except OrderError as error:
        messages.error(request, str(error.message))
    return redirect("orders_staff:queue")


@staff_page(MARKETING)
@require_POST
def deliver_run(request, pk):
    run = get_object_or_404(DripFeedRun, pk=pk)
    try:
        services.deliver_run(run=run, by=request.user)
        messages.success(
            request,
            _("Order #%(number)s: run %(run)s delivered.") % {"number": run.order_id, "run": run.number},
        )
    except OrderError as error:
        messages.error(request, str(error.message))
    return redirect("orders_staff:queue")
