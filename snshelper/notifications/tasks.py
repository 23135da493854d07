"""Jobs of the notices: deliver after the notice commits, and every minute what is due again."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from snshelper.core import leases
from snshelper.notifications import delivery


@db_task(retries=0)
def deliver_notices(delivery_ids: list[int]):
    for pk in delivery_ids:
        delivery.deliver(pk)


@db_periodic_task(crontab(minute="*"))
@leases.lease_task("notices-deliver-due", ttl=leases.ONE_GO_LEASE)
def deliver_due_notices():
    """Retries whose time has come, and deliveries whose job was lost (a crash, a restart)."""
    delivery.deliver_due()
