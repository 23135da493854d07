from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from snshelper.orders import notices, services


@db_task(retries=2, retry_delay=30)
def notify_order_transitions(transition_ids: list[int]):
    """The notices of status changes that just committed (one job per batch)."""
    notices.notify_transitions(transition_ids)


@db_periodic_task(crontab(minute="*"))
def release_due_drip_feed_runs():
    """Each minute, drip-feed runs whose time has come join the staff queue."""
    services.release_due_runs()


from snshelper.orders import subscription_tasks  # noqa: E402, F401  (djhuey finds only `tasks`)
