"""What we collect (P1), what is collected automatically and where it goes (P2), and the only
ways personal data can leave us (P7)."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

from snshelper.accounts.forms import ProfileForm, SignupForm
from snshelper.accounts.models import LoginRecord
from snshelper.privacy import registry
from snshelper.privacy.registry import Category
from tests.conftest import sign_in

PACKAGE = Path(__file__).resolve().parents[1] / "snshelper"


def test_p1_signup_asks_only_name_email_and_password(client, db):
    page = client.get("/accounts/signup/").content.decode()
    names = {
        name
        for name in ("name", "email", "password1", "password2", "phone", "birthday", "address")
        if f'name="{name}"' in page
    }
    assert names == {"name", "email", "password1", "password2"}
    assert list(SignupForm.base_fields) == ["name"]  # allauth adds email and the passwords


def test_p1_the_phone_number_is_optional():
    form = ProfileForm(data={"name": "Somchai Jaidee", "phone": ""})
    assert form.is_valid(), form.errors
    assert not ProfileForm.base_fields["phone"].required


def test_p1_every_declared_field_exists_and_every_personal_field_is_declared():
    assert registry.undeclared_fields() == []
    assert registry.dangling_entries() == []


def test_p1_the_registry_lists_only_the_kinds_of_data_the_policy_names():
    """The policy names: name, email, ID, password; phone, bank, account holder and number, billing
    and payment records, order data; what customers write; IP, time and usage records."""
    used = {declaration.category for declaration in registry.declarations()}
    assert used <= set(Category)
    assert Category.FINANCIAL in used and Category.ORDER_DATA in used and Category.ONLINE_IDENTIFIER in used


def test_p2_a_sign_in_writes_one_login_record_with_ip_time_and_browser(client, member):
    sign_in(client, member.email)
    record = LoginRecord.objects.get(member=member)
    assert record.ip_address == "127.0.0.1" and record.result == "success" and record.created_at


def test_p2_ip_addresses_are_stored_only_in_declared_online_identifiers():
    """A field that can hold an IP address exists only where the registry declares it."""
    holders = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.GenericIPAddressField) or field.name.endswith(
                ("_ip", "_ips", "ip_address")
            ):
                holders.add(f"{model._meta.label}.{field.name}")
    declared = {
        f"{d.model_label}.{d.field}"
        for d in registry.declarations()
        if d.category == Category.ONLINE_IDENTIFIER
    }
    assert holders and holders <= declared


def test_p2_usage_records_are_written_in_one_place_only():
    writers = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "LoginRecord.objects.create" in source or "LoginRecord(" in source.replace(
            "class LoginRecord(", ""
        ):
            writers.append(path.relative_to(PACKAGE).as_posix())
    assert writers == ["accounts/services.py"]


# Modules allowed to send anything outside: to upstream providers (order data only, proven in
# test_providers_forwarding), to the member themself, and the disclosure register.
OUTBOUND_ALLOWED = {
    "providers/client.py": "API v2 calls to providers: service, link, quantity and type fields only",
    "privacy_rights/requests/mail.py": "mail to the member it is about (identity codes)",
    "notifications/channels.py": "notices to the member they are about: email and LINE push",
    "privacy_rights/disclosures.py": "the disclosure register: provisions required by law",
    "providers/simulator.py": "the local provider simulator (listens on 127.0.0.1; sends nothing out)",
    "core/clamav.py": "the operator's own virus scanner (clamd): uploads are scanned, nothing leaves us",
}
OUTBOUND_MODULES = {
    "httpx",
    "requests",
    "urllib.request",
    "http.client",
    "smtplib",
    "socket",
    "aiohttp",
    "urllib3",
}
OUTBOUND_NAMES = {"EmailMessage", "EmailMultiAlternatives", "send_mail", "send_mass_mail", "mail_admins"}


def _outbound_uses(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in OUTBOUND_MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in OUTBOUND_MODULES:
                found.add(node.module)
            found |= {alias.name for alias in node.names if alias.name in OUTBOUND_NAMES}
    return found


def test_p7_no_code_path_but_the_allowed_ones_can_send_data_out():
    senders = {}
    for path in PACKAGE.rglob("*.py"):
        uses = _outbound_uses(ast.parse(path.read_text(encoding="utf-8")))
        if uses:
            senders[path.relative_to(PACKAGE).as_posix()] = uses
    assert set(senders) <= set(OUTBOUND_ALLOWED), senders


def test_p7_the_provider_connector_sends_only_order_data(funded, sold, simulator, clock):
    from snshelper.orders import services as orders
    from snshelper.providers import forwarding
    from snshelper.wallet import services as wallet

    funded.phone = "0812345678"
    funded.save()
    wallet.save_refund_account(
        member=funded, bank_name="KBank", account_holder="Somchai Jaidee", account_number="1234567890"
    )
    orders.place_order(
        member=funded, service=sold, link="https://www.instagram.com/p/Abc123/", quantity=sold.min_quantity
    )
    forwarding.forward_due()
    (sent,) = simulator.received_adds()
    assert set(sent) <= {"key", "action", "service", "link", "quantity", "idempotency_key"}
    everything = " ".join(str(value) for value in sent.values())
    for personal in (
        funded.email,
        "Somchai",
        "Jaidee",
        "0812345678",
        "1234567890",
        "KBank",
        funded.member_id,
    ):
        assert personal not in everything
