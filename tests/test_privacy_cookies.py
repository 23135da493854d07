"""P13: cookies only for the language and the "don't show this popup" choice (besides signing in,
forms and the choice itself); refusing them limits the service and is honoured everywhere."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.urls import include
from django.urls import path as route
from django.utils import translation

from snshelper.accounts.models import Member
from snshelper.privacy.cookies import CHOICE_COOKIE_NAME, declared_cookies
from snshelper.privacy.models import CookieChoice, PolicyVersion
from snshelper.staff import access, roles
from snshelper.support import views as support_views
from snshelper.web.models import Announcement
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
LANGUAGE, POPUP = settings.LANGUAGE_COOKIE_NAME, settings.POPUP_COOKIE_NAME
PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/privacy/", "/privacy/cookies/"]
MEMBER_PAGES = ["/dashboard/", "/accounts/profile/", "/orders/", "/orders/new/", "/wallet/", "/privacy/"]


class Walk:
    """A test client that notes the name of every cookie any response sets."""

    def __init__(self, client):
        self.client = client
        self.set_names: set[str] = set()

    def get(self, path, **headers):
        return self._note(self.client.get(path, **headers))

    def post(self, path, data=None, **headers):
        return self._note(self.client.post(path, data or {}, **headers))

    def _note(self, response):
        self.set_names |= {name for name, morsel in response.cookies.items() if morsel["max-age"] != 0}
        return response


def _held(client) -> set[str]:
    """The cookies the browser still holds (the test client keeps deleted ones, emptied)."""
    return {name for name, morsel in client.cookies.items() if morsel.value}


def _choose(client, answer, next_url="/"):
    return client.post("/privacy/cookies/choice/", {"choice": answer, "next": next_url})


def _policy_in_effect(clock) -> int:
    """A policy version in effect now and a later one not yet: choices point to the first."""
    number = (PolicyVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    now = clock.now()
    PolicyVersion.objects.create(number=number, effective_at=now - timedelta(days=30), texts={})
    PolicyVersion.objects.create(number=number + 1, effective_at=now + timedelta(days=7), texts={})
    return number


def test_p13_a_full_journey_sets_only_the_declared_cookies(client, member):
    declared = {cookie.name: cookie for cookie in declared_cookies()}
    announcement = Announcement.objects.create(title_th="ปิดปรับปรุง", body_th="คืนนี้")
    walk = Walk(client)
    for path in PAGES:
        assert walk.get(path).status_code == 200, path
    walk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    walk.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    signup = {"name": "New", "email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD}
    assert walk.post("/accounts/signup/", signup).status_code == 302
    assert walk.post("/accounts/login/", {"login": member.email, "password": PASSWORD}).status_code == 302
    for path in MEMBER_PAGES:
        assert walk.get(path).status_code == 200, path
    walk.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    walk.post("/privacy/cookies/choice/", {"choice": "accept", "next": "/"})
    walk.post("/accounts/logout/")

    assert walk.set_names <= set(declared), walk.set_names - set(declared)
    assert {LANGUAGE, POPUP, CHOICE_COOKIE_NAME, settings.SESSION_COOKIE_NAME} <= walk.set_names
    assert {name for name, cookie in declared.items() if not cookie.essential} == {LANGUAGE, POPUP}
    assert {name for name, cookie in declared.items() if cookie.essential} == {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        CHOICE_COOKIE_NAME,
    }


def test_p13_visiting_sets_no_optional_cookie_until_the_visitor_asks(client):
    Announcement.objects.create(title_th="ปิดปรับปรุง", body_th="คืนนี้")
    walk = Walk(client)
    for path in PAGES:
        walk.get(path)
    assert not walk.set_names & {LANGUAGE, POPUP, CHOICE_COOKIE_NAME}
    assert 'data-testid="cookie-banner"' in client.get("/").content.decode()


def test_p13_refusing_deletes_the_optional_cookies_already_set(client):
    announcement = Announcement.objects.create(title_th="ปิดปรับปรุง", body_th="คืนนี้")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    assert {LANGUAGE, POPUP} <= _held(client)

    response = _choose(client, "refuse", next_url="/orders/")

    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert response.cookies[LANGUAGE]["max-age"] == 0 and response.cookies[POPUP]["max-age"] == 0
    assert response.cookies[CHOICE_COOKIE_NAME].value.startswith("refused")
    assert not _held(client) & {LANGUAGE, POPUP}
    html = client.get("/").content.decode()
    assert '<html lang="th">' in html and "ปิดปรับปรุง" in html
    assert 'data-testid="cookie-banner"' not in html


def test_p13_after_refusal_the_language_comes_from_the_browser(client):
    _choose(client, "refuse")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert LANGUAGE not in response.cookies
    assert LANGUAGE not in _held(client)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="ko">' in html
    assert 'data-testid="language-note"' in html  # the visitor is told why the switch did not stick
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8").content.decode()


def test_p13_after_refusal_a_closed_popup_stays_closed_only_for_the_browser_session(client):
    announcement = Announcement.objects.create(title_th="ปิดปรับปรุง", body_th="คืนนี้")
    _choose(client, "refuse")
    assert "ปิดปรับปรุง" in client.get("/").content.decode()
    response = client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    assert POPUP not in response.cookies  # no optional cookie
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["max-age"] == "" and session["expires"] == ""  # gone when the browser closes
    for _ in range(3):
        assert "ปิดปรับปรุง" not in client.get("/").content.decode()
    del client.cookies[settings.SESSION_COOKIE_NAME]  # the browser was closed
    assert "ปิดปรับปรุง" in client.get("/").content.decode()


def test_p13_a_stale_optional_cookie_is_ignored_and_deleted_after_refusal(client):
    announcement = Announcement.objects.create(title_th="ปิดปรับปรุง", body_th="คืนนี้")
    _choose(client, "refuse")
    client.cookies[POPUP] = str(announcement.pk)  # e.g. written by another tab before the refusal
    response = client.get("/")
    assert "ปิดปรับปรุง" in response.content.decode()
    assert response.cookies[POPUP]["max-age"] == 0


def test_p13_accepting_again_lets_the_language_be_remembered(client):
    _choose(client, "refuse")
    _choose(client, "accept")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies[LANGUAGE].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_p13_a_members_choice_is_kept_with_the_policy_version_in_effect(client, member, clock):
    version = _policy_in_effect(clock)
    sign_in(client, member.email)
    response = _choose(client, "refuse")
    assert response.cookies[CHOICE_COOKIE_NAME].value == f"refused.{version}"
    kept = CookieChoice.objects.get(member=member)
    assert (kept.accepted, kept.policy_version, kept.chosen_at) == (False, version, clock.now())
    _choose(client, "accept")
    kept.refresh_from_db()
    assert (kept.accepted, kept.policy_version) == (True, version)


def test_p13_a_visitors_choice_is_not_kept_in_any_account(client):
    _choose(client, "refuse")
    assert not CookieChoice.objects.exists()


def test_p13_a_members_refusal_applies_when_they_sign_in_on_another_browser(client, member, clock):
    version = _policy_in_effect(clock)
    announcement = Announcement.objects.create(title_th="ปิดปรับปรุง", title_en="Maintenance", body_th="x")
    member.language = "ko"
    member.save(update_fields=["language"])
    sign_in(client, member.email)
    _choose(client, "refuse")
    client.logout()

    client.cookies.clear()  # another browser: it has not chosen, and it holds both optional cookies
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    assert {LANGUAGE, POPUP} <= _held(client)

    response = sign_in(client, member.email)

    assert response.cookies[CHOICE_COOKIE_NAME].value == f"refused.{version}"
    assert response.cookies[LANGUAGE]["max-age"] == 0 and response.cookies[POPUP]["max-age"] == 0
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ko">' in html  # the language kept in the account, not the deleted cookie
    assert "ปิดปรับปรุง" in html  # no Korean text, so the Thai one: shown again


def test_p13_a_browser_that_has_chosen_keeps_its_own_choice_at_sign_in(client, member):
    CookieChoice.objects.create(member=member, accepted=False)
    _choose(client, "accept")
    response = sign_in(client, member.email)
    assert CHOICE_COOKIE_NAME not in response.cookies
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).cookies[LANGUAGE].value == "en"


def test_p13_a_member_who_refused_switches_language_through_their_account(client, member):
    sign_in(client, member.email)
    _choose(client, "refuse")
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert LANGUAGE not in response.cookies
    assert Member.objects.get(pk=member.pk).language == "ko"
    html = client.get("/orders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ko">' in html
    assert 'data-testid="language-note"' not in html  # the switch works for them


def test_p13_the_cookies_page_lists_every_declared_cookie_and_the_choice(client):
    html = client.get("/privacy/cookies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for cookie in declared_cookies():
        assert f"<code>{cookie.name}</code>" in html
        with translation.override("en"):
            assert str(cookie.purpose) in html and str(cookie.lifetime) in html
    assert 'data-testid="cookie-banner"' not in html  # the page asks the same question itself
    assert "You have not chosen yet" in html
    _choose(client, "refuse", next_url="/privacy/cookies/")
    refused = client.get("/privacy/cookies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You refused the optional cookies" in refused
    _choose(client, "accept", next_url="/privacy/cookies/")
    accepted = client.get("/privacy/cookies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You accepted the optional cookies" in accepted


def test_p13_choice_endpoint_rejects_nonsense_and_foreign_redirects(client):
    assert _choose(client, "maybe").status_code == 400
    assert CHOICE_COOKIE_NAME not in _held(client)
    response = _choose(client, "accept", next_url="https://evil.example/")
    assert response["Location"] == "/privacy/cookies/"
    assert client.get("/privacy/cookies/choice/").status_code == 405


# --- The guard at the response: no cookie but the declared ones leaves us -------------------------

REFUSED = "Refused an undeclared cookie"


def _consultations_with_a_tracker(request):
    """/support/ as a careless change would make it: the real page, plus a cookie nobody declared."""
    response = support_views.consultations(request)
    response.set_cookie("support_tracker", "abc123", max_age=3600)
    return response


urlpatterns = [
    route("support/", _consultations_with_a_tracker),
    route("", include("snshelper.urls")),
]


def test_p13_an_undeclared_cookie_set_on_support_is_stripped_and_logged(client, member, settings, caplog):
    settings.ROOT_URLCONF = __name__
    sign_in(client, member.email)
    with caplog.at_level(logging.WARNING, logger="snshelper.security"):
        response = client.get("/support/")
    assert response.status_code == 200
    assert "support_tracker" not in response.cookies and "support_tracker" not in client.cookies
    [record] = [r for r in caplog.records if REFUSED in r.getMessage()]
    assert "'support_tracker'" in record.getMessage() and "GET /support/" in record.getMessage()
    assert record.levelname == "WARNING"


def test_p13_the_guard_lets_declared_cookies_and_deletions_through(client, caplog):
    with caplog.at_level(logging.WARNING, logger="snshelper.security"):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.cookies[LANGUAGE].value == "en"
        response = _choose(client, "refuse")
        assert response.cookies[LANGUAGE]["max-age"] == 0  # deleted, as the refusal asks
    assert not [r for r in caplog.records if REFUSED in r.getMessage()]


def _routes():
    """Every URL of the tree (route, name), as the staff matrix walks it, with a sample path."""
    return [(access.sample_path(url.route), url.name) for url in access.all_urls()]


@pytest.mark.parametrize("principal", ["anonymous", "member", *roles.ROLES])
def test_p13_every_url_with_every_role_sets_only_declared_cookies(
    client, make_member, make_staff, principal, caplog
):
    if principal == "member":
        sign_in(client, make_member(email="crawler@example.test").email)
    elif principal != "anonymous":
        staff, secret = make_staff(principal)
        sign_in(client, staff.email, totp_secret=secret)
    declared = {cookie.name for cookie in declared_cookies()}
    client.raise_request_exception = False  # a page that fails (LINE Login unconfigured) still answers
    seen, visited = set(), 0
    with caplog.at_level(logging.WARNING, logger="snshelper.security"):
        for url, name in _routes():
            if name in ("account_logout", "privacy_member:withdrawal:start"):
                continue  # would end the crawl's session
            for method in (client.get, client.post):
                cache.clear()  # public forms' rate limits
                seen |= set(method(url).cookies)
                visited += 1
    assert visited > 400 and seen  # the walk is real: hundreds of requests, some cookies
    assert seen <= declared, seen - declared
    refused = [r.getMessage() for r in caplog.records if REFUSED in r.getMessage()]
    assert refused == []  # no view even tried to set another cookie
