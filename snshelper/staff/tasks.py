"""Jobs of the staff app (Huey finds them here): each calls one service and stays thin."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from snshelper.core import leases
from snshelper.staff import services


@db_periodic_task(crontab(minute="*"))
@leases.lease_task("staff-end-access", ttl=leases.ONE_GO_LEASE)
def end_access_at_hand_over():
    """Each minute: staff whose hand-over time has come lose access, their open work reassigned.
    (Requests are refused from that time anyway: the staff middleware checks it too.)"""
    services.end_due_access()
