"""Staff pages for upstream providers: their health, orders needing a person, catalogue import
and the changes a re-sync found. Administrators manage providers; marketing staff see and settle
the orders that did not go through."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.catalog.models import Category, Service
from snshelper.core.errors import DomainError
from snshelper.providers import forwarding, selectors, services
from snshelper.providers.models import CatalogChange, Forwarding, Provider
from snshelper.staff.access import staff_page
from snshelper.staff.roles import ADMINISTRATOR, MARKETING

MANAGE = "staff.manage_providers"
PROVIDER_FIELDS = (
    "name",
    "api_url",
    "currency",
    "exchange_rate",
    "timeout_seconds",
    "markup_percent",
    "markup_fixed",
)


PER_PAGE = 50


@staff_page(MARKETING, ADMINISTRATOR)
def overview(request):
    return render(
        request,
        "providers/overview.html",
        {
            "health": selectors.health(),
            # Paginated, each list by its own parameter (the links keep the other's page).
            "attention": Paginator(selectors.needing_attention(), PER_PAGE).get_page(
                request.GET.get("attention_page")
            ),
            "changes": Paginator(selectors.pending_changes(), PER_PAGE).get_page(
                request.GET.get("changes_page")
            ),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@staff_page(ADMINISTRATOR)
def edit(request, pk=None):
    provider = get_object_or_404(Provider, pk=pk) if pk else None
    data = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            provider = services.save_provider(
                provider=provider,
                api_key=data.get("api_key", ""),
                supports_idempotency=data.get("supports_idempotency") == "on",
                price_changes=data.get("price_changes") or Provider.PriceChanges.REVIEW,
                rounding=data.get("rounding") or Service.Rounding.CENTS,
                is_active=data.get("is_active", "on") == "on",
                **{name: data.get(name, "") for name in PROVIDER_FIELDS},
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Provider %(name)s saved.") % {"name": provider.name})
            return redirect("providers_staff:detail", provider.pk)
    return render(
        request,
        "providers/edit.html",
        {
            "provider": provider,
            "values": data or _values(provider),
            "price_changes": Provider.PriceChanges.choices,
            "roundings": Service.Rounding.choices,
        },
    )


def _values(provider: Provider | None) -> dict:
    if provider is None:
        return {
            "currency": "USD",
            "exchange_rate": "1",
            "timeout_seconds": "20",
            "markup_percent": "30",
            "markup_fixed": "0",
            "is_active": "on",
        }
    values = {name: getattr(provider, name) for name in PROVIDER_FIELDS}
    values.update(
        supports_idempotency="on" if provider.supports_idempotency else "",
        is_active="on" if provider.is_active else "",
        price_changes=provider.price_changes,
        rounding=provider.rounding,
    )
    return values


@staff_page(ADMINISTRATOR)
def detail(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    return render(
        request,
        "providers/detail.html",
        {
            "provider": provider,
            "catalogue": selectors.catalogue(provider),
            "changes": selectors.recent_changes(provider),
            "profit": selectors.profit(provider),
            "categories": Category.objects.select_related("platform"),
            "our_services": Service.objects.select_related("category__platform", "provider_service").exclude(
                type=Service.Type.SUBSCRIPTIONS
            ),
            "roundings": Service.Rounding.choices,
        },
    )


@staff_page(ADMINISTRATOR)
@require_POST
def sync(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    try:
        changes = services.sync_services(provider)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        services.refresh_balance(provider)
        messages.success(request, _("Catalogue synced: %(count)d changes found.") % {"count": len(changes)})
    return redirect("providers_staff:detail", provider.pk)


@staff_page(ADMINISTRATOR)
@require_POST
def import_services(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    chosen = list(provider.services.filter(pk__in=request.POST.getlist("service")))
    category = Category.objects.filter(pk=request.POST.get("category") or 0).first()
    if not chosen or category is None:
        messages.error(request, _("Choose at least one service and one of our categories."))
        return redirect("providers_staff:detail", provider.pk)
    try:
        created = services.add_to_catalog(
            provider_services=chosen,
            category=category,
            markup_percent=request.POST.get("markup_percent"),
            markup_fixed=request.POST.get("markup_fixed"),
            rounding=request.POST.get("rounding"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)d services added to the catalogue. Give them Thai and Korean names in the catalogue.")
            % {"count": len(created)},
        )
    return redirect("providers_staff:detail", provider.pk)


@staff_page(ADMINISTRATOR)
@require_POST
def map_service(request, pk):
    """Fulfil one of our existing services by one of this provider's (or by our staff again)."""
    provider = get_object_or_404(Provider, pk=pk)
    service = Service.objects.filter(pk=request.POST.get("our_service") or 0).first()
    chosen = request.POST.get("provider_service", "")
    provider_service = provider.services.filter(pk=chosen).first() if chosen not in ("", "manual") else None
    if service is None or (chosen != "manual" and provider_service is None):
        messages.error(request, _("Choose one of our services and one of the provider's (or our staff)."))
        return redirect("providers_staff:detail", provider.pk)
    try:
        services.map_service(service=service, provider_service=provider_service)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(service)s is now fulfilled by %(by)s. Orders already placed keep their way.")
            % {"service": service.name, "by": provider_service.name if provider_service else _("our staff")},
        )
    return redirect("providers_staff:detail", provider.pk)


@staff_page(ADMINISTRATOR)
@require_POST
def change(request, pk):
    get_object_or_404(CatalogChange, pk=pk)
    try:
        if request.POST.get("decision") == "accept":
            services.accept_change(change_id=pk, by=request.user)
        else:
            services.dismiss_change(change_id=pk, by=request.user)
        messages.success(request, _("Change handled."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("providers_staff:overview")


ORDER_ACTIONS = {
    "record": lambda request, pk: forwarding.record_external_id(
        order_id=pk, external_id=request.POST.get("external_id", ""), by=request.user
    ),
    "resend": lambda request, pk: forwarding.send_again(order_id=pk, by=request.user),
    "manual": lambda request, pk: forwarding.move_to_manual(order_id=pk, by=request.user),
    "cancel": lambda request, pk: forwarding.cancel_unsent(
        order_id=pk, by=request.user, reason=request.POST.get("reason", "")
    ),
}


@staff_page(MARKETING, ADMINISTRATOR)
@require_POST
def order_action(request, pk):
    get_object_or_404(Forwarding, pk=pk)
    action = ORDER_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with the order."))
        return redirect("providers_staff:overview")
    try:
        action(request, pk)
    except DomainError as error:
        messages.error(request, _("Order #%(number)s: %(error)s") % {"number": pk, "error": error.message})
    else:
        messages.success(request, _("Order #%(number)s updated.") % {"number": pk})
    return redirect("providers_staff:overview")
