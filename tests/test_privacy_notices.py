"""The privacy engine's notices go through the one notification service: each lands in the member's
notification centre, goes by email in the member's language (Thai, English, Korean) and by LINE
push when the member linked a LINE account (P8, P9, P12, P18, P19)."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from snshelper.core import clock as clock_module
from snshelper.core import dates
from snshelper.notifications.models import DeliveryStatus, Notification
from snshelper.privacy.models import BreachNotice, DataExport, DataSubjectRequest, RefusalGround
from snshelper.privacy.registry import Category
from snshelper.privacy_rights.breaches import services as breaches
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.policy import versions
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.requests import services as requests
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LANGUAGES = ("th", "en", "ko")
LINE_UID = "U4af4980629a1b2c3d4e5f60718293a4b"


@pytest.fixture(params=LANGUAGES)
def linked(request, make_member, recorder):
    """A member who reads ``request.param`` and linked their LINE account."""
    member = make_member(email=f"reader-{request.param}@example.test", language=request.param)
    SocialAccount.objects.create(user=member, provider="line", uid=LINE_UID, extra_data={})
    mail.outbox.clear()
    return member


@pytest.fixture
def officer(make_staff):
    return make_staff("privacy_officer")[0]


def _in(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values


def _delivered(member, kind: str, recorder, link: str):
    """The notice of ``kind`` is in the centre, was emailed and pushed once; returns (mail, push)."""
    notice = Notification.objects.get(member=member, kind=kind)
    assert notice.required and notice.link == link
    statuses = dict(notice.deliveries.values_list("channel", "status"))
    assert statuses == {"email": DeliveryStatus.SENT, "line": DeliveryStatus.SENT}
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    [push] = recorder.pushes
    assert push.to == LINE_UID
    assert link in message.body and f"{django_settings.SITE_URL}{link}" in push.texts[0]
    return message, push.texts[0]


def _centre(client, member) -> str:
    client.login(email=member.email, password=PASSWORD)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = member.language
    return client.get("/notifications/", HTTP_ACCEPT_LANGUAGE=member.language).content.decode()


def test_a_policy_change_reaches_the_centre_email_and_line_in_the_members_language(
    linked, recorder, clock, settings, client, django_capture_on_commit_callbacks
):
    language = linked.language
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_NAME = "Khun Changed"
    with django_capture_on_commit_callbacks(execute=True):
        version = versions.publish(
            by=None,
            effective_at=clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS + 1),
            reasons={code: f"reasons in {code}" for code in LANGUAGES},
            summary={code: f"summary in {code}" for code in LANGUAGES},
        )
    message, push = _delivered(linked, "policy_change", recorder, f"/privacy/versions/{version.number}/")
    with translation.override(language):
        date = dates.on_screen(version.effective_at, "date")
    title = _in(language, "Our privacy policy changes on %(date)s", date=date)
    assert title in message.subject and push.startswith(title)
    for text in (message.body, push):
        assert f"reasons in {language}" in text and f"summary in {language}" in text
        assert all(f"summary in {other}" not in text for other in LANGUAGES if other != language)
        assert _in(language, "What changes:") in text
    assert "Khun Changed" in message.body  # whom to ask
    page = _centre(client, linked)
    assert title in page and f"summary in {language}" in page


def test_a_refused_request_reaches_the_centre_email_and_line_with_its_ground(
    linked, recorder, officer, client, django_capture_on_commit_callbacks
):
    language = linked.language
    data_request = requests.request_suspension(member=linked, details="Stop everything.")
    reason = "Your order #12 is running and needs your link until it completes."
    with django_capture_on_commit_callbacks(execute=True):
        requests.refuse(request=data_request, by=officer, ground=RefusalGround.CONTRACT, reason=reason)
    message, push = _delivered(linked, "privacy_request_answered", recorder, "/account/privacy/")
    with translation.override(language):
        kind = str(DataSubjectRequest.Kind.SUSPEND.label)
        ground = str(RefusalGround.CONTRACT.label)
    title = _in(language, "Your request has been answered: %(kind)s", kind=kind)
    assert title in message.subject and push.startswith(title)
    for text in (message.body, push):
        assert reason in text and ground in text and f"#{data_request.pk}" in text
    assert title in _centre(client, linked)


def test_the_officers_answer_reaches_the_centre_email_and_line(
    linked, recorder, officer, client, django_capture_on_commit_callbacks
):
    inquiry = inquiries.ask(member=linked, kind="question", subject="Marketing mail", body="Why?")
    with django_capture_on_commit_callbacks(execute=True):
        inquiries.answer(inquiry=inquiry, by=officer, text="We never send marketing mail; it's not us.")
    message, push = _delivered(linked, "privacy_inquiry_answered", recorder, "/account/privacy/")
    title = _in(linked.language, "Our privacy officer answered you")
    assert title in message.subject and push.startswith(title)
    for text in (message.body, push):
        assert "We never send marketing mail; it's not us." in text and "Marketing mail" in text
    page = _centre(client, linked)
    assert title in page and "We never send marketing mail" in page


def test_an_export_ready_reaches_the_centre_email_and_line_with_its_link(
    linked, recorder, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = export.request_view(member=linked)
    found = DataExport.objects.get(request=data_request)
    message, push = _delivered(
        linked, "privacy_export_ready", recorder, f"/account/privacy/exports/{found.token}/"
    )
    title = _in(linked.language, "Your copy of your data is ready")
    assert title in message.subject and push.startswith(title)
    with translation.override(linked.language):
        until = dates.on_screen(found.expires_at)
    assert until in message.body and until in push
    assert title in _centre(client, linked)


def test_a_breach_notice_reaches_the_centre_email_and_line_with_the_five_items(
    linked, recorder, officer, client, django_capture_on_commit_callbacks
):
    incident = breaches.record_incident(
        by=officer,
        member_ids=[linked.member_id],
        title="Support mailbox exposed",
        found_at=clock_module.now() - timedelta(hours=1),
        what_happened="A support mailbox was readable without a password for two days.",
        how="A setting of the mail provider was changed by mistake.",
        categories=[Category.CONTACT.value],
        likely_consequences="Phishing mails.",
        measures="We closed the mailbox.",
        remedies="A free month of priority support.",
        what_members_can_do="Ignore mails asking for your password.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.notify_members(incident=incident, by=officer) == 1
    notice = BreachNotice.objects.get(member=linked)
    assert notice.language == linked.language and notice.emailed_at is not None
    message, push = _delivered(linked, "breach_notice", recorder, "/account/privacy/")
    title = _in(
        linked.language,
        "Important: an incident involving your personal data (%(title)s)",
        title="Support mailbox exposed",
    )
    assert title in message.subject and push.startswith(title)
    assert notice.text in message.body and notice.text in push  # the five items, as kept
    with translation.override(linked.language):
        assert str(Category.CONTACT.label) in push and gettext("What you can do") in push
    page = _centre(client, linked)
    assert title in page and "Ignore mails asking for your password." in page


def test_privacy_notices_are_made_once_per_event(
    make_member, officer, clock, settings, django_capture_on_commit_callbacks
):
    """A re-run of a job, or an answer told twice, makes no second notice and sends nothing again."""
    member = make_member(language="en")
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_NAME = "Khun Changed"
    with django_capture_on_commit_callbacks(execute=True):
        version = versions.publish(
            by=None,
            effective_at=clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS + 1),
            reasons={code: "Reasons" for code in LANGUAGES},
            summary={code: "Summary" for code in LANGUAGES},
        )
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        versions.mail_notices(version=version)
        versions.mail_unsent_notices()
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(member=member, event_key=f"policy:{version.pk}").count() == 1
