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
from snshelper.core.form_fields import ChoiceForm, first_error, page_asked
from snshelper.providers import forwarding, selectors, services
from snshelper.providers.forms import ImportForm, MapForm, OrderActionForm, ProviderForm
from snshelper.providers.models import CatalogChange, Forwarding, Provider
from snshelper.providers.services import ProviderSetupError
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
                page_asked(request.GET, "attention_page")
            ),
            "changes": Paginator(selectors.pending_changes(), PER_PAGE).get_page(
                page_asked(request.GET, "changes_page")
            ),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@staff_page(ADMINISTRATOR)
def edit(request, pk=None):
    provider = get_object_or_404(Provider, pk=pk) if pk else None
    form = ProviderForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        try:
            if not form.is_valid():
                raise ProviderSetupError(first_error(form))
            provider = services.save_provider(provider=provider, **form.fields_for_service())
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
            "values": form.data if form.is_bound else _values(provider),
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
    form = ImportForm(request.POST, provider=provider)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("providers_staff:detail", provider.pk)
    chosen = form.cleaned_data
    try:
        created = services.add_to_catalog(
            provider_services=list(chosen["service"]),
            category=chosen["category"],
            markup_percent=chosen["markup_percent"],
            markup_fixed=chosen["markup_fixed"],
            rounding=chosen["rounding"] or None,
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
    form = MapForm(request.POST, provider=provider)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("providers_staff:detail", provider.pk)
    service, provider_service = form.cleaned_data["our_service"], form.cleaned_data["provider_service"]
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
        if ChoiceForm(request.POST, choices=("accept", "dismiss"), name="decision").chosen() == "accept":
            services.accept_change(change_id=pk, by=request.user)
        else:
            services.dismiss_change(change_id=pk, by=request.user)
        messages.success(request, _("Change handled."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("providers_staff:overview")


ORDER_ACTIONS = {
    "record": lambda request, pk, data: forwarding.record_external_id(
        order_id=pk, external_id=data["external_id"], by=request.user
    ),
    "resend": lambda request, pk, data: forwarding.send_again(order_id=pk, by=request.user),
    "manual": lambda request, pk, data: forwarding.move_to_manual(order_id=pk, by=request.user),
    "cancel": lambda request, pk, data: forwarding.cancel_unsent(
        order_id=pk, by=request.user, reason=data["reason"]
    ),
}


@staff_page(MARKETING, ADMINISTRATOR)
@require_POST
def order_action(request, pk):
    get_object_or_404(Forwarding, pk=pk)
    form = OrderActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("providers_staff:overview")
    try:
        ORDER_ACTIONS[form.cleaned_data["action"]](request, pk, form.cleaned_data)
    except DomainError as error:
        messages.error(request, _("Order #%(number)s: %(error)s") % {"number": pk, "error": error.message})
    else:
        messages.success(request, _("Order #%(number)s updated.") % {"number": pk})
    return redirect("providers_staff:overview")
