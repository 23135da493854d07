"""The member's order pages: new order (with a live price), list and detail."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.orders import selectors, services
from snshelper.orders.errors import OrderError
from snshelper.orders.models import Status
from snshelper.orders.services import OrderRequest
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.errors import WalletError

TYPE_FIELDS = ("usernames", "answer_number")


def _request_from(data, service: Service) -> OrderRequest:
    return OrderRequest(
        service_id=service.pk,
        link=data.get("link", ""),
        quantity=data.get("quantity"),
        runs=data.get("runs") or None,
        interval=data.get("interval") or None,
        comments=data.get("comments", ""),
        type_fields={k: data[k] for k in TYPE_FIELDS if data.get(k)},
    )


def _price(service: Service | None, data) -> dict:
    """The price the member would pay for what they typed so far (None when not computable)."""
    if service is None:
        return {}
    try:
        if service.type == Service.Type.PACKAGE:
            charge = service.rate
        elif service.type == Service.Type.CUSTOM_COMMENTS:
            charge = service.price(len([c for c in data.get("comments", "").splitlines() if c.strip()]))
        else:
            runs = int(data.get("runs") or 1)
            charge = service.price(int(data.get("quantity") or 0)) * max(runs, 1)
    except ValueError:
        charge = None
    return {"charge": charge}


@login_required
def new(request):
    data = request.POST if request.method == "POST" else request.GET
    service = catalog.orderable_service(data.get("service"))
    error = ""
    if request.method == "POST":
        if service is None:
            error = str(_("Choose a service."))
        else:
            try:
                order = services.place_order(
                    member=request.user,
                    request=_request_from(data, service),
                    idempotency_key=data.get("idempotency_key", ""),
                )
            except (OrderError, WalletError) as refused:
                error = str(refused.message)
            else:
                messages.success(request, _("Order #%(number)s placed.") % {"number": order.pk})
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
        },
    )


@login_required
def price(request):
    """HTMX: the live price as the member types."""
    service = catalog.orderable_service(request.GET.get("service"))
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
    search, status = request.GET.get("q", ""), request.GET.get("status", "")
    page = Paginator(selectors.orders_for(request.user, search=search, status=status), 25).get_page(
        request.GET.get("page")
    )
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


@login_required
def detail(request, pk):
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "refill_until": services.refill_deadline(order),
            "can_cancel": order.service.cancel_allowed
            and order.status == Status.PENDING
            and not any(c.status == "pending" for c in order.cancel_requests.all()),
        },
    )
