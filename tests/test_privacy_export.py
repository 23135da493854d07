"""The "view" right's export (P9) with the disclosures of the member's data listed in it (P7):
every registered field of the member's records, nothing of anyone else's, behind identity
verification and a link that expires."""

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from ipaddress import ip_network
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from django.utils import translation
from django.utils.dateparse import parse_datetime
from huey.contrib.djhuey import HUEY
from PIL import Image

from snshelper.accounts import services as account_services
from snshelper.accounts.models import LoginRecord
from snshelper.api import services as api_services
from snshelper.api.models import IdempotentRequest
from snshelper.core import clock as clock_module
from snshelper.core import encrypted_files
from snshelper.notifications.models import DeliveryStatus, Notification
from snshelper.orders import services as orders
from snshelper.orders.models import (
    CancelRequest,
    Order,
    RefillRequest,
    Subscription,
    SubscriptionPost,
    SubscriptionTransition,
)
from snshelper.pages import selectors as page_selectors
from snshelper.pages import services as page_services
from snshelper.privacy import registry
from snshelper.privacy.models import (
    BreachIncident,
    BreachNotice,
    CookieChoice,
    CorrectionNotice,
    DataExport,
    DataSubjectRequest,
    DestructionLog,
    LegalHold,
    PolicyChangeNotice,
    PolicyVersion,
    ProcessingSuspension,
    RequestStep,
)
from snshelper.privacy.registry import Category
from snshelper.privacy_rights import disclosures, tasks
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.requests import identity, inquiries
from snshelper.staff.models import HandOver, SecurityPledge, TrainingSession
from snshelper.wallet import memos
from snshelper.wallet import services as wallet
from snshelper.web.models import PopupSeen
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------------


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def populate(member, tag: str, service, officer) -> dict:
    """Give ``member`` rows in every kind of record the registry says a member owns, with values
    carrying ``tag`` wherever a value is free text. Returns the values that must be unmistakable."""
    now = clock_module.now()
    phone = "08" + str(abs(hash(tag)) % 10**8).zfill(8)
    account_services.update_profile(member=member, name=f"Name {tag}", phone=phone)
    wallet.credit_top_up(member=member, amount=Decimal("1000"), idempotency_key=f"fund-{tag}")
    login = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=f"Agent-{tag}")
    account_services.record_sign_in(request=login, member=member, result=LoginRecord.Result.SUCCESS)
    TOTP.activate(member, generate_totp_secret())

    link = f"https://www.instagram.com/{tag.lower()}.shop/"
    order = orders.place_order(member=member, service=service, link=link, quantity=100)
    Order.objects.filter(pk=order.pk).update(comments=f"Comment {tag}", type_fields={"usernames": [tag]})
    second = orders.place_order(member=member, service=service, link=link + "p/2/", quantity=100)
    IdempotentRequest.objects.create(member=member, key=f"order-{tag}", fingerprint="f" * 64, order=order)
    RefillRequest.objects.create(order=order, reason=f"Refill {tag}")
    CancelRequest.objects.create(order=second, reason=f"Cancel {tag}")
    subscription = Subscription.objects.create(order=order, username=f"user_{tag}", min=100, max=200)
    SubscriptionPost.objects.create(
        subscription=subscription, link=f"https://www.instagram.com/p/{tag}/", order=second, due_at=now
    )
    SubscriptionTransition.objects.create(subscription=subscription, to_status="Active", reason=f"Sub {tag}")

    wallet.create_bank_transfer_top_up(
        member=member,
        amount=Decimal("500"),
        bank_account="kbank",
        transferred_at=now - timedelta(minutes=5),
        payer_name=f"Payer {tag}",
        payer_bank="SCB",
        slip=_png(f"slip-{tag}.png"),
    )
    account_number = "1" + str(abs(hash(tag + "bank")) % 10**11).zfill(11)
    wallet.save_refund_account(
        member=member, bank_name="KBank", account_holder=f"Holder {tag}", account_number=account_number
    )
    wallet.request_withdrawal(member=member, amount=Decimal("50"), idempotency_key=f"wd-{tag}")
    key = api_services.create_key(member=member, name="panel", networks=[ip_network("198.51.100.7")])
    api_services.authenticate(secret=key.secret, ip="198.51.100.7")

    correction = DataSubjectRequest.objects.create(
        member=member,
        kind=DataSubjectRequest.Kind.CORRECT,
        status=DataSubjectRequest.Status.DONE,
        due_at=now + timedelta(days=10),
        verified_at=now,
        target="orders.Order.link",
        target_id=str(order.pk),
        requested_value=f"https://www.instagram.com/{tag.lower()}.fixed/",
        details=f"Details {tag}",
        answer=f"Answer {tag}",
    )
    RequestStep.objects.create(request=correction, action="received", note=f"Step {tag}")
    identity.start_check(member=member)
    inquiries.ask(member=member, kind="question", subject=f"Subject {tag}", body=f"Body {tag}")
    disclosure = disclosures.record_disclosure(
        by=officer,
        recipient="Police Cyber Division",
        legal_basis="Computer Crime Act s.18",
        fields=["accounts.Member.name", "accounts.Member.phone", "orders.Order.link"],
        member_ids=[member.member_id],
        disclosed_at=now - timedelta(days=1),
    )
    CorrectionNotice.objects.create(
        disclosure=disclosure, member=member, field="orders.Order.link", text=f"Corrected {tag}"
    )
    version = PolicyVersion.objects.get_or_create(
        number=1, defaults={"effective_at": now - timedelta(days=30), "texts": {"en": "policy"}}
    )[0]
    PolicyChangeNotice.objects.create(version=version, member=member, seen_at=now)
    CookieChoice.objects.create(member=member, accepted=False, policy_version=1)
    PopupSeen.objects.create(member=member, up_to=4217)  # the announcement popup closed (issue 17)
    incident = BreachIncident.objects.create(title=f"Incident {tag}", found_at=now, what_happened="A leak")
    BreachNotice.objects.create(
        incident=incident, member=member, language="en", text=f"Breach notice {tag}", seen_at=now
    )
    # Notices (the notification centre, its deliveries) and the channels the member chose for them.
    from allauth.socialaccount.models import SocialAccount

    from snshelper.notifications import services as notification_services

    notification_services.choose_channels(member=member, email=True, line=True)
    SocialAccount.objects.create(user=member, provider="line", uid=f"U-{tag}", extra_data={})
    notification_services.notify(
        member=member, kind="order_completed", params={"number": order.pk}, link=f"/orders/{order.pk}/"
    )
    # A consultation about the order, with a screenshot, closed (issue 8).
    from snshelper.support import services as support

    consultation = support.open_consultation(
        member=member,
        topic="order",
        subject=f"Consultation {tag}",
        body=f"Message {tag}",
        order=order,
        files=[_png(f"shot-{tag}.png")],
    )
    support.close(consultation=consultation, by=member)
    ProcessingSuspension.objects.create(member=member)
    LegalHold.objects.create(member=member, reason=f"Hold {tag}", placed_by=officer)
    # Staff records (P17): the member as a former staff member.
    SecurityPledge.objects.create(staff=member, version="2026-11", signed_at=now, text_hash="0" * 64)
    TrainingSession.objects.create(
        staff=member, held_on=date(2026, 1, 5), topic="Security", hours=1, notes=f"Training {tag}"
    )
    HandOver.objects.create(
        staff=member,
        effective_at=now,
        reassigned_to=officer,
        open_work_summary=f"Hand-over {tag}",
        responsibility_statement=f"Responsibility {tag}",
    )
    # The version of the terms of service the member accepted at sign-up (issue 18).
    terms = page_selectors.published_terms() or (
        page_services.create_page(
            slug="terms", kind="terms", title_th="ข้อตกลง", body_th="ข้อตกลงการใช้บริการ", is_published=True
        ).current
    )
    page_services.record_terms_acceptance(member=member, version=terms)
    return {
        "name": f"Name {tag}",
        "email": member.email,
        "member_id": member.member_id,
        "phone": phone,
        "link": link,
        "payer": f"Payer {tag}",
        "holder": f"Holder {tag}",
        "account_number": account_number,
        "agent": f"Agent-{tag}",
        "details": f"Details {tag}",
        "inquiry": f"Body {tag}",
        "hold": f"Hold {tag}",
    }


