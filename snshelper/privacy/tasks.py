"""The privacy kernel's job (Huey finds it here): the nightly retention sweep."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from snshelper.privacy import sweeps


@db_periodic_task(crontab(minute="30", hour="20"))  # 03:30 in Bangkok: Huey's crontab reads UTC
@HUEY.lock_task("privacy-retention-sweep")
def retention_sweep():
    """Each night (P4, P6): what has passed its retention rule is deleted or anonymised, and logged."""
    sweeps.run()
