from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from snshelper.wallet import services


@db_periodic_task(crontab(minute="*"))
def expire_unpaid_top_ups():
    services.expire_unpaid_top_ups()