@pytest.fixture
def officer(make_staff):
    return make_staff("privacy_officer")[0]


@pytest.fixture
def service(make_service):
    return make_service()


def prepared(member) -> DataExport:
    """A "view" request and its export, prepared as the queue would."""
    request = export.request_view(member=member)
    return export.prepare(request.export)


def clear_bytes(found: DataExport) -> bytes:
    """The export's content, decrypted (the file on disk is encrypted: tests/test_privacy_files.py)."""
    with encrypted_files.open_for_reading(Path(settings.MEDIA_ROOT, found.path)) as source:
        return source.read()


def load(found: DataExport) -> dict:
    return json.loads(clear_bytes(found).decode())


def _expected(value, declaration):
    """What the export must say for a value read through the model (decrypted)."""
    if declaration.category == Category.CREDENTIAL:
        return export.WITHHELD if value not in (None, "", {}) else None
    if isinstance(value, FieldFile):
        return value.name
    return value


def _as_written(text, value):
    """Bring the file's value to the expectation's type, to compare like with like."""
    if isinstance(value, datetime):
        return parse_datetime(text)
    if isinstance(value, date):
        return date.fromisoformat(text)
    if isinstance(value, Decimal):
        return Decimal(text)
    return text


def _code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def verify_identity(client):
    client.post("/account/privacy/verify/", {"action": "send"})
    client.post(
        "/account/privacy/verify/", {"action": "verify", "password": PASSWORD, "code": _code_from_mail()}
    )


