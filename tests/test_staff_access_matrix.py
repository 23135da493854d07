"""Least privilege (P16): the permission matrix in ``snshelper.staff.access`` is what every staff page
checks. For every staff URL of the real URL tree and every role (plus anonymous visitors and members),
the page lets in exactly whom the matrix names; a staff URL without a matrix entry fails the suite."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import include, path

from snshelper.staff import access, roles
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
MEMBER = "member"
PRINCIPALS = [ANONYMOUS, MEMBER, *roles.ROLES]


def _fake_view(request, **kwargs):
    return HttpResponse("fake staff page")


# A URL tree like the real one with two extra staff pages (used by the last tests only).
_fake_patterns = (
    [
        path("unlisted/", _fake_view, name="unlisted"),
        path("listed/", _fake_view, name="listed"),
    ],
    "fake_staff",
)
urlpatterns = [path("staff/fake/", include(_fake_patterns)), path("", include("snshelper.urls"))]


@pytest.fixture
def signed_in_as(client, make_staff, make_member):
    def sign(principal):
        if principal == MEMBER:
            person = make_member(email="plain-member@example.test")
            sign_in(client, person.email)
        elif principal != ANONYMOUS:
            staff, secret = make_staff(principal)
            sign_in(client, staff.email, totp_secret=secret)
        return client

    return sign


def _refused(principal, response) -> bool:
    if principal == ANONYMOUS:
        return response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return response.status_code == 403


def _let_in(response) -> bool:
    """Past the gate: the view answered (a missing object's 404 and a POST-only view's 405 count)."""
    if response.status_code == 403:
        return False
    if response.status_code == 302:
        location = response["Location"]
        return not location.startswith(("/accounts/login/", "/accounts/2fa/", "/accounts/reauthenticate/"))
    return True


def test_every_staff_url_has_a_matrix_entry():
    assert access.unlisted_staff_urls() == []


def test_the_matrix_names_only_real_urls_and_real_roles():
    names = {name for _route, name in access.staff_urls()}
    assert set(access.PAGES) - names == set()
    for allowed in [*access.PAGES.values(), *access.FIELDS.values()]:
        assert allowed and allowed <= set(roles.ROLES)


def test_the_tree_has_the_staff_pages_we_expect():
    """The walk finds pages of every staff area (so an empty walk cannot pass the other tests)."""
    names = {name for _route, name in access.staff_urls()}
    for expected in (
        "admin:index",
        "staff:pledge",
        "orders_staff:queue",
        "wallet:staff_withdrawals",
        "privacy_staff:breaches:detail",
        "providers_staff:overview",
    ):
        assert expected in names
    assert len(names) >= 40


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_staff_url_lets_in_exactly_whom_the_matrix_names(signed_in_as, principal):
    client = signed_in_as(principal)
    mismatches = []
    for route, name in access.staff_urls():
        url = access.sample_path(route)
        allowed = principal in access.PAGES[name]
        response = client.get(url)
        if allowed and not _let_in(response):
            mismatches.append(f"{name} ({url}): {principal} should be let in, got {response.status_code}")
        if not allowed:
            if not _refused(principal, response):
                mismatches.append(
                    f"{name} ({url}): {principal} should be refused, got {response.status_code}"
                )
            cache.clear()  # anonymous POSTs meet the public forms' rate limit first
            response = client.post(url, {})
            if not _refused(principal, response):
                mismatches.append(
                    f"POST {name} ({url}): {principal} should be refused, got {response.status_code}"
                )
    assert mismatches == []


def test_a_staff_url_missing_from_the_matrix_is_reported_and_refused_to_everybody(settings, signed_in_as):
    settings.ROOT_URLCONF = __name__
    assert access.unlisted_staff_urls() == ["fake_staff:listed", "fake_staff:unlisted"]
    client = signed_in_as(roles.ADMINISTRATOR)
    assert client.get("/staff/fake/unlisted/").status_code == 403


def test_the_matrix_alone_gates_a_page_without_its_own_check(settings, monkeypatch, signed_in_as):
    """The fake view checks nothing itself: the middleware applies the matrix."""
    settings.ROOT_URLCONF = __name__
    monkeypatch.setitem(access.PAGES, "fake_staff:listed", frozenset({roles.FINANCE}))
    monkeypatch.setitem(access.PAGES, "fake_staff:unlisted", frozenset({roles.FINANCE}))
    assert access.unlisted_staff_urls() == []
    client = signed_in_as(roles.MARKETING)
    assert client.get("/staff/fake/listed/").status_code == 403


def test_the_matrix_lets_in_the_role_it_names_on_a_page_without_its_own_check(
    settings, monkeypatch, signed_in_as
):
    settings.ROOT_URLCONF = __name__
    monkeypatch.setitem(access.PAGES, "fake_staff:listed", frozenset({roles.FINANCE}))
    client = signed_in_as(roles.FINANCE)
    response = client.get("/staff/fake/listed/")
    assert response.status_code == 200 and response.content == b"fake staff page"


def test_anonymous_visitors_are_sent_to_sign_in_with_the_page_to_come_back_to(client):
    response = client.get("/staff/orders/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/orders/"


def test_a_superuser_without_a_role_is_refused(client, make_member):
    """Least privilege: the superuser flag opens nothing the matrix does not give a role."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from snshelper.staff import services

    person = make_member(email="root@example.test", is_staff=True, is_superuser=True)
    services.sign_pledge(staff=person)
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    sign_in(client, person.email, totp_secret=secret)
    assert client.get("/staff/orders/").status_code == 403
    assert client.get("/wallet/staff/withdrawals/").status_code == 403
