"""Notices the privacy engine sends through the notification service: a policy change (P19), the
answer to a data-subject request (P9, P12), a "view" export ready (P9), the privacy officer's
answer (P8) and a breach notice (P18). The law requires each of them: a member who stopped the
processing of their data still gets them.

The texts reuse the sentences of the privacy mails, so a notice reads the same in the notification
centre, by LINE and by email. Params hold what the texts are filled with; ``prepare`` picks the
reader's language (a policy change keeps its summary and reasons in every language) and formats
dates in Bangkok time.

Identity codes are not notices: they are mailed at once by ``privacy.mail``.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock, dates
from snshelper.notifications import selectors as notification_selectors
from snshelper.notifications import services as notices
from snshelper.notifications.kinds import declare
from snshelper.privacy.models import BreachNotice, DataSubjectRequest, RefusalGround

POLICY_CHANGE = "policy_change"
REQUEST_ANSWERED = "privacy_request_answered"
EXPORT_READY = "privacy_export_ready"
INQUIRY_ANSWERED = "privacy_inquiry_answered"
BREACH = "breach_notice"


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _localized(mapping, language: str) -> str:
    if not isinstance(mapping, dict):
        return str(mapping or "")
    return mapping.get(language) or mapping.get(settings.LANGUAGE_CODE) or ""


def _moment(value) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


def _date(value) -> str:
    moment = _moment(value)
    return dates.on_screen(moment, "date") if moment else "…"


def _date_time(value) -> str:
    moment = _moment(value)
    return dates.on_screen(moment) if moment else "…"


# --- A policy change (privacy.versions) ----------------------------------------------------------


def _policy(params: dict) -> dict:
    language = _language()
    return {
        "date": _date(params.get("effective_at")),
        "reasons": _localized(params.get("reasons"), language),
        "summary": _localized(params.get("summary"), language),
        "officer_name": settings.PRIVACY_OFFICER_NAME,
        "officer_email": settings.PRIVACY_OFFICER_EMAIL,
    }


declare(
    POLICY_CHANGE,
    title=_("Our privacy policy changes on %(date)s"),
    body=format_lazy(
        "{}\n\n{}\n%(reasons)s\n\n{}\n%(summary)s",
        _("We have published version %(number)s of our privacy policy. It takes effect on %(date)s."),
        _("Why it changes:"),
        _("What changes:"),
    ),
    required=True,
    prepare=_policy,
    email_template="privacy/mail/policy_change",
)


# --- The answer to a request (privacy.requests) -----------------------------------------------------


def _request(params: dict) -> dict:
    kinds, statuses = DataSubjectRequest.Kind, DataSubjectRequest.Status
    kind, status, ground = params.get("kind", ""), params.get("status", ""), params.get("ground", "")
    ground_label = str(RefusalGround(ground).label) if ground in RefusalGround.values else ""
    lines = []
    if ground_label:
        lines.append(f"{gettext('The ground in our privacy policy:')} {ground_label}")
    if params.get("answer"):
        lines.append(params["answer"])
    return {
        "kind": str(kinds(kind).label) if kind in kinds.values else kind,
        "status": str(statuses(status).label) if status in statuses.values else status,
        "ground": ground_label,
        "details": "\n".join(lines),
    }


declare(
    REQUEST_ANSWERED,
    title=_("Your request has been answered: %(kind)s"),
    body=format_lazy("{}\n%(details)s", _("Your request #%(number)s (%(kind)s) is now: %(status)s.")),
    required=True,
    prepare=_request,
    email_template="privacy/mail/request_answered",
)


# --- A "view" export ready (privacy.export) ----------------------------------------------------------


def _export(params: dict) -> dict:
    return {"until": _date_time(params.get("expires_at"))}


declare(
    EXPORT_READY,
    title=_("Your copy of your data is ready"),
    body=format_lazy(
        "{}\n\n{}",
        _(
            "The link works until %(until)s (Bangkok time). After that we delete the copy; you can ask "
            "for a new one at any time."
        ),
        _(
            "The copy of your personal data you asked for is ready. Read it or download it here (you will "
            "be asked to verify it is you):"
        ),
    ),
    required=True,
    prepare=_export,
    email_template="privacy/mail/export_ready",
)


# --- The privacy officer's answer (privacy.inquiries) --------------------------------------------


declare(
    INQUIRY_ANSWERED,
    title=_("Our privacy officer answered you"),
    body=format_lazy("{}\n%(answer)s", _('Our privacy officer answered your message "%(subject)s":')),
    required=True,
    email_template="privacy/mail/inquiry_answered",
)


# --- A breach (privacy.breaches) ------------------------------------------------------------------


def _breach(params: dict) -> dict:
    """The notice as it was made for the member (``BreachNotice.text``, in their language, with the
    five items): the kept record is what every channel shows."""
    text = BreachNotice.objects.filter(pk=params.get("notice")).values_list("text", flat=True).first()
    return {"title": params.get("incident_title", ""), "text": text or ""}


declare(
    BREACH,
    title=_("Important: an incident involving your personal data (%(title)s)"),
    body="%(text)s",
    required=True,
    prepare=_breach,
    email_template="privacy/mail/breach_notice",
)


def send_banner_notices(pending, *, kind: str, link: str, event_key: str, params, batch: int = 500) -> int:
    """Hand each on-site notice in ``pending`` (policy-change or breach notices not yet emailed, a
    queryset ordered by pk) to the notification service, in batches; ``params`` is a dict, or a
    function of the notice. ``emailed_at`` records that the email is on its way; one refused at
    once (an address being corrected, P10) leaves it empty. Returns how many go by email."""
    pending = pending.exclude(member_id__in=notification_selectors.notified_member_ids(event_key))
    sent, last = 0, 0
    while rows := list(pending.filter(pk__gt=last).select_related("member")[:batch]):
        last = rows[-1].pk
        emailed = [
            notice.pk
            for notice in rows
            if notification_selectors.goes_by_email(
                notices.notify(
                    member=notice.member,
                    kind=kind,
                    params=params(notice) if callable(params) else params,
                    link=link,
                    event_key=event_key,
                )
            )
        ]
        if emailed:
            pending.model.objects.filter(pk__in=emailed).update(emailed_at=clock.now())
        sent += len(emailed)
    return sent
