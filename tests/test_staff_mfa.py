"""Staff: roles are groups with the role table's permissions; MFA is required; admin needs it."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from snshelper.staff import roles
from tests.conftest import sign_in, totp_code

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_permissions():
    for role, perms in roles.ROLES.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == perms


def test_marketing_cannot_see_bank_details_but_finance_can(make_staff):
    marketing, _ = make_staff(roles.MARKETING)
    finance, _ = make_staff(roles.FINANCE)
    assert marketing.has_perm("staff.fulfil_orders")
    assert not marketing.has_perm("staff.view_bank_details")
    assert finance.has_perm("staff.view_bank_details")
    assert not finance.has_perm("staff.fulfil_orders")


def test_staff_without_mfa_are_sent_to_set_it_up_before_anything_else(client, make_staff):
    staff, _ = make_staff(roles.SUPPORT, with_totp=False)
    sign_in(client, staff.email)
    for path in ("/dashboard/", "/admin/", "/accounts/profile/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_staff_signing_in_must_give_the_authenticator_code(client, make_staff):
    staff, secret = make_staff(roles.FINANCE)
    response = client.post("/accounts/login/", {"login": staff.email, "password": "a-long-test-password-42"})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_staff_whose_session_did_not_pass_mfa(client, make_staff):
    staff, _ = make_staff(roles.ADMINISTRATOR)
    client.force_login(staff)  # a session without the MFA step
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/2fa/reauthenticate/" in response["Location"]


def test_admin_is_closed_to_members(client, member):
    sign_in(client, member.email)
    assert client.get("/admin/", follow=True).status_code == 403
    client.logout()
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain[-1][0].startswith("/accounts/login/")


def test_members_may_turn_on_totp_and_then_need_it_to_sign_in(client, member):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    response = sign_in(client, member.email, totp_secret=secret)
    assert response["Location"] == "/dashboard/"
    assert Authenticator.objects.filter(user=member).count() == 1


def test_totp_secret_is_encrypted_at_rest(make_staff, django_db_blocker):
    from django.db import connection

    staff, secret = make_staff(roles.MARKETING)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [staff.pk])
        (raw,) = cursor.fetchone()
    assert secret not in str(raw)