# --- P9: the export holds every registered field of the member --------------------------------


def test_p9_view_export_holds_every_registered_field_of_the_member(funded, service, officer):
    populate(funded, "SOMCHAI", service, officer)
    request = export.request_view(member=funded)
    # What the member's records hold when the file is written, read through the models.
    snapshot = {}
    for label in registry.owned_models():
        declarations = registry.declarations_for(label)
        rows = registry.member_rows(label, funded)
        snapshot[label] = {
            obj.pk: {d.field: _expected(getattr(obj, d.field), d) for d in declarations} for obj in rows
        }
        assert snapshot[label], f"the test member has no {label} row: add one to populate()"

    data = load(export.prepare(request.export))

    assert data["member_id"] == funded.member_id
    assert data["policy_version"] == 1
    assert set(data["records"]) == set(registry.owned_models())
    for label, expected_rows in snapshot.items():
        record = data["records"][label]
        declared = [d.field for d in registry.declarations_for(label)]
        assert list(record["fields"]) == declared, label
        for name in declared:
            assert {"label", "category", "purpose", "retention"} <= set(record["fields"][name])
        assert record["count"] == len(record["rows"]) == len(expected_rows), label
        for row in record["rows"]:
            assert set(row) == {"id", *declared}, label
            expected = expected_rows[row["id"]]
            for name in declared:
                if label == "privacy.Disclosure" and name == "bundle":
                    continue  # a JSON document: checked in the P7 test
                written = row[name]
                want = expected[name]
                if label == "wallet.LedgerTransaction" and name == "memo":  # a code and parameters,
                    with translation.override(funded.language or settings.LANGUAGE_CODE):  # shown in
                        want = memos.render(want)  # the member's language
                if written is not None and want is not None:
                    written = _as_written(written, want)
                assert written == want, f"{label}.{name} of row {row['id']}"


def test_view_export_gives_encrypted_data_in_clear_and_withholds_sign_in_secrets(funded, service, officer):
    values = populate(funded, "SOMCHAI", service, officer)
    text = clear_bytes(prepared(funded)).decode()
    data = json.loads(text)

    (account,) = data["records"]["wallet.RefundBankAccount"]["rows"]
    assert (account["account_holder"], account["account_number"]) == (
        values["holder"],
        values["account_number"],
    )
    (member_row,) = data["records"]["accounts.Member"]["rows"]
    assert member_row["phone"] == values["phone"] and member_row["name"] == values["name"]
    assert member_row["password"] == export.WITHHELD
    assert data["records"]["accounts.Member"]["fields"]["password"]["withheld"]
    funded.refresh_from_db()
    assert funded.password not in text  # not the Argon2 hash
    (authenticator,) = data["records"]["mfa.Authenticator"]["rows"]
    assert authenticator["data"] == export.WITHHELD
    assert all(
        check["code_hash"] == export.WITHHELD for check in data["records"]["privacy.IdentityCheck"]["rows"]
    )
    (top_up,) = [t for t in data["records"]["wallet.TopUp"]["rows"] if t["payer_name"]]
    assert top_up["payer_name"] == values["payer"] and top_up["slip"].startswith("slips/")
    assert top_up["amount"] == "500.00"


