"""Periodic job of subscription orders (imported by ``tasks`` so that djhuey finds it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from snshelper.orders import subscriptions


@db_periodic_task(crontab(minute="*"))
def expire_due_subscriptions():
    """Each minute, subscriptions past their expiry date become Expired."""
    subscriptions.expire_due()
