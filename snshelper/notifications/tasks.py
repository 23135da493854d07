"""Jobs of the notices: deliver after the notice commits, and every minute what is due again."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from snshelper.notifications import delivery


@db_task(retries=0)
def deliver_notices(delivery_ids: list[int]):
    for pk in delivery_ids:
        delivery.deliver(pk)


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("notices-deliver-due")
def deliver_due_notices():
    """Retries whose time has come, and deliveries whose job was lost (a crash, a restart)."""
    delivery.deliver_due()
