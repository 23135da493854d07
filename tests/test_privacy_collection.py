"""What we collect (P1), what is collected automatically and where it goes (P2), and the only
ways personal data can leave us (P7)."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

from snshelper.accounts.forms import ProfileForm, SignupForm
from snshelper.accounts.models import LoginRecord
from snshelper.privacy import recipients, registry
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


# --- P7: the only code that sends data out is the code the recipients' declarations name --------
#
# The scan reads every module of the project (settings and commands included) and collects what can
# send data outside: an import of a network or mail module in any spelling (``import x.y``,
# ``from x import y``, ``from x.y import z as w``, ``importlib.import_module("x")``), a dotted use
# of one (``django.core.mail.send_mail``), a call of a sending function on any object
# (``mail.send_mail``, ``get_adapter().send_mail``, ``member.email_user``), and a setting that names
# a sending backend. Before, only ``from ... import send_mail`` was seen, so
# ``from django.core import mail; mail.send_mail(...)`` slipped past: ``mail`` is neither a module
# the list named nor a sending name.

OUTBOUND_MODULES = (
    "aiohttp",
    "boto3",
    "botocore",
    "django.core.mail",
    "ftplib",
    "grpc",
    "http.client",
    "httpx",
    "linebot",
    "paramiko",
    "pycurl",
    "requests",
    "smtplib",
    "socket",
    "ssl",
    "subprocess",
    "telnetlib",
    "urllib.request",
    "urllib3",
    "websocket",
    "websockets",
    "xmlrpc.client",
)
OUTBOUND_CALLS = {
    "AdminEmailHandler",
    "EmailMessage",
    "EmailMultiAlternatives",
    "create_connection",
    "email_user",
    "mail_admins",
    "mail_managers",
    "popen",
    "push_message",
    "send_mail",
    "send_mass_mail",
    "system",
    "urlopen",
}


def _outbound(name: str) -> str | None:
    """The outbound module ``name`` is or lies in, if any."""
    return next((m for m in OUTBOUND_MODULES if name == m or name.startswith(m + ".")), None)


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _is_path(text: str) -> bool:
    return "." in text and all(part.isidentifier() for part in text.split("."))


def _bindings(tree: ast.AST) -> dict[str, str]:
    """Local name → the module or object an import binds it to."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    bound[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def outbound_uses(source: str) -> set[str]:
    """What in this source can send data out: modules and calls, as they are named."""
    tree = ast.parse(source)
    bound = _bindings(tree)
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {alias.name for alias in node.names if alias.name in OUTBOUND_CALLS}
        elif isinstance(node, ast.Attribute):
            head, _dot, rest = _dotted(node).partition(".")
            if head in bound:  # a name an import bound: what it really is
                names = [f"{bound[head]}.{rest}"]
            if node.attr in OUTBOUND_CALLS and _dotted(node.value) != "os.path":
                found.add(node.attr)
        elif isinstance(node, ast.Call):
            callee = _dotted(node.func)
            if callee.rsplit(".", 1)[-1] in ("import_module", "__import__") and node.args:
                if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    names = [node.args[0].value]
            if isinstance(node.func, ast.Name) and node.func.id in OUTBOUND_CALLS:
                found.add(node.func.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_path(node.value):
            names = [node.value]  # a dotted path in a setting: "django.core.mail.backends.smtp..."
            if node.value.rsplit(".", 1)[-1] in OUTBOUND_CALLS:
                found.add(node.value)
        found |= {module for name in names if (module := _outbound(name))}
    return found


def senders_in(package: Path, prefix: str = "snshelper") -> dict[str, set[str]]:
    """Module (dotted) → what in it can send data out, for every module of ``package``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        uses = outbound_uses(path.read_text(encoding="utf-8"))
        if uses:
            module = ".".join((prefix, *path.relative_to(package).with_suffix("").parts))
            found[module.removesuffix(".__init__")] = uses
    return found


def undeclared_senders(found: dict[str, set[str]]) -> dict[str, set[str]]:
    allowed = set(recipients.senders()) | set(recipients.LOCAL_ONLY)
    return {module: uses for module, uses in found.items() if module not in allowed}


def test_p7_no_code_path_but_the_declared_ones_can_send_data_out():
    found = senders_in(PACKAGE)
    assert undeclared_senders(found) == {}
    # Every declaration names a module that really sends (no stale entry hides a removed one), and
    # the scan really sees the known senders in their own spellings.
    assert set(recipients.senders()) | set(recipients.LOCAL_ONLY) <= set(found)
    assert "django.core.mail" in found["snshelper.notifications.channels"]
    assert "linebot" in found["snshelper.notifications.channels"]
    assert "httpx" in found["snshelper.providers.client"]
    assert "socket" in found["snshelper.core.clamav"]


VIOLATIONS = {
    "module_mail": (
        "from django.core import mail\n\ndef f(m):\n    mail.send_mail('x', m.email, None, ['a@x.test'])\n"
    ),
    "dotted_mail": (
        "import django\n\ndef f(m):\n    django.core.mail.send_mail('x', m.phone, None, ['a@x.test'])\n"
    ),
    "import_mail": "import django.core.mail\n",
    "renamed": "from django.core.mail import send_mail as deliver\n",
    "adapter": "def f(adapter, m):\n    adapter.send_mail('t', m.email, {})\n",
    "email_user": "def f(m):\n    m.email_user('s', 'b')\n",
    "http": "import httpx\n",
    "urllib": "from urllib import request\n",
    "dynamic": "import importlib\nsmtp = importlib.import_module('smtplib')\n",
    "socket": "from socket import create_connection\n",
    "line": "from linebot.v3 import messaging\n",
    "setting": "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n",
}


def test_p7_the_scan_fails_on_each_way_of_sending_that_no_declaration_names(tmp_path):
    package = tmp_path / "snshelper"
    (package / "support").mkdir(parents=True)
    (package / "support" / "services.py").write_text(VIOLATIONS["module_mail"])
    for name, source in VIOLATIONS.items():
        (package / f"{name}.py").write_text(source)
    (package / "harmless.py").write_text(
        "from urllib.parse import urlencode\nfrom django.db import transaction\n"
        "def f():\n    return transaction.get_connection(), urlencode({}), 'import httpx'\n"
    )
    found = undeclared_senders(senders_in(package))
    assert set(found) == {"snshelper.support.services", *(f"snshelper.{name}" for name in VIOLATIONS)}
    assert found["snshelper.support.services"] == {"django.core.mail", "send_mail"}


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
