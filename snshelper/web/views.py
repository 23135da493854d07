from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from snshelper.accounts import services as account_services
from snshelper.core.form_fields import ChoiceForm, ListForm, NextForm
from snshelper.privacy.cookies import optional_cookies_allowed
from snshelper.staff.security import has_totp
from snshelper.wallet import selectors as wallet_selectors
from snshelper.web import popup, selectors
from snshelper.web.models import Announcement

PLATFORMS = ["Instagram", "Facebook", "TikTok", "YouTube", "X", "LINE"]
UPDATES_PER_PAGE = 10


def home(request):
    return render(request, "web/home.html", {"platforms": PLATFORMS})


def updates(request):
    """Every announcement showing now, newest first, in the visitor's language (else Thai)."""
    page = Paginator(selectors.showing_announcements(), UPDATES_PER_PAGE).get_page(
        ListForm(request.GET).value("page")
    )
    return render(request, "web/updates.html", {"page": page})


@login_required
def dashboard(request):
    return render(
        request,
        "web/dashboard.html",
        {"mfa_enabled": has_totp(request.user), "balance": wallet_selectors.balance(request.user)},
    )


@require_POST
def set_language(request):
    """Django's language switch (it sets the language cookie), remembered for members too. After a
    refusal of optional cookies no cookie is set: a member keeps the language in their account, a
    visitor gets the browser's language."""
    response = django_set_language(request)
    language = ChoiceForm(request.POST, choices=tuple(dict(settings.LANGUAGES)), name="language").chosen()
    if language is not None and request.user.is_authenticated and response.status_code in (200, 302):
        try:
            account_services.set_language(member=request.user, language=language)
        except ValueError:
            pass  # Django ignored it too: the page stays in the current language
    if not optional_cookies_allowed(request):
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return response


def _safe_next(request) -> str:
    """The page asked for, else the page the button was on, when either is ours; else home."""
    asked = NextForm(request.POST).page(request)
    if asked:
        return asked
    referer = request.META.get("HTTP_REFERER") or "/"
    return (
        referer
        if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
        else "/"
    )


@require_POST
def dismiss_announcement(request, pk: int):
    announcement = get_object_or_404(Announcement, pk=pk)
    response = HttpResponse("") if request.headers.get("HX-Request") else redirect(_safe_next(request))
    popup.remember_dismissed(request, response, announcement.pk)
    return response
