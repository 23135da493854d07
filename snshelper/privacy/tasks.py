"""Jobs of the privacy engine (Huey finds them here): each calls one service and stays thin."""


# --- "View" exports (privacy.export) ----------------------------------------------------------

from huey.contrib.djhuey import db_task  # noqa: E402


@db_task(retries=2, retry_delay=60)
def prepare_export(export_id: int):
    """Queued by ``export.request_view`` once its transaction commits."""
    from snshelper.privacy import export
    from snshelper.privacy.models import DataExport

    found = DataExport.objects.filter(pk=export_id).first()
    if found is not None:
        export.prepare(found)


# --- Policy change notices (privacy.versions, P19) ---------------------------------------------

from huey import crontab  # noqa: E402
from huey.contrib.djhuey import HUEY, db_periodic_task  # noqa: E402


@db_task(retries=3, retry_delay=300)
def mail_policy_notices(version_id: int):
    """Queued by ``versions.publish`` once its transaction commits; re-running tells no one twice."""
    from snshelper.privacy import versions
    from snshelper.privacy.models import PolicyVersion

    version = PolicyVersion.objects.filter(pk=version_id).first()
    if version is not None:
        versions.mail_notices(version=version)


@db_periodic_task(crontab(minute="*/30"))
@HUEY.lock_task("privacy-policy-notices")
def mail_unsent_policy_notices():
    """What a lost or failed job left unsent, for versions not yet in effect."""
    from snshelper.privacy import versions

    versions.mail_unsent_notices()


# --- Retention sweeps (privacy.sweeps, P4, P6) --------------------------------------------------


@db_periodic_task(crontab(minute="30", hour="20"))  # 03:30 in Bangkok: Huey's crontab reads UTC
@HUEY.lock_task("privacy-retention-sweep")
def retention_sweep():
    """Each night: what has passed its retention rule is deleted or anonymised, and logged."""
    from snshelper.privacy import sweeps

    sweeps.run()


# --- Breach notices (privacy.breaches, P18) ------------------------------------------------------


@db_task(retries=3, retry_delay=300)
def mail_breach_notices(incident_id: int):
    """Queued by ``breaches.notify_members`` once its transaction commits; tells no one twice."""
    from snshelper.privacy import breaches
    from snshelper.privacy.models import BreachIncident

    incident = BreachIncident.objects.filter(pk=incident_id).first()
    if incident is not None:
        breaches.mail_notices(incident=incident)


@db_periodic_task(crontab(minute="*/15"))
@HUEY.lock_task("privacy-breach-notices")
def mail_unsent_breach_notices():
    """What a lost or failed job left unsent, for incidents still open."""
    from snshelper.privacy import breaches

    breaches.mail_unsent_notices()
