"""How long consultations are kept: complaints and disputes 5 years after they are closed (rule
"complaint"), others 12 months after (rule "consultations"), open ones while they are open; their
messages and attachment files go with them. A withdrawal keeps complaints only in the withdrawn store."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from snshelper.core import clock as clock_module
from snshelper.privacy import registry, sweeps
from snshelper.privacy.models import DestructionLog, WithdrawnMember
from snshelper.privacy.retention import add_months
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.support import services
from snshelper.support.models import Attachment, Consultation, Message, Topic

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 10, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(T0)
    return clock


@pytest.fixture
def support(make_staff):
    return make_staff("support")[0]


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile("proof.png", buffer.getvalue(), content_type="image/png")


def files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT, "consultations").rglob("*") if p.is_file()]


def closed_consultation(member, support, *, topic=Topic.OTHER, subject="Question") -> Consultation:
    consultation = services.open_consultation(
        member=member, topic=topic, subject=subject, body="Somchai writes", files=[png()]
    )
    services.reply(consultation=consultation, author=support, body="Answered", files=[png()])
    services.reply(consultation=consultation, author=support, body="Note", internal=True)
    return services.close(consultation=consultation, by=support)


def at(moment):
    clock_module.travel_to(moment)
    return sweeps.run()


def exists(consultation) -> bool:
    return Consultation.objects.filter(pk=consultation.pk).exists()


def test_complaint_kept_the_day_before_five_years_after_closing_and_gone_the_day_after(member, support):
    complaint = closed_consultation(member, support, topic=Topic.COMPLAINT)
    assert len(files()) == 2
    at(add_months(T0, 13))
    at(add_months(T0, 60) - DAY)
    assert exists(complaint) and Message.objects.count() == 3 and len(files()) == 2
    at(add_months(T0, 60) + DAY)
    assert not exists(complaint) and not Message.objects.exists() and not Attachment.objects.exists()
    assert files() == []
    assert {
        ("complaint", "support.Consultation", "deleted", 1),
        ("complaint", "support.Message", "deleted", 3),
        ("complaint", "support.Attachment", "deleted", 2),
    } <= set(DestructionLog.objects.values_list("rule", "record_type", "action", "count"))


def test_a_dispute_flagged_by_staff_is_kept_like_a_complaint(member, support):
    dispute = closed_consultation(member, support, topic=Topic.ORDER)
    services.flag_dispute(consultation=dispute, by=support)
    at(add_months(T0, 12) + DAY)
    assert exists(dispute)
    at(add_months(T0, 60) + DAY)
    assert not exists(dispute)


def test_ordinary_consultation_kept_the_day_before_twelve_months_and_gone_the_day_after(member, support):
    ordinary = closed_consultation(member, support)
    at(add_months(T0, 12) - DAY)
    assert exists(ordinary) and len(files()) == 2
    at(add_months(T0, 12) + DAY)
    assert not exists(ordinary) and not Message.objects.exists() and files() == []
    assert ("consultations", "support.Consultation", "deleted", 1) in set(
        DestructionLog.objects.values_list("rule", "record_type", "action", "count")
    )


def test_counted_from_the_last_closing_and_never_while_open(member, support):
    reopened = closed_consultation(member, support, subject="reopened")
    still_open = services.open_consultation(member=member, topic=Topic.OTHER, subject="open", body="Hello")
    clock_module.travel_to(T0 + 10 * DAY)
    services.reopen(consultation=reopened, by=member)
    clock_module.travel_to(T0 + 20 * DAY)
    services.close(consultation=reopened, by=member)
    at(add_months(T0, 12) + 2 * DAY)
    assert exists(reopened)  # closed again on day 20: its 12 months run from then
    at(add_months(T0, 12) + 21 * DAY)
    assert not exists(reopened)
    at(add_months(T0, 120))
    assert exists(still_open)


def test_the_registry_declares_both_rules_and_the_files(member):
    declared = {
        (s.model_label, s.rule) for s in registry.all_sweeps() if s.model_label.startswith("support.")
    }
    assert declared >= {("support.Consultation", "complaint"), ("support.Consultation", "consultations")}
    assert all(s.files == ("file",) for s in registry.all_sweeps() if s.model_label == "support.Attachment")


def test_withdrawal_keeps_complaints_only_in_the_withdrawn_store_and_deletes_files(
    member, support, django_capture_on_commit_callbacks
):
    complaint = closed_consultation(member, support, topic=Topic.COMPLAINT, subject="Overcharged")
    assert len(files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal.withdraw(member=member)
    assert not Consultation.objects.exists() and not Message.objects.exists()
    assert not Attachment.objects.exists() and files() == []
    kept = withdrawn_selectors.document(WithdrawnMember.objects.get(member_id=member.member_id))["records"]
    assert [row["subject"] for row in kept["support.Consultation"]] == ["Overcharged"]
    assert [row["is_complaint"] for row in kept["support.Consultation"]] == [True]
    assert {row["body"] for row in kept["support.Message"]} == {"Somchai writes", "Answered", "Note"}
    assert complaint.number == kept["support.Consultation"][0]["number"]


def test_a_legal_hold_on_the_member_keeps_their_consultations(member, support, make_staff):
    from snshelper.privacy.models import LegalHold

    held = closed_consultation(member, support)
    LegalHold.objects.create(member=member, reason="Court order", placed_by=make_staff("privacy_officer")[0])
    at(add_months(T0, 12) + DAY)
    assert exists(held) and Message.objects.count() == 3 and len(files()) == 2
