"""Policy versions and change notices (P19).

A version keeps the generated policy text of every language as it was published, with its effective
date, the reasons for the change, a summary of it, and the facts the settings promised (periods,
officer, cookies, recipients: ``facts.py``); the policy page shows the facts of the version in
force, and a setting that leaves every version behind stops the site from starting (``checks.py``).
Publishing tells every active member before the version takes effect: a banner shown on the site
until they dismiss it (``PolicyChangeNotice``), and a notice through the notification service
(``privacy.notices``: the notification centre, email and LINE, in their language). Earlier versions
stay readable, with a diff against the one before.
"""

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from snshelper.accounts.models import Member
from snshelper.core import clock, dates, events
from snshelper.core.errors import DomainError
from snshelper.privacy.models import PolicyChangeNotice, PolicyVersion
from snshelper.privacy_rights import signals
from snshelper.privacy_rights.notices import POLICY_CHANGE, send_banner_notices
from snshelper.privacy_rights.policy import document as policy
from snshelper.privacy_rights.policy import facts as policy_facts

NOTICE_BATCH = 1000
DIFF_CONTEXT = 2  # unchanged lines shown around each change
_MARK = {"diff-removed": "<del>{}</del>", "diff-added": "<ins>{}</ins>"}


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class PolicyPublishRefused(DomainError):
    message = gettext_lazy("This version cannot be published.")


# --- Reads -------------------------------------------------------------------------------------


def current_version() -> PolicyVersion | None:
    """The version in force now (its texts are read only when asked for)."""
    return (
        PolicyVersion.objects.filter(effective_at__lte=clock.now()).defer("texts").order_by("-number").first()
    )


def upcoming_version() -> PolicyVersion | None:
    """The next published version that has not taken effect yet."""
    return (
        PolicyVersion.objects.filter(effective_at__gt=clock.now()).defer("texts").order_by("number").first()
    )


def history() -> list[PolicyVersion]:
    return list(PolicyVersion.objects.defer("texts").order_by("-number"))


def previous_of(version: PolicyVersion) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(number__lt=version.number).order_by("-number").first()


def localized(mapping: dict, language: str) -> str:
    """A version's text, reasons or summary in ``language``, else in the site's default language."""
    return mapping.get(language) or mapping.get(settings.LANGUAGE_CODE) or ""


def text_of(version: PolicyVersion, language: str) -> str:
    return localized(version.texts, language)


def generated_texts() -> dict[str, str]:
    """The policy as the registry, rules and settings generate it today, in every language."""
    running = policy_facts.Facts(policy_facts.running())
    return {language: policy.render_text(language, running) for language in languages()}


def facts_of(version: PolicyVersion | None) -> policy_facts.Facts:
    """What a version promised (what runs, for a version that did not record it)."""
    return policy_facts.Facts(version.facts if version is not None else None)


def unpublished_differences(version: PolicyVersion | None = None) -> list[policy_facts.Difference]:
    """What runs and the latest version (or ``version``) do not agree on."""
    version = version or PolicyVersion.objects.defer("texts").order_by("-number").first()
    if version is None:
        return []
    return policy_facts.differences(version.facts, policy_facts.running())


def changed_languages(version: PolicyVersion | None, texts: dict[str, str] | None = None) -> list[str]:
    """Languages whose generated text differs from ``version``'s."""
    texts = texts if texts is not None else generated_texts()
    if version is None:
        return list(texts)
    return [language for language, text in texts.items() if version.texts.get(language) != text]


def earliest_effective_at() -> datetime:
    return clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS)


@dataclass(frozen=True)
class Banner:
    """What the on-site notice of a policy change says to the person reading the page."""

    number: int
    effective_at: datetime
    upcoming: bool
    summary: str
    notice_id: int | None  # a signed-in member's notice, which they can dismiss


def banner_for(user, language: str) -> Banner | None:
    """One query: the member's latest unseen notice, or for a visitor the upcoming version."""
    now = clock.now()
    if user.is_authenticated:
        notice = (
            PolicyChangeNotice.objects.filter(member=user, seen_at__isnull=True)
            .select_related("version")
            .defer("version__texts")
            .order_by("-version__number")
            .first()
        )
        version, notice_id = (notice.version, notice.pk) if notice else (None, None)
    else:
        version, notice_id = upcoming_version(), None
    if version is None:
        return None
    return Banner(
        number=version.number,
        effective_at=version.effective_at,
        upcoming=version.effective_at > now,
        summary=localized(version.summary, language),
        notice_id=notice_id,
    )


# --- The diff ----------------------------------------------------------------------------------


def diff(older: PolicyVersion, newer: PolicyVersion, language: str) -> SafeString:
    return diff_texts(text_of(older, language), text_of(newer, language))


