"""The policy is what runs (P19): a system check that fails when a setting makes what runs differ
from the published policy. ``manage.py check``, ``migrate`` and every command that starts the site
or the worker run it, so a server whose settings promise something no version announced does not
start. Publishing a version (at least ``POLICY_NOTICE_DAYS`` ahead, with reasons) clears it; the
settings of an announced version that is not in force yet start with a warning.
"""

from django.core import checks
from django.db import DatabaseError

from snshelper.core import clock
from snshelper.privacy.models import PolicyVersion
from snshelper.privacy_rights.policy import facts

HOW = (
    "Publish a new version of the policy with the reasons (the privacy officer's page "
    "/staff/privacy/policy/, or `manage.py publish_policy`), at least POLICY_NOTICE_DAYS ahead, or "
    "set the setting back to what the policy says."
)


def _versions() -> list[PolicyVersion] | None:
    """The version in force and those announced after it; None when the database cannot tell
    (not migrated yet: ``migrate`` runs the checks before it creates the tables)."""
    try:
        now = clock.now()
        in_force = PolicyVersion.objects.filter(effective_at__lte=now).order_by("-number").first()
        later = PolicyVersion.objects.filter(effective_at__gt=now).order_by("number")
        return ([in_force] if in_force else []) + list(later)
    except DatabaseError:
        return None


@checks.register("privacy")
def policy_is_what_runs(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    published = _versions()
    if not published:
        return []  # nothing published yet: version 1 will be the policy as it runs
    latest = published[-1]
    if not latest.facts:
        return [
            checks.Error(
                f"Policy version {latest.number} was published before versions recorded the settings "
                "they promise, so what runs cannot be compared with it.",
                hint="Publish a new version (it records them), or, if the settings are unchanged since "
                f"version {latest.number}, record them with `manage.py publish_policy --record-settings`.",
                id="privacy.E002",
            )
        ]
    running = facts.running()
    in_force = published[0] if published[0].effective_at <= clock.now() and published[0].facts else None
    if in_force is not None and not facts.differences(in_force.facts, running):
        return []
    announced = [v for v in published if v is not in_force and v.effective_at > clock.now()]
    if any(not facts.differences(version.facts, running) for version in announced):
        return [  # the settings of an announced version, run before it takes effect
            checks.Warning(
                f"{difference.named} follows a policy version not in force yet; until it takes "
                f"effect, version {in_force.number} says {difference.published!r}.",
                hint="Keep the settings of the version in force until the new one takes effect.",
                id="privacy.W001",
            )
            for difference in (facts.differences(in_force.facts, running) if in_force else [])
        ]
    compared = in_force or latest
    where = "in force" if compared is in_force else "announced"
    return [
        checks.Error(
            _mismatch(difference, f"the policy {where} (version {compared.number})"),
            hint=HOW,
            id="privacy.E001",
        )
        for difference in facts.differences(compared.facts, running)
    ]


def _mismatch(difference: facts.Difference, policy: str) -> str:
    if difference.published is None:
        return f"{difference.named} is {difference.running!r}, but {policy} does not name it."
    if difference.running is None:
        return f"{difference.named} is named by {policy}, but it is no longer what runs."
    return f"{difference.named} is {difference.running!r}, but {policy} says {difference.published!r}."
