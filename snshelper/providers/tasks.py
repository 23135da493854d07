"""Jobs of the providers app: forwarding after commit, and the periodic sweeps and syncs."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from snshelper.providers import forwarding, services
from snshelper.providers.models import Provider


@db_task(retries=0)
def forward_order(order_id: int):
    """Queued by place_order after its transaction commits."""
    forwarding.forward(order_id)


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("providers-forward-due")
def forward_due_orders():
    """Orders whose send is due (retries with backoff, lookups, ones whose job was lost)."""
    forwarding.forward_due()


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("providers-sync")
def sync_with_providers():
    """Each minute: statuses (100 orders a call), refills and cancels passed on and followed."""
    for provider in Provider.objects.filter(is_active=True):
        forwarding.sync_statuses(provider)
        forwarding.forward_refills(provider)
        forwarding.sync_refills(provider)
        forwarding.forward_cancels(provider)
    forwarding.close_cancel_requests()


@db_periodic_task(crontab(minute="*/10"))
def refresh_provider_balances():
    for provider in Provider.objects.filter(is_active=True):
        services.refresh_balance(provider)


@db_periodic_task(crontab(minute="17", hour="*/6"))
def sync_provider_catalogues():
    """Four times a day: price and availability changes, reported and handled by rule."""
    for provider in Provider.objects.filter(is_active=True):
        try:
            services.sync_services(provider)
        except services.ProviderUnavailable:
            continue  # recorded in the provider's call log; the next run tries again
