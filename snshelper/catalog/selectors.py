"""Reads of the catalogue."""

from django.db.models import QuerySet

from snshelper.catalog.models import Service


def orderable_services() -> QuerySet[Service]:
    """Services a member can order now, in catalogue order."""
    return Service.objects.filter(is_active=True, category__platform__is_active=True).select_related(
        "category__platform"
    )


def orderable_service(service_id: int | None) -> Service | None:
    """The service with this id if a member can order it now (None: no such service)."""
    if service_id is None:
        return None
    return orderable_services().filter(pk=service_id).first()
