"""The member's order pages: new order (with a live price), list and detail."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from snshelper.catalog import pricing
from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core import parse
from snshelper.core.form_fields import first_error
from snshelper.orders import selectors, services, subscriptions
from snshelper.orders.errors import OrderError
from snshelper.orders.forms import (
    OrderForm,
    OrderListForm,
    ServiceForm,
    SubscriptionActionForm,
    SubscriptionForm,
)
from snshelper.orders.models import Order, Status, SubscriptionStatus
from snshelper.privacy import restrictions
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.errors import WalletError

DELAY_CHOICES = (0, 5, 10, 15, 30, 60, 90, 120, 180, 240, 300, 360, 480, 600)  # minutes, as panels offer


def _form(service: Service, data) -> OrderForm | SubscriptionForm:
    """The form of the service's type: a subscription's fields, or an order's."""
    if service.type == Service.Type.SUBSCRIPTIONS:
        return SubscriptionForm(data, service=service)
    return OrderForm(data, service=service)


def _place(member, form: OrderForm | SubscriptionForm) -> Order:
    """Place what the (valid) form describes: an order, or a subscription (its anchor order)."""
    key = form.cleaned_data["idempotency_key"]
    if isinstance(form, SubscriptionForm):
        fields = form.subscription_arguments()
        return subscriptions.place_subscription(member=member, **fields, idempotency_key=key).order
    return services.place_order(member=member, **form.order_arguments(), idempotency_key=key)


def _price(service: Service | None, data) -> dict:
    """The price the member would pay for what they typed so far (None when not computable):
    ``catalog.pricing``'s, as ``place_order`` charges it."""
    if service is None:
        return {}
    form = _form(service, data)
    if isinstance(form, SubscriptionForm):  # charged per post, when it is recorded
        form.is_valid()
        low, high = form.cleaned_data.get("min"), form.cleaned_data.get("max")
        if low is None or high is None or not 0 < low <= high:
            return {"charge": None}
        return {"per_post": tuple(pricing.charge(service=service, quantity=q) for q in (low, high))}
    fields = form.price_arguments()
    return {"charge": None if fields is None else pricing.quote(service=service, **fields)}


@login_required
def new(request):
    data = request.POST if request.method == "POST" else request.GET
    service = ServiceForm(data).chosen()
    error = ""
    if request.method == "POST":
        form = _form(service, data) if service is not None else None
        if form is None:
            error = str(_("Choose a service."))
        elif not form.is_valid():
            error = first_error(form)
        else:
            try:
                order = _place(request.user, form)
            except (OrderError, WalletError) as refused:
                error = str(refused.message)
            else:
                if service.type == Service.Type.SUBSCRIPTIONS:
                    placed = _("Subscription #%(number)s placed: each post is charged when it is ordered.")
                else:
                    placed = _("Order #%(number)s placed.")
                messages.success(request, placed % {"number": order.pk})
                return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/new.html",
        {
            "services": catalog.orderable_services(),
            "service": service,
            "data": data,
            "error": error,
            "price": _price(service, data),
            "balance": wallet_selectors.balance(request.user),
            "idempotency_key": data.get("idempotency_key") or uuid.uuid4().hex,
            "delay_choices": DELAY_CHOICES,
        },
    )


@login_required
def price(request):
    """HTMX: the live price as the member types."""
    service = ServiceForm(request.GET).chosen()
    return render(
        request,
        "orders/_price.html",
        {
            "price": _price(service, request.GET),
            "service": service,
            "balance": wallet_selectors.balance(request.user),
        },
    )


@login_required
def order_list(request):
    query = OrderListForm(request.GET)
    search, status = query.value("q", ""), query.value("status", "")
    orders = selectors.orders_for(request.user, search=parse.search(search), status=status)
    page = Paginator(orders, 25).get_page(query.value("page"))
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "q": search,
            "status": status,
            "statuses": Status.choices,
        },
    )


SUBSCRIPTION_ACTIONS = {
    "pause": (
        subscriptions.pause,
        _lazy("Subscription paused: no new posts are ordered until you resume it."),
    ),
    "resume": (subscriptions.resume, _lazy("Subscription resumed.")),
    "cancel": (subscriptions.cancel_subscription, _lazy("Subscription canceled.")),
}


def _act_on_subscription(request, subscription) -> None:
    form = SubscriptionActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return
    action, done = SUBSCRIPTION_ACTIONS[form.cleaned_data["action"]]
    try:
        action(subscription=subscription, member=request.user)
    except OrderError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, done)


@login_required
def detail(request, pk):
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    subscription = subscriptions.subscription_of(order)
    if request.method == "POST":  # the subscription's pause, resume and cancel buttons
        if subscription is None:
            return HttpResponseNotAllowed(["GET"])
        _act_on_subscription(request, subscription)
        return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "subscription": subscription,
            "child_orders": subscriptions.child_orders(subscription) if subscription else None,
            "short_of_funds": subscription is not None
            and subscription.status == SubscriptionStatus.PAUSED
            and subscription.reason == subscriptions.SHORT_OF_FUNDS,
            "refill_until": None if subscription else services.refill_deadline(order),
            # P9: a provider's order waits while the member's processing is stopped; say why.
            "held_while_suspended": order.status == Status.PENDING
            and order.service.by_provider
            and restrictions.processing_suspended(request.user),
            "can_cancel": subscription is None
            and order.service.cancel_allowed
            and order.status == Status.PENDING
            and not any(c.status == "pending" for c in order.cancel_requests.all()),
        },
    )
