"""The catalogue's own changes: the services kept for the order hot path are forgotten
(``selectors.orderable_service``)."""

from django.db.models.signals import post_delete, post_save

from snshelper.catalog import selectors
from snshelper.catalog.models import Category, Platform, Service


def forget_orderable(sender, **kwargs):
    selectors.forget_orderable()


for model in (Service, Category, Platform):
    for signal in (post_save, post_delete):
        signal.connect(
            forget_orderable,
            sender=model,
            dispatch_uid=f"snshelper.catalog.forget_orderable.{model.__name__}",
        )
