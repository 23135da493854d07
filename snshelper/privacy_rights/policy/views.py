"""The privacy policy's pages: the policy in force (what its version promised, with today's
registry), its published versions with their changes, the dismissal of a change notice, and the
privacy officer's page to publish a version."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.core.form_fields import NextForm
from snshelper.privacy.models import PolicyVersion
from snshelper.privacy_rights.policy import document as policy
from snshelper.privacy_rights.policy import versions
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER


def policy_page(request):
    versions.ensure_initial_version()
    language = get_language()
    upcoming = versions.upcoming_version()
    current = versions.current_version()
    return render(
        request,
        "privacy/policy.html",
        {
            "policy": policy.build(language, versions.facts_of(current)),
            "current": current,
            "upcoming": upcoming,
            "upcoming_reasons": versions.localized(upcoming.reasons, language) if upcoming else "",
        },
    )


def version_list(request):
    versions.ensure_initial_version()
    language = get_language()
    current = versions.current_version()
    rows = [
        {
            "version": version,
            "reasons": versions.localized(version.reasons, language),
            "in_force": current is not None and version.number == current.number,
            "upcoming": version.effective_at > clock.now(),
        }
        for version in versions.history()
    ]
    return render(request, "privacy/policy_versions.html", {"rows": rows})


def version_detail(request, number: int):
    version = get_object_or_404(PolicyVersion, number=number)
    language = get_language()
    previous = versions.previous_of(version)
    current = versions.current_version()
    return render(
        request,
        "privacy/policy_version.html",
        {
            "version": version,
            "previous": previous,
            "text": versions.text_of(version, language),
            "in_language": bool(version.texts.get(language)),
            "reasons": versions.localized(version.reasons, language),
            "summary": versions.localized(version.summary, language),
            "diff": versions.diff(previous, version, language) if previous else None,
            "in_force": current is not None and version.number == current.number,
            "upcoming": version.effective_at > clock.now(),
        },
    )


def _safe_next(request) -> str:
    return NextForm(request.POST).page(request) or "/"


@login_required
@require_POST
def dismiss_notice(request, pk: int):
    versions.mark_seen(member=request.user, notice_id=pk)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect(_safe_next(request))


# --- The privacy officer publishes a version --------------------------------------------------


def _earliest_day():
    """The first day whose midnight (local time) leaves members the notice the settings ask for."""
    earliest = versions.earliest_effective_at()
    day = timezone.localdate(earliest)
    return day if _midnight(day) >= earliest else day + timedelta(days=1)


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PublishForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("Takes effect on"),
        help_text=gettext_lazy("At midnight (Thailand time) at the start of this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        earliest = _earliest_day()
        self.fields["effective_on"].initial = earliest
        self.fields["effective_on"].widget.attrs["min"] = earliest.isoformat()
        for code, name in settings.LANGUAGES:
            self.fields[f"reasons_{code}"] = forms.CharField(
                label=_("Reasons for the change (%(language)s)") % {"language": name},
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("What changes (%(language)s)") % {"language": name},
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
            )

    def effective_at(self) -> datetime:
        return _midnight(self.cleaned_data["effective_on"])

    def by_language(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data[f"{prefix}_{code}"] for code, _name in settings.LANGUAGES}


@staff_page(PRIVACY_OFFICER)
def publish_page(request):
    latest = versions.ensure_initial_version()
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = versions.publish(
                by=request.user,
                effective_at=form.effective_at(),
                reasons=form.by_language("reasons"),
                summary=form.by_language("summary"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Version %(number)s is published; members are being told.") % {"number": version.number},
            )
            return redirect("privacy:version", version.number)
    language = get_language()
    texts = versions.generated_texts()
    changed = versions.changed_languages(latest, texts)
    names = dict(settings.LANGUAGES)
    return render(
        request,
        "privacy/staff/policy.html",
        {
            "latest": latest,
            "upcoming": versions.upcoming_version(),
            "changed": [names[code] for code in changed],
            "settings_changed": versions.unpublished_differences(latest),
            "diff": versions.diff_texts(versions.text_of(latest, language), texts[language]),
            "form": form,
            "notice_days": settings.POLICY_NOTICE_DAYS,
        },
    )
