"""Catalogue management for administrators (staff.manage_catalog). Services and platforms are
disabled, never deleted, so orders keep their history."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from snshelper.catalog.models import Category, Platform, Service

MANAGE = "staff.manage_catalog"


class CatalogAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.has_perm(MANAGE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE)

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request, obj=None):
        return False  # disable instead: orders refer to what was sold


@admin.register(Platform)
class PlatformAdmin(CatalogAdmin):
    list_display = ["name_th", "code", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    fields = [
        "code",
        "name_th",
        "name_en",
        "name_ko",
        "link_pattern",
        "account_pattern",
        "sort_order",
        "is_active",
    ]


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["name_th", "name_en", "platform", "sort_order"]
    list_filter = ["platform"]


@admin.action(description=_("Disable the selected services (orders keep their history)"))
def disable_services(modeladmin, request, queryset):
    count = queryset.update(is_active=False)
    messages.success(
        request,
        ngettext("%(count)d service disabled.", "%(count)d services disabled.", count) % {"count": count},
    )


@admin.action(description=_("Enable the selected services"))
def enable_services(modeladmin, request, queryset):
    queryset.update(is_active=True)


@admin.register(Service)
class ServiceAdmin(CatalogAdmin):
    list_display = ["id", "name_th", "category", "type", "rate", "min_quantity", "max_quantity", "is_active"]
    list_filter = ["is_active", "type", "category__platform"]
    search_fields = ["name_th", "name_en", "name_ko", "id"]
    actions = [disable_services, enable_services]
    fieldsets = [
        (None, {"fields": ["category", "type", "is_active", "fulfilment"]}),
        (
            _("Names and descriptions"),
            {
                "fields": [
                    "name_th",
                    "name_en",
                    "name_ko",
                    "description_th",
                    "description_en",
                    "description_ko",
                ]
            },
        ),
        (_("Price and quantities"), {"fields": ["rate", "currency", "min_quantity", "max_quantity", "step"]}),
        (
            _("Rules"),
            {
                "fields": [
                    "refill_days",
                    "cancel_allowed",
                    "dripfeed_allowed",
                    "one_active_order_per_link",
                    "average_minutes",
                ]
            },
        ),
    ]
