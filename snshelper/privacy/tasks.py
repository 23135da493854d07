"""The privacy kernel's jobs (Huey finds them here): the nightly retention sweep, and the targeted
VACUUM after personal data is removed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from snshelper.core import leases
from snshelper.privacy import sweeps, vacuum


@db_periodic_task(crontab(minute="30", hour="20"))  # 03:30 in Bangkok: Huey's crontab reads UTC
@leases.lease_task("privacy-retention-sweep", ttl=leases.ONE_GO_LEASE)
def retention_sweep():
    """Each night (P4, P6): what has passed its retention rule is deleted or anonymised, and logged."""
    sweeps.run()


@db_task(retries=2, retry_delay=300)
def vacuum_tables(tables: list[str]):
    """After a sweep or a withdrawal (P21 remnants): the removed rows' space is made reusable."""
    vacuum.vacuum(tables)
