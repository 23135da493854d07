"""The privacy registry: every personal field declared; important ones encrypted; keys rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from snshelper.accounts.models import Member
from snshelper.core import encryption
from snshelper.privacy import registry
from snshelper.privacy.retention import RULES

PHONE = "0812345678"


def test_every_field_of_every_table_is_declared_personal_or_not_personal_with_a_reason():
    """Issue 15 point 7: ours, Django's, allauth's, the many-to-many tables; no name is exempt."""
    assert registry.undeclared_fields() == []
    assert registry.declared_twice() == []
    checked = {model._meta.label for model in registry.stored_models()}
    assert {"orders.Subscription", "pages.PageVersion", "maintenance.MaintenanceSwitch"} <= checked
    assert {"sessions.Session", "account.EmailAddress", "mfa.Authenticator"} <= checked
    assert "accounts.Member_groups" in checked  # the table behind a many-to-many field


def test_dropping_the_declaration_of_an_sns_account_id_fails_the_check(monkeypatch):
    """The mutation of issue 15: `orders.Subscription.username` undeclared must not pass."""
    dropped = ("orders.Subscription", "username")
    without = {key: d for key, d in registry._declarations.items() if key != dropped}
    monkeypatch.setattr(registry, "_declarations", without)
    assert registry.undeclared_fields() == ["orders.Subscription.username"]


@pytest.mark.parametrize("field", ["id", "member", "status", "quantity", "created_at", "is_active"])
def test_dropping_any_field_of_the_registry_copy_fails_the_check_whatever_its_name(monkeypatch, field):
    model = {
        "member": "orders.Order",
        "quantity": "orders.Order",
        "is_active": "catalog.Service",
        "created_at": "pages.Page",
    }.get(field, "support.Consultation")
    without = {key: e for key, e in registry._exemptions.items() if key != (model, field)}
    assert len(without) == len(registry._exemptions) - 1
    monkeypatch.setattr(registry, "_exemptions", without)
    assert registry.undeclared_fields() == [f"{model}.{field}"]


def test_not_personal_names_each_field_and_a_reason(test_apps):
    with pytest.raises(ValueError):
        registry.not_personal("orders.Order", reason="no field named")
    with pytest.raises(ValueError):
        registry.not_personal("orders.Order", "quantity", reason=" ")


def test_every_declaration_names_a_field_that_exists():
    assert registry.dangling_entries() == []


def test_every_declaration_names_a_known_retention_rule():
    assert {d.retention for d in registry.declarations()} <= set(RULES)


def test_every_important_field_is_encrypted():
    assert registry.unencrypted_important() == []


@pytest.fixture
def test_apps(monkeypatch):
    """A separate model registry the registry checks look at, for models made up by a test."""
    with isolate_apps("snshelper.accounts") as test_apps:
        monkeypatch.setattr(registry, "apps", test_apps)
        yield test_apps


def test_an_undeclared_field_of_a_new_model_fails_the_check(test_apps):
    class Reseller(models.Model):
        display_name = models.CharField(max_length=50)
        mobile = models.CharField(max_length=20)
        quantity = models.IntegerField()

        class Meta:
            app_label = "accounts"

    missing = registry.undeclared_fields()
    # Every field, whatever its name or type: not only the personal-looking ones.
    assert missing == [
        "accounts.Reseller.id",
        "accounts.Reseller.display_name",
        "accounts.Reseller.mobile",
        "accounts.Reseller.quantity",
    ]
    registry.not_personal("accounts.Reseller", "id", "quantity", reason="A row number; a count of units.")
    try:
        assert registry.undeclared_fields() == ["accounts.Reseller.display_name", "accounts.Reseller.mobile"]
    finally:
        for name in ("id", "quantity"):
            registry._exemptions.pop(("accounts.Reseller", name))


def test_an_important_field_stored_in_clear_fails_the_check(monkeypatch, test_apps):
    class BankAccount(models.Model):
        account_number = models.CharField(max_length=30)

        class Meta:
            app_label = "accounts"

    monkeypatch.setattr(registry, "_declarations", {})
    registry.personal_data(
        BankAccount,
        "account_number",
        category=registry.Category.FINANCIAL,
        purpose=registry.Purpose.CONTRACT_PAYMENT,
        retention="payment",
        important=True,
    )
    assert registry.unencrypted_important() == ["accounts.BankAccount.account_number"]


@pytest.mark.django_db
def test_phone_numbers_never_reach_the_database_in_clear(make_member):
    member = make_member(phone=PHONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_member WHERE id = %s", [member.pk])
        (stored,) = cursor.fetchone()
    assert PHONE not in stored
    assert Member.objects.get(pk=member.pk).phone == PHONE


@pytest.mark.django_db
def test_key_rotation_reencrypts_so_the_old_key_is_no_longer_needed(make_member, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    member = make_member(phone=PHONE)
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert Member.objects.get(pk=member.pk).phone == PHONE
    settings.FIELD_ENCRYPTION_KEYS = [old_key]  # and really no longer opens the data
    with pytest.raises(Exception, match="cannot be opened"):
        Member.objects.get(pk=member.pk).phone  # noqa: B018


@pytest.mark.django_db
def test_totp_secret_still_works_after_key_rotation(make_staff, settings, client):
    from tests.conftest import sign_in

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    staff, secret = make_staff("support")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert sign_in(client, staff.email, totp_secret=secret)["Location"] == "/dashboard/"


def test_encrypted_values_are_salted_so_equal_values_do_not_match():
    assert encryption.encrypt(PHONE) != encryption.encrypt(PHONE)


def test_every_model_with_personal_data_says_which_member_owns_its_rows():
    assert registry.unowned_models() == []
