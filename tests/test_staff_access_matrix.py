"""Least privilege (P16): the permission matrix in ``snshelper.staff.access`` is what every staff page
checks. For every staff URL of the real URL tree and every role (plus anonymous visitors and members),
the page lets in exactly whom the matrix names; a staff URL without a matrix entry fails the suite."""

import pytest
from django.contrib import admin
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
    assert set(access.ADMIN_PAGES) - names == set()
    for allowed in [*access.PAGES.values(), *access.FIELDS.values()]:
        assert allowed and allowed <= set(roles.ROLES)
    for allowed in access.ADMIN_PAGES.values():
        assert allowed <= set(roles.ROLES)
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(access.ADMIN_MODELS) == registered  # every admin model named, none invented
    for actions in access.ADMIN_MODELS.values():
        assert set(actions) <= {"view", "add", "change", "delete"}
        assert all(allowed <= set(roles.ROLES) for allowed in actions.values())


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
        "admin:catalog_service_changelist",
        "admin:accounts_loginrecord_change",
    ):
        assert expected in names
    assert len(names) >= 40


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_staff_url_lets_in_exactly_whom_the_matrix_names(signed_in_as, principal):
    client = signed_in_as(principal)
    mismatches = []
    for route, name in access.staff_urls():
        url = access.sample_path(route)
        allowed = principal in access.page_roles(name, route)
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


ADMIN_MODEL_PAGES = [
    (model._meta.label_lower, action, f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}")
    for model in admin.site._registry
    for action, suffix in (("view", ""), ("add", "add/"), ("delete", "1/delete/"))
]


@pytest.mark.parametrize("principal", [r for r in roles.ROLES])
def test_the_back_office_index_lists_exactly_the_models_the_matrix_lets_each_role_open(
    signed_in_as, principal
):
    page = signed_in_as(principal).get("/admin/").content.decode()
    for model in admin.site._registry:
        label = model._meta.label_lower
        link = f'href="/admin/{model._meta.app_label}/{model._meta.model_name}/"'
        may = any(principal in allowed for allowed in access.ADMIN_MODELS[label].values())
        assert (link in page) == may, f"{principal}: {label}"


@pytest.mark.parametrize("principal", [r for r in roles.ROLES])
def test_each_admin_model_page_and_action_follows_the_matrix(signed_in_as, make_service, principal):
    """The model admin's own checks (model permissions) and the middleware both apply the matrix:
    a role the matrix names for an action gets in, any other is refused, whatever its permissions."""
    service = make_service()
    client = signed_in_as(principal)
    mismatches = []
    for label, action, url in ADMIN_MODEL_PAGES:
        actions = access.ADMIN_MODELS[label]
        allowed = principal in actions.get(action, frozenset()) | (
            actions.get("change", frozenset()) if action == "view" else frozenset()
        )
        response = client.get(url)
        if allowed != _let_in(response):
            mismatches.append(f"{principal} {action} {label}: {response.status_code}")
    # The add button and the change form's save follow the matrix too.
    response = client.get(f"/admin/catalog/service/{service.pk}/change/")
    if principal == roles.ADMINISTRATOR:
        assert response.status_code == 200 and 'name="_save"' in response.content.decode()
    else:
        assert response.status_code == 403
    assert mismatches == []


def test_a_role_holding_model_permissions_the_matrix_does_not_name_is_still_refused(signed_in_as):
    """Permissions given outside roles.ROLES (by hand in the database) open nothing the matrix closes."""
    from django.contrib.auth.models import Group, Permission

    client = signed_in_as(roles.MARKETING)
    Group.objects.get(name=roles.MARKETING).permissions.add(
        *Permission.objects.filter(codename__in=["view_emailaddress", "view_member", "manage_catalog"])
    )
    for url in ("/admin/account/emailaddress/", "/admin/accounts/member/", "/admin/catalog/service/"):
        assert client.get(url).status_code == 403, url
    assert "emailaddress" not in client.get("/admin/").content.decode()