def diff_texts(old: str, new: str) -> SafeString:
    """Changed lines with a little context: removals struck through, additions marked, all escaped."""
    old_lines = [line for line in old.splitlines() if line.strip()]
    new_lines = [line for line in new.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(DIFF_CONTEXT))
    if not groups:
        return format_html('<p class="policy-diff-none">{}</p>', _("No changes in this language."))
    rows = []
    for number, group in enumerate(groups):
        if number:
            rows.append(("diff-gap", "", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("diff-same", "", line) for line in old_lines[i1:i2])
                continue
            rows.extend(("diff-removed", _("Removed:"), line) for line in old_lines[i1:i2])
            rows.extend(("diff-added", _("Added:"), line) for line in new_lines[j1:j2])
    items = format_html_join(
        "\n",
        '<li class="{}"><span class="visually-hidden">{} </span>{}</li>',
        ((css, label, format_html(_MARK.get(css, "{}"), line)) for css, label, line in rows),
    )
    return format_html('<ul class="policy-diff">\n{}\n</ul>', items)


# --- Writes ------------------------------------------------------------------------------------


def ensure_initial_version() -> PolicyVersion:
    """The policy as first generated is version 1, in force at once: there was nothing to change."""
    version = PolicyVersion.objects.defer("texts").order_by("-number").first()
    if version is not None:
        return version
    now = clock.now()
    try:
        with transaction.atomic():
            return PolicyVersion.objects.create(
                number=1,
                published_at=now,
                effective_at=now,
                texts=generated_texts(),
                facts=policy_facts.running(),
            )
    except IntegrityError:  # another request made it first
        return PolicyVersion.objects.get(number=1)


@transaction.atomic
def record_settings() -> PolicyVersion:
    """For a version published before versions recorded their facts: record what runs now as what
    it promised. Only an operator who knows the settings did not change since may do this."""
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    if latest is None:
        return ensure_initial_version()
    if latest.facts:
        raise PolicyPublishRefused(
            _("Version %(number)s has recorded its settings already.") % {"number": latest.number}
        )
    latest.facts = policy_facts.running()
    latest.save(update_fields=["facts"])
    return latest


def _filled(mapping: dict | None) -> dict[str, str]:
    return {language: (mapping or {}).get(language, "").strip() for language in languages()}


@transaction.atomic
def publish(*, by, effective_at: datetime, reasons: dict[str, str], summary: dict[str, str]) -> PolicyVersion:
    """Publish the policy as generated now, to take effect at ``effective_at``; tell every member."""
    reasons, summary = _filled(reasons), _filled(summary)
    earliest = earliest_effective_at()
    if effective_at < earliest:
        raise PolicyPublishRefused(
            _("Members must be told at least %(days)s days ahead: choose %(date)s or later.")
            % {"days": settings.POLICY_NOTICE_DAYS, "date": _date(earliest)}
        )
    if not all(reasons.values()) or not all(summary.values()):
        raise PolicyPublishRefused(_("Write the reasons for the change and what changes, in every language."))
    ensure_initial_version()
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    if effective_at <= latest.effective_at:
        raise PolicyPublishRefused(
            _("Version %(number)s takes effect on %(date)s: a new version must take effect after it.")
            % {"number": latest.number, "date": _date(latest.effective_at)}
        )
    texts, running = generated_texts(), policy_facts.running()
    if not changed_languages(latest, texts) and latest.facts == running:
        raise PolicyPublishRefused(
            _("Nothing changed: the policy as generated now is the text of version %(number)s.")
            % {"number": latest.number}
        )
    now = clock.now()
    version = PolicyVersion.objects.create(
        number=latest.number + 1,
        published_at=now,
        effective_at=effective_at,
        reasons=reasons,
        summary=summary,
        texts=texts,
        facts=running,
        published_by=by,
    )
    _create_notices(version, now)
    events.send_on_commit(signals.policy_notices_made, sender=PolicyVersion, version_id=version.pk)
    return version


def _create_notices(version: PolicyVersion, now: datetime) -> int:
    members = Member.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    created, last = 0, 0
    while batch := list(members.filter(pk__gt=last)[:NOTICE_BATCH]):
        PolicyChangeNotice.objects.bulk_create(
            [PolicyChangeNotice(version=version, member_id=pk, created_at=now) for pk in batch]
        )
        created, last = created + len(batch), batch[-1]
    return created


def event_key(version: PolicyVersion) -> str:
    return f"policy:{version.pk}"


def mail_notices(*, version: PolicyVersion) -> int:
    """Give each member told of ``version`` their notice through the notification service: the
    notification centre, and email and LINE as they chose, in their language. The event key makes
    it once per member, so a re-run tells no one twice. Returns how many notices go by email.

    ``emailed_at`` records that the email is on its way. An email refused at once (the address is
    being corrected, P10) leaves it empty: the member keeps the on-site banner and the notice.
    """
    key = event_key(version)
    link = reverse("privacy:version", args=[version.number])
    params = {
        "number": version.number,
        "effective_at": version.effective_at.isoformat(),
        "reasons": dict(version.reasons),
        "summary": dict(version.summary),
    }
    return send_banner_notices(
        PolicyChangeNotice.objects.filter(version=version, emailed_at__isnull=True).order_by("pk"),
        kind=POLICY_CHANGE,
        link=link,
        event_key=key,
        params=params,
        batch=NOTICE_BATCH,
    )


def mail_unsent_notices() -> int:
    """Notices a lost or failed job left unmade, for versions not yet in effect."""
    upcoming = PolicyVersion.objects.filter(effective_at__gt=clock.now()).defer("texts")
    return sum(mail_notices(version=version) for version in upcoming)


def mark_seen(*, member, notice_id: int) -> bool:
    """The member dismissed the on-site notice."""
    return bool(
        PolicyChangeNotice.objects.filter(pk=notice_id, member=member, seen_at__isnull=True).update(
            seen_at=clock.now()
        )
    )


def _date(moment: datetime) -> str:
    return dates.on_screen(moment, "date")
