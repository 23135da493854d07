"""Reads of the catalogue."""

from django.db.models import QuerySet

from snshelper.catalog.models import Service


def orderable_services() -> QuerySet[Service]:
    """Services a member can order now, in catalogue order."""
    return Service.objects.filter(is_active=True, category__platform__is_active=True).select_related(
        "category__platform"
    )


def orderable_service(service_id) -> Service | None:
    try:
        return orderable_services().filter(pk=int(service_id)).first()
    except (TypeError, ValueError):
        return None
