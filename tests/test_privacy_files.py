"""Files encrypted at rest (P14, issue 15 point 5): payment slips, consultation attachments and
"view" exports lie on disk encrypted with the field keys; only the pages that serve them to
someone allowed decrypt them; ``rotate_field_keys`` re-encrypts them; files from before stay
readable and ``encrypt_files`` encrypts them."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models

from snshelper.core import clock, encrypted_files
from snshelper.privacy_rights.export import services as export
from snshelper.support import services as support
from snshelper.support.models import Topic
from snshelper.wallet import services as wallet
from tests.conftest import sign_in
from tests.test_privacy_export import verify_identity

pytestmark = pytest.mark.django_db
SENTINEL = "SENTINEL-7f3a9c-do-not-leak"


def pdf(name="slip.pdf") -> SimpleUploadedFile:
    content = f"%PDF-1.4\n% {SENTINEL}\n1 0 obj << >> endobj\n%%EOF\n".encode()
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def raw_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def assert_no_sentinel_on_disk():
    files = raw_files()
    assert files, "nothing was written"
    for path in files:
        raw = path.read_bytes()
        assert SENTINEL.encode() not in raw, path
        assert raw.startswith(encrypted_files.HEADER), path


def slip_top_up(member):
    return wallet.create_bank_transfer_top_up(
        member=member,
        amount="500",
        bank_account="kbank",
        transferred_at=clock.now() - timedelta(minutes=3),
        payer_name="Somchai",
        payer_bank="SCB",
        slip=pdf(),
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_slip_is_encrypted_on_disk_and_finance_alone_sees_it_in_clear(client, member, make_staff):
    top_up = slip_top_up(member)
    assert_no_sentinel_on_disk()

    sign_in(client, member.email)
    assert client.get(f"/wallet/staff/top-ups/{top_up.pk}/slip/").status_code in (302, 403, 404)
    client.logout()
    finance, secret = make_staff("finance")
    sign_in(client, finance.email, totp_secret=secret)
    response = client.get(f"/wallet/staff/top-ups/{top_up.pk}/slip/")
    assert response.status_code == 200
    content = body(response)
    assert SENTINEL.encode() in content and content.startswith(b"%PDF-")
    assert int(response["Content-Length"]) == len(content)


def test_an_attachment_is_encrypted_on_disk_and_its_member_gets_it_in_clear(client, member, make_member):
    consultation = support.open_consultation(
        member=member, topic=Topic.OTHER, subject="Slip", body="See the file", files=[pdf("proof.pdf")]
    )
    attachment = consultation.messages.get().attachments.get()
    assert_no_sentinel_on_disk()

    other = make_member(email="other@example.test")
    sign_in(client, other.email)
    assert client.get(f"/support/attachments/{attachment.pk}/").status_code == 404
    client.logout()
    sign_in(client, member.email)
    response = client.get(f"/support/attachments/{attachment.pk}/")
    assert response.status_code == 200 and SENTINEL.encode() in body(response)


def test_an_export_is_encrypted_on_disk_and_read_in_clear_by_its_member(client, member):
    member.name = SENTINEL
    member.save(update_fields=["name"])
    request = export.request_view(member=member)
    found = export.prepare(request.export)
    assert_no_sentinel_on_disk()

    contents = export.read(export.file_path(found), limit=10)
    assert contents.header["member_id"] == member.member_id
    sign_in(client, member.email)
    verify_identity(client)
    response = client.get(f"/account/privacy/exports/{found.token}/download/")
    content = body(response)
    assert SENTINEL in json.loads(content)["records"]["accounts.Member"]["rows"][0]["name"]
    assert int(response["Content-Length"]) == len(content) == found.size
    assert SENTINEL in client.get(f"/account/privacy/exports/{found.token}/").content.decode()


def test_a_large_export_streams_through_many_chunks(tmp_path):
    path = tmp_path / "big"
    text = ("line of text " * 9 + "\n") * 20000  # several chunks
    with io.TextIOWrapper(encrypted_files.open_for_writing(path), encoding="utf-8") as out:
        out.write(text)
    assert path.read_bytes().count(b"\n") > 3
    with io.TextIOWrapper(encrypted_files.open_for_reading(path), encoding="utf-8") as source:
        assert source.read() == text


def test_a_file_cut_or_changed_on_disk_is_refused_not_half_read(member, make_staff):
    top_up = slip_top_up(member)
    (path,) = raw_files()
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(encrypted_files.CorruptFile):
        top_up.slip.open("rb")


def test_rotate_field_keys_re_encrypts_the_files(member, settings):
    slip_top_up(member)
    request = export.request_view(member=member)
    export.prepare(request.export)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert_no_sentinel_on_disk()

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    for path in raw_files():
        with encrypted_files.open_for_reading(path) as source:
            assert source.read()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]  # and really no longer opens the files
    for path in raw_files():
        with pytest.raises(encrypted_files.CorruptFile), encrypted_files.open_for_reading(path) as source:
            source.read()


def test_a_file_from_before_encryption_stays_readable_until_encrypt_files_encrypts_it(member, caplog):
    top_up = slip_top_up(member)
    (path,) = raw_files()
    clear = f"%PDF-1.4\n% {SENTINEL} written before files were encrypted\n".encode()
    path.write_bytes(clear)

    with caplog.at_level("WARNING", logger="snshelper.security"):
        assert top_up.slip.open("rb").read() == clear
    assert "encrypt_files" in caplog.text and SENTINEL not in caplog.text

    out = io.StringIO()
    call_command("encrypt_files", stdout=out)
    assert "Encrypted 1 files" in out.getvalue()
    assert_no_sentinel_on_disk()
    top_up.slip.close()
    assert top_up.slip.open("rb").read() == clear
    call_command("encrypt_files", stdout=out)  # again: nothing left to do
    assert "Encrypted 0 files" in out.getvalue()


def test_every_file_field_stores_through_the_encrypting_storage():
    plain = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        and not isinstance(field.storage, encrypted_files.EncryptedFileSystemStorage)
    ]
    assert plain == []
