"""Breaches (P18): the register records an incident; each affected member gets one notice in their
language (on the site and by email) carrying the five items; the 72-hour clocks are computed and
shown; the regulator's report is produced; every change is logged; only the privacy officer opens
the register."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from snshelper.notifications.models import DeliveryStatus, Notification
from snshelper.privacy.models import BreachEvent, BreachIncident, BreachNotice, WithdrawnMember
from snshelper.privacy.registry import Category
from snshelper.privacy_rights.breaches import services as breaches
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.staff import roles
from tests.conftest import sign_in
from tests.test_privacy_export import clear_bytes

pytestmark = pytest.mark.django_db
FOUND = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 in Bangkok
FIVE_ITEMS = (
    "What data was involved",
    "When and how it happened",
    "What you can do",
    "What we are doing, and how we make it right",
    "Whom to contact",
)
DESCRIPTION = {
    "title": "Support mailbox exposed",
    "what_happened": "A support mailbox was readable without a password for two days.",
    "how": "A setting of the mail provider was changed by mistake.",
    "categories": [Category.CONTACT.value, Category.ORDER_DATA.value],
    "likely_consequences": "Phishing mails to the addresses concerned.",
    "measures": "We closed the mailbox and changed its passwords.",
    "remedies": "A free month of priority support.",
    "what_members_can_do": "Ignore mails asking for your password; we never ask for it.",
}


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(FOUND + timedelta(hours=1))
    return clock


@pytest.fixture
def officer(make_staff):
    officer, _secret = make_staff(roles.PRIVACY_OFFICER)
    return officer


@pytest.fixture
def officer_client(client, make_staff):
    officer, secret = make_staff(roles.PRIVACY_OFFICER, email="officer@example.test")
    sign_in(client, officer.email, totp_secret=secret)
    return client


def record(officer, members=(), **changes):
    return breaches.record_incident(
        by=officer, member_ids=[m.member_id for m in members], **{**DESCRIPTION, "found_at": FOUND, **changes}
    )


# --- P18: one notice per member, in their language ------------------------------------------------


def test_p18_recording_a_breach_with_affected_members_creates_one_notice_per_member_in_their_language(
    officer, make_member, django_capture_on_commit_callbacks
):
    members = {language: make_member(language=language) for language in ("th", "en", "ko")}
    incident = record(officer, members.values())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.notify_members(incident=incident, by=officer) == 3

    for language, member in members.items():
        notice = BreachNotice.objects.get(incident=incident, member=member)
        assert notice.language == language
        with translation.override(language):
            # The five items, each under its heading in the member's language...
            for heading in FIVE_ITEMS:
                assert gettext(heading) in notice.text, (language, heading)
            # ...with the data concerned named in that language (Thai and Korean are translated).
            assert str(Category.CONTACT.label) in notice.text
            subject = gettext("Important: an incident involving your personal data (%(title)s)") % {
                "title": incident.title
            }
        assert DESCRIPTION["what_members_can_do"] in notice.text
        assert DESCRIPTION["measures"] in notice.text and DESCRIPTION["remedies"] in notice.text
        assert breaches.default_contact() in notice.text  # whom to contact: the officer by default
        [message] = [m for m in mail.outbox if m.to == [member.email]]
        assert subject in message.subject
        assert notice.text in message.body
        assert notice.emailed_at is not None
        # The same notice in the member's notification centre, sent through the notification service.
        centre = Notification.objects.get(member=member, kind="breach_notice")
        assert centre.required and centre.event_key == f"breach:{incident.pk}"
        assert centre.deliveries.get(channel="email").status == DeliveryStatus.SENT
    thai = BreachNotice.objects.get(member=members["th"]).text
    korean = BreachNotice.objects.get(member=members["ko"]).text
    assert "ข้อมูลการติดต่อ" in thai and "연락처" in korean
    incident.refresh_from_db()
    assert incident.members_notified_at == FOUND + timedelta(hours=1)

    # Running it again tells no one twice: no second notice, no second mail.
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.notify_members(incident=incident, by=officer) == 0
    breaches.mail_notices(incident=incident)
    breaches.mail_unsent_notices()
    assert BreachNotice.objects.filter(incident=incident).count() == 3
    assert Notification.objects.filter(kind="breach_notice").count() == 3
    assert len(mail.outbox) == sent


def test_a_member_added_later_is_told_on_the_next_notification_and_only_they(
    officer, make_member, django_capture_on_commit_callbacks
):
    first, later = make_member(), make_member(language="en")
    incident = record(officer, [first])
    with django_capture_on_commit_callbacks(execute=True):
        breaches.notify_members(incident=incident, by=officer)
    mail.outbox.clear()
    breaches.add_affected_members(incident=incident, by=officer, member_ids=[later.member_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.notify_members(incident=incident, by=officer) == 1
    assert [m.to for m in mail.outbox] == [[later.email]]
    assert BreachNotice.objects.filter(incident=incident).count() == 2


def test_a_notice_is_not_made_until_the_incident_says_all_five_items(officer, member):
    incident = record(officer, [member], what_members_can_do="", measures="", remedies="")
    with translation.override("en"), pytest.raises(breaches.BreachRefused) as refused:
        breaches.notify_members(incident=incident, by=officer)
    assert "what members can do" in str(refused.value.message)
    assert "our response and remedies" in str(refused.value.message)
    assert not BreachNotice.objects.exists()


def test_a_mail_refused_for_an_address_under_correction_keeps_the_on_site_notice(
    officer, member, monkeypatch, django_capture_on_commit_callbacks
):
    from snshelper.privacy import restrictions as corrections

    monkeypatch.setattr(corrections, "is_under_correction", lambda m, key: key == "accounts.Member.email")
    incident = record(officer, [member])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        breaches.notify_members(incident=incident, by=officer)
    notice = BreachNotice.objects.get()
    assert notice.emailed_at is None and mail.outbox == []
    assert breaches.unseen_notices(member) == [notice]
    centre = Notification.objects.get(member=member, kind="breach_notice")  # in the centre too
    assert centre.deliveries.get(channel="email").status == DeliveryStatus.REFUSED
    breaches.mail_unsent_notices()  # the catch-up job does not make it twice
    assert Notification.objects.filter(member=member).count() == 1 and mail.outbox == []


def test_a_member_who_stopped_processing_is_still_told_of_a_breach(
    officer, member, django_capture_on_commit_callbacks
):
    from snshelper.privacy.models import ProcessingSuspension

    ProcessingSuspension.objects.create(member=member)
    incident = record(officer, [member])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.notify_members(incident=incident, by=officer) == 1
    notice = BreachNotice.objects.get(member=member)
    assert Notification.objects.get(member=member).kind == "breach_notice"
    [message] = mail.outbox
    assert message.to == [member.email] and notice.text in message.body


# --- The 72-hour clocks ----------------------------------------------------------------------------


def test_p18_the_regulator_clock_shows_hours_left_at_71_hours_and_overdue_at_73(officer_client, clock):
    officer = BreachIncident._meta.get_field("created_by").related_model.objects.get(
        email="officer@example.test"
    )
    incident = record(officer)
    assert breaches.regulator_deadline(incident) == FOUND + timedelta(hours=72)

    clock.travel_to(FOUND + timedelta(hours=71))
    regulator, members = breaches.deadlines(incident)
    assert (regulator.key, regulator.hours_left, regulator.overdue) == ("regulator", 1, False)
    assert members.due_at == FOUND + timedelta(hours=72)
    page = officer_client.get(f"/staff/privacy/breaches/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "1 hour left" in page.content.decode()

    clock.travel_to(FOUND + timedelta(hours=73))
    regulator, _members = breaches.deadlines(incident)
    assert regulator.overdue and regulator.hours_overdue == 1
    page = officer_client.get(f"/staff/privacy/breaches/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Overdue by 1 hour" in html and "breach-clock-overdue" in html
    listing = officer_client.get("/staff/privacy/breaches/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Overdue by 1 hour" in listing

    breaches.mark_reported(incident=incident, by=officer, reference="PDPC-2026-0042")
    regulator, _members = breaches.deadlines(incident)
    assert regulator.late and not regulator.overdue


def test_a_report_made_in_time_stops_the_clock(officer, clock):
    incident = record(officer)
    clock.travel_to(FOUND + timedelta(hours=30))
    breaches.mark_reported(incident=incident, by=officer)
    clock.travel_to(FOUND + timedelta(hours=100))
    regulator, members = breaches.deadlines(incident)
    assert regulator.met and not regulator.overdue
    assert members.overdue  # no member was notified


# --- The report text --------------------------------------------------------------------------------


def test_p18_the_report_to_the_regulator_has_every_item_the_pdpc_asks(officer, make_member, settings):
    settings.PRIVACY_OFFICER_NAME, settings.PRIVACY_OFFICER_EMAIL = "Khun Dao", "dpo@snshelper.test"
    incident = record(officer, [make_member(), make_member()])
    text = breaches.report_text(incident, "en")
    for item in (
        settings.SITE_NAME,  # the controller
        "Khun Dao",
        "dpo@snshelper.test",  # the officer
        DESCRIPTION["what_happened"],
        "2 March 2026 08:30",  # when it was found, Bangkok time
        "Contact details (email, phone number)",
        "Order data (SNS account IDs, links)",
        "Approximate number of people concerned: 2",
        DESCRIPTION["likely_consequences"],
        DESCRIPTION["measures"],
        "Contact for this incident: Khun Dao <dpo@snshelper.test>",
    ):
        assert item in text, item
    thai = breaches.report_text(incident, "th")
    assert "ข้อมูลการติดต่อ" in thai and "มีนาคม" in thai  # categories and the month in Thai


# --- Every change is logged --------------------------------------------------------------------------


def test_p18_every_change_writes_a_breach_event_naming_fields_never_values(officer, member, clock):
    incident = record(officer)
    assert list(incident.events.values_list("action", flat=True)) == ["recorded"]
    clock.advance(timedelta(minutes=5))
    changed = breaches.update_incident(
        incident=incident,
        by=officer,
        measures="Mailbox closed; every password rotated.",
        how=DESCRIPTION["how"],
    )
    assert changed == ["measures"]  # ``how`` did not change: not logged
    assert breaches.update_incident(incident=incident, by=officer, title=DESCRIPTION["title"]) == []
    breaches.add_affected_members(incident=incident, by=officer, member_ids=member.member_id)
    breaches.add_affected_members(incident=incident, by=officer, member_ids=[member.member_id])  # no-op
    breaches.notify_members(incident=incident, by=officer)
    breaches.mark_reported(incident=incident, by=officer, reference="PDPC-1")
    breaches.close_incident(incident=incident, by=officer)

    events = list(incident.events.all())
    assert [e.action for e in events] == [
        "recorded",
        "updated",
        "members_added",
        "members_notified",
        "reported",
        "closed",
    ]
    assert all(e.actor == officer for e in events)
    assert events[1].changes == {"fields": ["measures"]}
    assert events[2].changes == {"count": 1} and events[3].changes == {"count": 1}
    logged = json.dumps([e.changes for e in events])
    assert "Mailbox closed" not in logged and member.member_id not in logged
    # Append-only: a written event is never changed.
    with pytest.raises(TypeError):
        events[0].save()
    # A closed incident changes no more.
    with pytest.raises(breaches.BreachRefused):
        breaches.update_incident(incident=incident, by=officer, title="Another")


def test_unknown_or_withdrawn_member_ids_are_refused(officer, make_member):
    leaver = make_member()
    withdrawal.withdraw(member=leaver)
    incident = record(officer)
    with translation.override("en"), pytest.raises(breaches.BreachRefused) as unknown:
        breaches.add_affected_members(incident=incident, by=officer, member_ids="NOSUCH1")
    assert "Unknown member IDs: NOSUCH1" in str(unknown.value.message)
    with pytest.raises(breaches.BreachRefused):
        breaches.add_affected_members(incident=incident, by=officer, member_ids=[leaver.member_id])
    assert not incident.affected_members.exists()


def test_an_incident_is_not_found_in_the_future(officer, clock):
    with pytest.raises(breaches.BreachRefused):
        record(officer, found_at=clock.now() + timedelta(hours=1))
    assert not BreachIncident.objects.exists()


# --- Pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.MARKETING, roles.FINANCE, roles.SUPPORT, roles.ADMINISTRATOR])
@pytest.mark.parametrize("path", ["", "new/", "{pk}/"])
def test_only_the_privacy_officer_opens_the_breach_register(client, make_staff, officer, role, path):
    incident = record(officer)
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get(f"/staff/privacy/breaches/{path.format(pk=incident.pk)}").status_code == 403


def test_a_member_cannot_open_the_breach_register(client, member, officer):
    incident = record(officer)
    sign_in(client, member.email)
    for path in ("", "new/", f"{incident.pk}/"):
        assert client.get(f"/staff/privacy/breaches/{path}").status_code in (302, 403)


def test_officer_records_adds_members_notifies_and_reports_through_the_pages(
    officer_client, make_member, django_capture_on_commit_callbacks
):
    first, second = make_member(language="en"), make_member(language="ko")
    response = officer_client.post(
        "/staff/privacy/breaches/new/",
        {
            **DESCRIPTION,
            "found_at": "2026-03-02T08:30",  # Bangkok time
            "member_ids": f"{first.member_id}, {first.member_id.lower()}",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    incident = BreachIncident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/privacy/breaches/{incident.pk}/"
    assert incident.found_at == FOUND and list(incident.affected_members.all()) == [first]
    page = f"/staff/privacy/breaches/{incident.pk}/"
    officer_client.post(page, {"action": "add_members", "member_ids": second.member_id})
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(page, {"action": "notify"})
    assert BreachNotice.objects.filter(incident=incident).count() == 2
    assert Notification.objects.filter(kind="breach_notice").count() == 2
    officer_client.post(page, {"action": "reported", "reference": "PDPC-7"})
    html = officer_client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.member_id in html and second.member_id in html
    assert "Notification of a personal data breach" in html  # the report text
    assert "PDPC-7" in html
    assert [e.action for e in incident.events.all()] == [
        "recorded",
        "members_added",
        "members_added",
        "members_notified",
        "reported",
    ]


def test_an_unchanged_form_saves_nothing_and_logs_nothing(officer_client):
    officer = BreachIncident._meta.get_field("created_by").related_model.objects.get(
        email="officer@example.test"
    )
    incident = record(officer, found_at=FOUND + timedelta(seconds=42))
    page = f"/staff/privacy/breaches/{incident.pk}/"
    form = {**DESCRIPTION, "action": "update", "found_at": "2026-03-02T08:30"}
    officer_client.post(page, form)
    incident.refresh_from_db()
    assert incident.found_at == FOUND + timedelta(seconds=42)
    form["remedies"] = "Two free months."
    officer_client.post(page, form)
    assert incident.events.last().changes == {"fields": ["remedies"]}


# --- The member sees the notice and dismisses it --------------------------------------------------------


def test_member_sees_the_notice_on_the_site_and_dismisses_it(
    client, officer, member, django_assert_num_queries
):
    member.language = "en"
    member.save()
    incident = record(officer, [member])
    breaches.notify_members(incident=incident, by=officer)
    notice = BreachNotice.objects.get()
    sign_in(client, member.email)
    html = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="breach-banner"' in html and incident.title in html
    privacy_page = client.get("/account/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="breach-notice"' in privacy_page and "What you can do" in privacy_page

    other = BreachNotice.objects.filter(member=officer)
    assert not other.exists()
    client.post(f"/account/privacy/breaches/{notice.pk}/seen/", {"next": "/dashboard/"})
    notice.refresh_from_db()
    assert notice.seen_at is not None
    assert 'data-testid="breach-banner"' not in client.get("/dashboard/").content.decode()


def test_a_member_cannot_dismiss_another_members_notice(client, officer, member, make_member):
    other = make_member()
    incident = record(officer, [other])
    breaches.notify_members(incident=incident, by=officer)
    notice = BreachNotice.objects.get()
    sign_in(client, member.email)
    client.post(f"/account/privacy/breaches/{notice.pk}/seen/")
    notice.refresh_from_db()
    assert notice.seen_at is None


def test_a_visitor_costs_no_query_for_breach_notices(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert breaches.unseen_notices(AnonymousUser()) == []


def test_a_members_unseen_notices_cost_one_query(officer, member, django_assert_num_queries):
    incident = record(officer, [member])
    breaches.notify_members(incident=incident, by=officer)
    with django_assert_num_queries(1):
        [notice] = breaches.unseen_notices(member)
        assert notice.incident.title == DESCRIPTION["title"]


# --- Withdrawal, export and retention ---------------------------------------------------------------


def test_a_withdrawn_member_keeps_the_incident_and_their_notice_moves_to_the_kept_document(
    officer, member, make_member
):
    stays = make_member()
    incident = record(officer, [member, stays])
    breaches.notify_members(incident=incident, by=officer)
    text = BreachNotice.objects.get(member=member).text

    withdrawal.withdraw(member=member)

    assert not BreachNotice.objects.filter(member=member).exists()
    assert BreachNotice.objects.filter(member=stays).exists()
    incident.refresh_from_db()
    assert incident.affected_members.count() == 2  # the register still counts them
    kept = withdrawn_selectors.document(WithdrawnMember.objects.get(member_id=member.member_id))
    assert [row["text"] for row in kept["records"]["privacy.BreachNotice"]] == [text]
    # Notifying again tells the members still here only once, and the leaver never.
    assert breaches.notify_members(incident=incident, by=officer) == 0
    assert BreachNotice.objects.count() == 1


def test_a_members_notices_are_in_their_view_export(officer, member, settings):
    incident = record(officer, [member])
    breaches.notify_members(incident=incident, by=officer)
    request = export.request_view(member=member)
    prepared = export.prepare(request.export)
    text = clear_bytes(prepared).decode()
    assert "privacy.BreachNotice" in text
    assert "Ignore mails asking for your password" in text


def test_a_closed_incident_goes_five_years_after_closing_with_its_notices_and_log(officer, member, clock):
    from snshelper.privacy import sweeps
    from snshelper.privacy.retention import add_months

    incident = record(officer, [member])
    breaches.notify_members(incident=incident, by=officer)
    breaches.close_incident(incident=incident, by=officer)
    closed = clock.now()
    clock.travel_to(add_months(closed, 60) - timedelta(days=1))
    sweeps.run()
    assert BreachIncident.objects.exists() and BreachNotice.objects.exists()
    clock.travel_to(add_months(closed, 60) + timedelta(days=1))
    sweeps.run()
    assert not BreachIncident.objects.exists()
    assert not BreachNotice.objects.exists() and not BreachEvent.objects.exists()


def test_an_open_incident_is_never_swept(officer, member, clock):
    from snshelper.privacy import sweeps

    record(officer, [member])
    clock.travel_to(FOUND + timedelta(days=365 * 10))
    sweeps.run()
    assert BreachIncident.objects.exists()