def test_view_export_holds_nothing_of_other_members(funded, make_member, service, officer):
    other = make_member(email="malee@example.test", name="Malee")
    ours = populate(funded, "SOMCHAI", service, officer)
    theirs = populate(other, "MALEESENTINEL", service, officer)
    # A provision about both of them: their part of the bundle is theirs alone.
    disclosures.record_disclosure(
        by=officer,
        recipient="Revenue Department",
        legal_basis="Revenue Code s.3",
        fields=["accounts.Member.name", "accounts.Member.email", "wallet.RefundBankAccount.account_number"],
        member_ids=[funded.member_id, other.member_id],
        disclosed_at=clock_module.now() - timedelta(hours=1),
    )

    raw = clear_bytes(prepared(funded))
    text = raw.decode()

    for name, value in theirs.items():
        assert value.encode() not in raw, f"the other member's {name} is in the export"
    assert b"MALEESENTINEL" not in raw
    for name in ("name", "phone", "link", "payer", "holder", "account_number", "details", "inquiry", "hold"):
        assert ours[name] in text, f"the member's own {name} is missing"
    data = json.loads(text)
    own_orders = set(Order.objects.filter(member=funded).values_list("pk", flat=True))
    assert {row["id"] for row in data["records"]["orders.Order"]["rows"]} == own_orders


# --- P7: disclosures listed in the export --------------------------------------------------------


def test_p7_view_export_lists_disclosures_of_the_member(member, make_member, officer):
    other = make_member(email="malee@example.test", name="Malee Sentinel")
    when = clock_module.now() - timedelta(days=2)
    both = disclosures.record_disclosure(
        by=officer,
        recipient="Police Cyber Division",
        recipient_contact="cyber@police.test",
        legal_basis="Computer Crime Act s.18",
        fields=["accounts.Member.name", "accounts.Member.email"],
        member_ids=[member.member_id, other.member_id],
        disclosed_at=when,
    )
    disclosures.record_disclosure(  # about the other member only: not listed to this one
        by=officer,
        recipient="Department of Special Investigation",
        legal_basis="Special Case Investigation Act",
        fields=["accounts.Member.name"],
        member_ids=[other.member_id],
        disclosed_at=when,
    )
    CorrectionNotice.objects.create(
        disclosure=both, member=member, field="accounts.Member.name", text="Name corrected"
    )

    data = load(prepared(member))

    (listed,) = data["disclosures"]
    assert listed["recipient"] == "Police Cyber Division"
    assert listed["legal_basis"] == "Computer Crime Act s.18"
    assert listed["fields"] == ["accounts.Member.name", "accounts.Member.email"]
    assert parse_datetime(listed["disclosed_at"]) == when
    assert all(":" in label for label in listed["field_labels"])  # "Member: name", not keys
    # The bundle handed over, as far as it is about this member.
    (record,) = data["records"]["privacy.Disclosure"]["rows"]
    assert [part["member_id"] for part in record["bundle"]["members"]] == [member.member_id]
    assert record["bundle"]["members"][0]["accounts.Member.email"] == [member.email]
    assert other.email not in json.dumps(data) and other.member_id not in json.dumps(data)
    (notice,) = data["correction_notices"]
    assert (notice["recipient"], notice["field"]) == ("Police Cyber Division", "accounts.Member.name")


def test_p7_the_export_page_lists_disclosures_to_the_member(client, member, officer):
    disclosures.record_disclosure(
        by=officer,
        recipient="Police Cyber Division",
        legal_basis="Computer Crime Act s.18",
        fields=["accounts.Member.phone"],
        member_ids=[member.member_id],
        disclosed_at=clock_module.now() - timedelta(days=1),
    )
    found = prepared(member)
    sign_in(client, member.email)
    verify_identity(client)
    page = client.get(f"/account/privacy/exports/{found.token}/").content.decode()
    section = page.split('data-testid="export-disclosures"', 1)[1]
    assert "Police Cyber Division" in section and "Computer Crime Act s.18" in section


# --- The request: queued, due in 10 days, every step logged ------------------------------------


