"""Members: sign up with name, email and password only; verify; sign in; reset; change."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from snshelper.accounts.models import MEMBER_ID_ALPHABET, Member
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"


def _link(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0).replace("http://testserver", "")


def _sign_up(client, **overrides):
    data = {
        "name": "Malee Srisuk",
        "email": "malee@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_signup_asks_only_name_email_and_password(client):
    form = client.get("/accounts/signup/").context["form"]
    assert list(form.fields) == ["name", "email", "password1", "password2"]
    assert all(form.fields[name].required for name in form.fields)


def test_signup_creates_an_unverified_member_and_mails_a_verification_link(client, real_password_hashers):
    response = _sign_up(client)
    assert response.status_code == 302
    member = Member.objects.get(email="malee@example.test")
    assert member.name == "Malee Srisuk"
    assert member.password.startswith("argon2$argon2id$")  # the project's hasher, not the tests' fast one
    assert not EmailAddress.objects.get(user=member).verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["malee@example.test"]


def test_unverified_member_cannot_sign_in_until_the_link_is_followed(client):
    _sign_up(client)
    client.logout()
    response = sign_in(client, "malee@example.test")
    assert response["Location"].endswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session

    confirm_page = _link(mail.outbox[-1])
    client.post(confirm_page)
    assert EmailAddress.objects.get(email="malee@example.test").verified
    response = sign_in(client, "malee@example.test")
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_signup_without_a_name_is_refused_in_thai_and_saves_nothing(client):
    response = _sign_up(client, name="", password2="different-password-1")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "password2" in errors
    assert "ฟิลด์นี้จำเป็น" in errors["name"][0]  # Thai is the default language
    assert not Member.objects.exists()


def test_member_id_is_short_public_and_not_the_database_key(member, make_member):
    other = make_member()
    for m in (member, other):
        assert re.fullmatch(rf"SH-[{MEMBER_ID_ALPHABET}]{{8}}", m.member_id)
    assert member.member_id != other.member_id


def test_password_reset_by_mailed_link(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    assert mail.outbox[-1].to == [member.email]
    response = client.get(_link(mail.outbox[-1]))
    set_password_page = response["Location"]
    response = client.post(set_password_page, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, member.email, PASSWORD).status_code == 200  # old one refused
    assert sign_in(client, member.email, NEW_PASSWORD)["Location"] == "/dashboard/"


def test_password_change_needs_the_current_password(client, member):
    sign_in(client, member.email)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_sign_out(client, member):
    sign_in(client, member.email)
    client.post("/accounts/logout/")
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_profile_edits_name_and_optional_phone_and_rejects_bad_phone(client, member):
    sign_in(client, member.email)
    bad = client.post("/accounts/profile/", {"name": "Somchai J.", "phone": "call me"})
    assert bad.status_code == 200 and "phone" in bad.context["form"].errors
    member.refresh_from_db()
    assert member.name == "Somchai Jaidee"  # nothing half-saved
    client.post("/accounts/profile/", {"name": "Somchai J.", "phone": "081 234 5678"})
    member.refresh_from_db()
    assert (member.name, member.phone) == ("Somchai J.", "081 234 5678")
    client.post("/accounts/profile/", {"name": "Somchai J.", "phone": ""})
    member.refresh_from_db()
    assert member.phone == ""
