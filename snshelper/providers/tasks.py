"""Jobs of the providers app: forwarding after commit, and the periodic sweeps and syncs."""

from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from snshelper.core import leases
from snshelper.providers import forwarding, services
from snshelper.providers.models import Provider


@db_task(retries=0)
def forward_order(order_id: int):
    """Queued by place_order after its transaction commits."""
    forwarding.forward(order_id)


# Leases, not locks that never expire (issue 16): a run renews its lease after each batch, so the
# lease only has to outlast one batch (a few provider calls, each at most the provider's timeout);
# a worker killed mid-run stops renewing and the next run proceeds once the lease lapses.
FORWARD_DUE_LEASE = "providers-forward-due"
SYNC_LEASE = "providers-sync"
LEASE_TTL = timedelta(seconds=settings.JOB_LEASE_SECONDS)


@db_periodic_task(crontab(minute="*"))
def forward_due_orders():
    """Orders whose send is due (retries with backoff, lookups, ones whose job was lost)."""
    with leases.held(FORWARD_DUE_LEASE, ttl=LEASE_TTL) as lease:
        if lease is not None:
            forwarding.forward_due(on_batch=lease.renew)


@db_periodic_task(crontab(minute="*"))
def sync_with_providers():
    """Each minute: statuses (100 orders a call), refills and cancels passed on and followed."""
    with leases.held(SYNC_LEASE, ttl=LEASE_TTL) as lease:
        if lease is None:
            return
        for provider in Provider.objects.filter(is_active=True):
            forwarding.sync_statuses(provider)
            forwarding.forward_refills(provider)
            forwarding.sync_refills(provider)
            forwarding.forward_cancels(provider)
            lease.renew()
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
