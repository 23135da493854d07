"""Jobs of the privacy features (Huey finds them here): each calls one service and stays thin.
The services ask for them by events (``signals.py`` → ``receivers.py``)."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from snshelper.core import leases
from snshelper.privacy import sweeps
from snshelper.privacy.models import BreachIncident, DataExport, PolicyVersion
from snshelper.privacy_rights.breaches import services as breaches
from snshelper.privacy_rights.desk import alerts
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.policy import versions

# --- "View" exports (P9) ------------------------------------------------------------------------


@db_task(retries=2, retry_delay=60)
def prepare_export(export_id: int):
    """Asked for by ``export.request_view`` once its transaction commits; the copy's destruction
    is scheduled for the moment its link expires."""
    found = DataExport.objects.filter(pk=export_id).first()
    if found is not None:
        found = export.prepare(found)
        destroy_expired_exports.schedule(eta=found.expires_at + EXPIRY_GRACE)


EXPIRY_GRACE = timedelta(seconds=1)  # "expired" is strictly after the moment


@db_task(retries=3, retry_delay=60)
def destroy_expired_exports():
    """At a link's expiry: the copies whose links have expired are destroyed, and logged (P4)."""
    sweeps.run(rules={"exports"})


@db_periodic_task(crontab(minute="*/10"))
@leases.lease_task("privacy-expired-exports", ttl=leases.ONE_GO_LEASE)
def destroy_expired_exports_missed():
    """What a lost scheduled job left: within ten minutes of the expiry, not at the night's sweep."""
    sweeps.run(rules={"exports"})


# --- Policy change notices (P19) ----------------------------------------------------------------


@db_task(retries=3, retry_delay=300)
def mail_policy_notices(version_id: int):
    """Asked for by ``versions.publish`` once its transaction commits; re-running tells no one twice."""
    version = PolicyVersion.objects.filter(pk=version_id).first()
    if version is not None:
        versions.mail_notices(version=version)


@db_periodic_task(crontab(minute="*/30"))
@leases.lease_task("privacy-policy-notices", ttl=leases.ONE_GO_LEASE)
def mail_unsent_policy_notices():
    """What a lost or failed job left unsent, for versions not yet in effect."""
    versions.mail_unsent_notices()


# --- Breach notices (P18) -----------------------------------------------------------------------


@db_task(retries=3, retry_delay=300)
def mail_breach_notices(incident_id: int):
    """Asked for by ``breaches.notify_members`` once its transaction commits; tells no one twice."""
    incident = BreachIncident.objects.filter(pk=incident_id).first()
    if incident is not None:
        breaches.mail_notices(incident=incident)


@db_periodic_task(crontab(minute="*/15"))
@leases.lease_task("privacy-breach-notices", ttl=leases.ONE_GO_LEASE)
def mail_unsent_breach_notices():
    """What a lost or failed job left unsent, for incidents still open."""
    breaches.mail_unsent_notices()


# --- Deadline alerts (P8, P9) -------------------------------------------------------------------


@db_periodic_task(crontab(minute="5"))
@leases.lease_task("privacy-deadline-alerts", ttl=leases.ONE_GO_LEASE)
def alert_deadlines():
    """Each hour: requests and questions on day 7 or 9 of their 10 alert the officer, once each."""
    alerts.make_alerts()
