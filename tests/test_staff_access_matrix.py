"""Least privilege (P16): each staff view declares once, next to itself, the roles that may open it
(``@staff_page`` in ``snshelper.staff.access``); the admin's pages are declared in the access module.
For every staff URL of the real URL tree and every role (plus anonymous visitors and members), the page
lets in exactly whom the declaration names; a staff URL that nothing declares fails the suite and is
refused to everybody. The roles are read once per request, however many checks a page makes."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

import snshelper
from snshelper.accounts.models import Member
from snshelper.core.models import RateCounter
from snshelper.staff import access, roles
from snshelper.staff.access import staff_page
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
MEMBER = "member"
PRINCIPALS = [ANONYMOUS, MEMBER, *roles.ROLES]


def _undeclared_view(request, **kwargs):
    return HttpResponse("fake staff page")


@staff_page(roles.FINANCE)
def _finance_view(request, **kwargs):
    return HttpResponse("finance page")


# A URL tree like the real one with two extra staff pages and a declared view mounted outside the
# staff area (used by the tests of the declaration itself).
_fake_patterns = (
    [
        path("undeclared/", _undeclared_view, name="undeclared"),
        path("declared/", _finance_view, name="declared"),
    ],
    "fake_staff",
)
urlpatterns = [
    path("staff/fake/", include(_fake_patterns)),
    path("elsewhere/declared/", _finance_view, name="elsewhere"),
    path("", include("snshelper.urls")),
]


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


def test_every_staff_url_is_declared():
    assert access.unlisted_staff_urls() == []


def test_the_declarations_name_real_roles_and_the_admin_matrix_real_pages_and_models():
    for url in access.staff_urls():
        assert url.roles is not None and url.roles <= set(roles.ROLES), url.name or url.route
        if not url.route.startswith("admin/"):
            assert url.roles, f"{url.name}: a page of ours that nobody may open"
    for allowed in access.FIELDS.values():
        assert allowed and allowed <= set(roles.ROLES)
    names = {url.name for url in access.staff_urls()}
    assert set(access.ADMIN_PAGES) - names == set()
    for allowed in access.ADMIN_PAGES.values():
        assert allowed <= set(roles.ROLES)
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(access.ADMIN_MODELS) == registered  # every admin model named, none invented
    for actions in access.ADMIN_MODELS.values():
        assert set(actions) <= {"view", "add", "change", "delete"}
        assert all(allowed <= set(roles.ROLES) for allowed in actions.values())


def test_the_tree_has_the_staff_pages_we_expect():
    """The walk finds pages of every staff area (so an empty walk cannot pass the other tests)."""
    found = access.matrix()
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
        assert expected in found
    assert len(found) >= 40
    # A few declarations as the pages' users know them.
    assert found["orders_staff:queue"] == {roles.MARKETING}
    assert found["providers_staff:overview"] == {roles.MARKETING, roles.ADMINISTRATOR}
    assert found["support_staff:detail"] == {roles.SUPPORT, roles.PRIVACY_OFFICER}
    assert found["support_staff:reply"] == {roles.SUPPORT}
    assert found["staff:pledge"] == set(roles.ROLES)


def test_every_declared_view_is_served_under_a_staff_address():
    """A declaration the matrix cannot see (a declared view mounted outside the staff area) would
    escape the generated test below."""
    outside = [
        url.name or url.route
        for url in access.all_urls()
        if access.declared_roles(url.view) is not None and not access.is_staff_route(url.route)
    ]
    assert outside == []


def test_no_view_declares_its_access_a_second_way():
    """Access is declared once: no view keeps Django's permission decorators beside ``staff_page``."""
    second_way = re.compile(r"\b(permission_required|user_passes_test)\(")
    root = Path(snshelper.__file__).parent
    found = [
        str(source.relative_to(root))
        for source in root.rglob("*.py")
        if second_way.search(source.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_staff_url_lets_in_exactly_whom_the_matrix_names(signed_in_as, principal):
    client = signed_in_as(principal)
    mismatches = []
    for url in access.staff_urls():
        name, address = url.name or url.route, access.sample_path(url.route)
        allowed = principal in url.roles
        response = client.get(address)
        if allowed and not _let_in(response):
            mismatches.append(f"{name} ({address}): {principal} should be let in, got {response.status_code}")
        if not allowed:
            if not _refused(principal, response):
                mismatches.append(
                    f"{name} ({address}): {principal} should be refused, got {response.status_code}"
                )
            cache.clear()  # anonymous POSTs meet the public forms' rate limit first
            RateCounter.objects.all().delete()  # (counted in the database without Redis)
            response = client.post(address, {})
            if not _refused(principal, response):
                mismatches.append(
                    f"POST {name} ({address}): {principal} should be refused, got {response.status_code}"
                )
    assert mismatches == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_staff_view_without_a_declaration_is_reported_and_refused_to_everybody(
    settings, signed_in_as, principal
):
    """Fail closed: the fake view checks nothing itself, and nothing declares it."""
    settings.ROOT_URLCONF = __name__
    assert access.unlisted_staff_urls() == ["fake_staff:undeclared"]
    client = signed_in_as(principal)
    assert _refused(principal, client.get("/staff/fake/undeclared/"))
    assert _refused(principal, client.post("/staff/fake/undeclared/", {}))


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_declaration_on_a_view_is_what_the_matrix_reports_and_what_lets_in(
    settings, signed_in_as, principal
):
    settings.ROOT_URLCONF = __name__
    assert access.matrix()["fake_staff:declared"] == {roles.FINANCE}
    response = signed_in_as(principal).get("/staff/fake/declared/")
    if principal == roles.FINANCE:
        assert response.status_code == 200 and response.content == b"finance page"
    else:
        assert _refused(principal, response)


@pytest.mark.parametrize("principal", [ANONYMOUS, roles.MARKETING, roles.FINANCE])
def test_the_declaration_guards_its_view_even_outside_the_staff_area(settings, signed_in_as, principal):
    """The middleware looks only at staff addresses; the declared view still guards itself."""
    settings.ROOT_URLCONF = __name__
    response = signed_in_as(principal).get("/elsewhere/declared/")
    if principal == roles.FINANCE:
        assert response.status_code == 200 and response.content == b"finance page"
    else:
        assert _refused(principal, response)


@pytest.mark.parametrize("declared", [(), ("boss",), (roles.FINANCE, "boss")])
def test_a_declaration_names_known_roles_only(declared):
    with pytest.raises(ImproperlyConfigured):
        staff_page(*declared)


def test_the_access_matrix_command_prints_each_staff_page_and_its_roles():
    out = StringIO()
    call_command("access_matrix", stdout=out)
    lines = {line.split("\t")[0]: line.split("\t")[1:] for line in out.getvalue().splitlines()}
    assert lines["page"] == list(roles.ROLES)
    # marketing, finance, support, privacy officer, administrator
    assert lines["providers_staff:overview"] == ["x", "-", "-", "-", "x"]
    assert lines["wallet:staff_adjust"] == ["-", "x", "-", "-", "-"]
    assert lines["admin:login"] == ["-", "-", "-", "-", "-"]


# --- Roles read once per request ---------------------------------------------------------------


def _role_reads(queries) -> int:
    """Queries that read a member's roles (their groups). Django's own permission read, which the
    admin's model classes still make for their extra rules, joins the groups too: not counted."""
    groups = Member.groups.through._meta.db_table
    return sum(1 for query in queries if groups in query["sql"] and "auth_permission" not in query["sql"])


@pytest.mark.parametrize(
    ("principal", "address"),
    [
        (roles.ADMINISTRATOR, "/staff/"),  # the gate, four panels, twelve links, the nav
        (roles.ADMINISTRATOR, "/admin/"),  # every admin model × action asks the matrix
        (roles.MARKETING, "/dashboard/"),  # the member dashboard's staff links
    ],
)
def test_a_page_that_checks_many_permissions_reads_the_roles_once(signed_in_as, principal, address):
    client = signed_in_as(principal)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert _role_reads(queries.captured_queries) == 1


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