def test_view_request_is_due_in_10_days_prepared_by_the_queue_and_every_step_logged(
    member, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = export.request_view(member=member)
    request.refresh_from_db()

    assert request.kind == DataSubjectRequest.Kind.VIEW
    assert request.due_at == request.created_at + timedelta(days=10) == clock.now() + timedelta(days=10)
    found = DataExport.objects.get(request=request)
    assert found.ready_at == clock.now() and found.size == len(clear_bytes(found))  # the clear size
    assert found.path.startswith("exports/") and len(Path(found.path).stem) >= 32
    assert found.expires_at == found.ready_at + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    assert request.status == DataSubjectRequest.Status.DONE and request.closed_at == clock.now()
    assert list(request.steps.values_list("action", flat=True)) == ["received", "prepared", "mailed"]
    assert all(member.email not in step.note for step in request.steps.all())
    (sent,) = [m for m in mail.outbox if m.to == [member.email] and found.token in m.body]
    assert f"/account/privacy/exports/{found.token}/" in sent.body
    # The "ready" notice is in the notification centre too, linking to the export page.
    notice = Notification.objects.get(member=member, kind="privacy_export_ready")
    assert notice.required and notice.link == f"/account/privacy/exports/{found.token}/"
    assert notice.deliveries.get(channel="email").status == DeliveryStatus.SENT


def test_view_request_still_answered_on_site_when_the_email_is_under_correction(member):
    DataSubjectRequest.objects.create(
        member=member,
        kind=DataSubjectRequest.Kind.CORRECT,
        due_at=clock_module.now() + timedelta(days=10),
        verified_at=clock_module.now(),
        target="accounts.Member.email",
        requested_value="new@example.test",
    )
    mail.outbox.clear()
    found = prepared(member)
    assert found.ready_at is not None and mail.outbox == []
    assert "not_mailed" in found.request.steps.values_list("action", flat=True)
    notice = Notification.objects.get(member=member, kind="privacy_export_ready")  # on site
    assert notice.deliveries.get(channel="email").status == DeliveryStatus.REFUSED


def test_a_member_who_stopped_processing_still_gets_the_export_ready_notice(
    member, django_capture_on_commit_callbacks
):
    from snshelper.privacy.models import ProcessingSuspension

    ProcessingSuspension.objects.create(member=member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = export.request_view(member=member)
    found = DataExport.objects.get(request=request)
    assert Notification.objects.filter(member=member, kind="privacy_export_ready").exists()
    assert [m.to for m in mail.outbox if found.token in m.body] == [[member.email]]


def test_a_second_view_request_while_one_is_prepared_is_the_same_request(member):
    first = export.request_view(member=member)
    assert export.request_view(member=member) == first
    export.prepare(first.export)
    assert export.request_view(member=member) != first


# --- The pages: the owner, verified, before the link expires -----------------------------------


def test_export_link_works_before_it_expires_and_is_gone_after(client, member, clock):
    found = prepared(member)
    sign_in(client, member.email)
    clock.travel_to(found.expires_at - timedelta(minutes=1))
    verify_identity(client)

    page = client.get(f"/account/privacy/exports/{found.token}/")
    assert page.status_code == 200
    assert member.member_id in page.content.decode() and "Somchai Jaidee" in page.content.decode()
    download = client.get(f"/account/privacy/exports/{found.token}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="snshelper-{member.member_id}-{clock.now():%Y-%m-%d}.json"'
    )
    assert json.loads(b"".join(download.streaming_content))["member_id"] == member.member_id
    found.refresh_from_db()
    assert found.downloaded_at == clock.now()
    assert "downloaded" in found.request.steps.values_list("action", flat=True)

    clock.travel_to(found.expires_at)
    for path in ("", "download/"):
        gone = client.get(f"/account/privacy/exports/{found.token}/{path}", HTTP_ACCEPT_LANGUAGE="en")
        assert gone.status_code == 410
        assert "This link has expired" in gone.content.decode()
        assert "Somchai Jaidee" not in gone.content.decode()


def test_p4_the_copy_is_destroyed_by_a_job_at_its_links_expiry_not_by_the_nightly_sweep(
    member, clock, django_capture_on_commit_callbacks
):
    HUEY.flush()
    with django_capture_on_commit_callbacks(execute=True):
        request = export.request_view(member=member)  # the queue prepares it at once (immediate mode)
    found = DataExport.objects.get(request=request)
    file = Path(settings.MEDIA_ROOT, found.path)
    assert found.ready_at is not None and file.is_file()
    [job] = [task for task in HUEY.scheduled() if task.name.endswith("destroy_expired_exports")]
    expiry_utc = found.expires_at.astimezone(UTC).replace(tzinfo=None)
    assert expiry_utc < job.eta <= expiry_utc + timedelta(seconds=5)  # at the expiry, not at 03:30

    clock.travel_to(found.expires_at - timedelta(seconds=1))
    tasks.destroy_expired_exports()  # a moment early: still the member's
    assert file.is_file()
    clock.travel_to(found.expires_at + tasks.EXPIRY_GRACE)
    HUEY.execute(job, timestamp=job.eta)  # the worker runs the job at its time
    found.refresh_from_db()
    assert not file.exists() and (found.path, found.size) == ("", 0)
    logged = DestructionLog.objects.get(rule="exports", record_type="privacy.DataExport")
    assert logged.count == 1 and logged.ran_at == clock.now()
    HUEY.flush()


def test_another_member_cannot_open_the_export(client, member, make_member):
    found = prepared(member)
    other = make_member(email="malee@example.test")
    sign_in(client, other.email)
    verify_identity(client)
    assert client.get(f"/account/privacy/exports/{found.token}/").status_code == 404
    assert client.get(f"/account/privacy/exports/{found.token}/download/").status_code == 404
    found.refresh_from_db()
    assert found.downloaded_at is None


def test_an_unverified_member_is_sent_to_verify_and_a_stranger_to_sign_in(client, member):
    found = prepared(member)
    url = f"/account/privacy/exports/{found.token}/download/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    sign_in(client, member.email)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/account/privacy/verify/")
    found.refresh_from_db()
    assert found.downloaded_at is None


def test_export_page_says_when_the_copy_is_still_being_prepared(client, member):
    request = export.request_view(member=member)  # the queue has not run it yet
    sign_in(client, member.email)
    verify_identity(client)
    page = client.get(f"/account/privacy/exports/{request.export.token}/")
    assert page.status_code == 200 and 'data-testid="export-pending"' in page.content.decode()
    download = client.get(f"/account/privacy/exports/{request.export.token}/download/")
    assert (
        "Content-Disposition" not in download and 'data-testid="export-pending"' in download.content.decode()
    )


def test_a_large_export_is_shown_a_page_at_a_time(client, member, service):
    rows = [
        Order(
            member=member,
            service=service,
            link=f"https://www.instagram.com/p/bulk{n:04d}/",
            quantity=100,
            rate=Decimal("90"),
            charge=Decimal("9"),
        )
        for n in range(1, 651)
    ]
    Order.objects.bulk_create(rows)
    found = prepared(member)
    sign_in(client, member.email)
    verify_identity(client)

    overview = client.get(f"/account/privacy/exports/{found.token}/").content.decode()
    assert "bulk0100/" in overview and "bulk0101/" not in overview
    assert "?type=orders.Order" in overview
    second = client.get(f"/account/privacy/exports/{found.token}/?type=orders.Order&page=2").content.decode()
    assert "bulk0501/" in second and "bulk0650/" in second and "bulk0500/" not in second
    assert 'data-type="accounts.Member"' not in second


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL writes the JSON of plain columns")
def test_the_json_postgresql_writes_is_the_json_python_writes(funded, service, officer):
    """On PostgreSQL the database makes each line's JSON text where it can (for speed); it must be
    exactly the text Python makes on any database, whatever the values."""
    populate(funded, "SOMCHAI", service, officer)
    awkward = 'ก "quoted" \\ back\nline\ttab \x01 ✓ </script>'
    order = Order.objects.filter(member=funded).first()
    Order.objects.filter(pk=order.pk).update(
        comments=awkward,
        type_fields={"usernames": ["ผู้ใช้", awkward], "answer_number": 3, "nested": {"b": None, "a": True}},
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds
        charge=Decimal("10"),
    )
    export.request_view(member=funded)
    for kind in export._kinds():
        by_database = list(export._lines(kind, funded, in_sql=True))
        by_python = list(export._lines(kind, funded, in_sql=False))
        assert by_database == by_python, kind.label
        assert [json.loads(line)["id"] for line in by_database], kind.label
    orders_kind = next(kind for kind in export._kinds() if kind.model is Order)
    (line,) = [x for x in export._lines(orders_kind, funded) if x.startswith(f'{{"id": {order.pk},')]
    written = json.loads(line)
    assert (written["created_at"], written["comments"]) == ("2026-01-02T03:04:05+00:00", awkward)
