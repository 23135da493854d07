"""Staff lifecycle (P17): a signed security pledge before any personal data opens, a yearly
training, and a hand-over after which a leaving staff member's access is gone for good."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone, translation

from snshelper.core import clock as clock_module
from snshelper.privacy import sweeps
from snshelper.privacy.models import DataSubjectRequest
from snshelper.privacy.retention import add_months
from snshelper.staff import pledge, roles, selectors, services, tasks
from snshelper.staff.models import HandOver, SecurityPledge, TrainingSession
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(T0)
    return clock


@pytest.fixture
def administrator_client(client, make_staff):
    administrator, secret = make_staff(roles.ADMINISTRATOR)
    sign_in(client, administrator.email, totp_secret=secret)
    client.administrator = administrator
    return client


def signed_in(staff, secret):
    client = Client()
    sign_in(client, staff.email, totp_secret=secret)
    assert client.session.get(SESSION_KEY) == str(staff.pk)
    return client


def open_request(member, handled_by) -> DataSubjectRequest:
    return DataSubjectRequest.objects.create(
        member=member,
        kind=DataSubjectRequest.Kind.VIEW,
        due_at=T0 + timedelta(days=10),
        verified_at=T0,
        handled_by=handled_by,
    )


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- The pledge --------------------------------------------------------------------------------


def test_p17_unpledged_staff_cannot_open_staff_pages_until_they_sign(client, make_staff):
    officer, secret = make_staff(roles.PRIVACY_OFFICER, pledged=False)
    sign_in(client, officer.email, totp_secret=secret)
    assert not selectors.may_open_personal_data(officer)

    for path in ("/staff/privacy/", "/staff/privacy/retention/", "/admin/", "/admin/accounts/member/"):
        response = client.get(path, **EN)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/staff/pledge/?next="), path
    page = client.get("/staff/privacy/", follow=True, **EN)
    assert page.redirect_chain[-1][0] == "/staff/pledge/?next=%2Fstaff%2Fprivacy%2F"
    assert "Sign the security pledge first" in page.content.decode()
    assert 'data-testid="pledge-text"' in page.content.decode()
    assert "Sign the security pledge" in client.get("/dashboard/", **EN).content.decode()

    # Not ticking the box signs nothing.
    refused = client.post("/staff/pledge/", {"next": "/staff/privacy/"}, **EN)
    assert refused.status_code == 200 and not SecurityPledge.objects.exists()

    signed = client.post("/staff/pledge/", {"agree": "yes", "next": "/staff/privacy/"}, **EN)
    assert signed.status_code == 302 and signed["Location"] == "/staff/privacy/"
    assert client.get("/staff/privacy/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert selectors.may_open_personal_data(officer)
    assert "Sign the security pledge" not in client.get("/dashboard/", **EN).content.decode()


def test_p17_the_pledge_is_recorded_with_date_version_and_text_and_a_new_version_needs_signing_again(
    client, make_staff, monkeypatch, clock
):
    finance, secret = make_staff(roles.FINANCE, pledged=False)
    sign_in(client, finance.email, totp_secret=secret)
    client.post("/staff/pledge/", {"agree": "yes"}, **EN)
    first = SecurityPledge.objects.get(staff=finance)
    with translation.override("en"):
        text = pledge.pledge_text()
    assert (first.version, first.signed_at) == (pledge.PLEDGE_VERSION, T0)
    assert first.text_hash == hashlib.sha256(text.encode()).hexdigest()
    for promise in ("Confidentiality", "No use beyond my duties", "Reporting incidents", "after I leave"):
        assert promise in text
    assert client.get("/admin/").status_code == 200

    clock.advance(timedelta(days=200))
    monkeypatch.setattr(pledge, "PLEDGE_VERSION", "2027-1")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/pledge/")
    page = client.get("/staff/pledge/", **EN).content.decode()
    assert "2027-1" in page and "Earlier versions you signed" in page
    client.post("/staff/pledge/", {"agree": "yes"}, **EN)
    assert list(
        SecurityPledge.objects.filter(staff=finance).order_by("signed_at").values_list("version", "signed_at")
    ) == [(first.version, T0), ("2027-1", T0 + timedelta(days=200))]
    assert client.get("/admin/").status_code == 200


def test_p17_signing_twice_keeps_the_first_signature(make_staff, clock):
    support, _secret = make_staff(roles.SUPPORT)
    clock.advance(timedelta(days=3))
    assert services.sign_pledge(staff=support).signed_at == T0
    assert SecurityPledge.objects.filter(staff=support).count() == 1


def test_the_pledge_page_never_sends_staff_to_another_site(client, make_staff):
    support, secret = make_staff(roles.SUPPORT, pledged=False)
    sign_in(client, support.email, totp_secret=secret)
    response = client.post("/staff/pledge/", {"agree": "yes", "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"


def test_members_have_no_pledge_to_sign(client, member):
    sign_in(client, member.email)
    assert client.get("/staff/pledge/").status_code == 403
    with pytest.raises(services.NotStaff):
        services.sign_pledge(staff=member)
    assert not selectors.may_open_personal_data(member)


def test_p17_staff_without_mfa_are_sent_to_set_it_up_before_the_pledge(client, make_staff):
    staff, _secret = make_staff(roles.PRIVACY_OFFICER, with_totp=False, pledged=False)
    sign_in(client, staff.email)
    for path in ("/staff/pledge/", "/staff/privacy/", "/staff/people/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/", path


# --- Training ------------------------------------------------------------------------------------


def test_p17_overdue_yearly_training_is_flagged(administrator_client, make_staff, clock):
    trained, _ = make_staff(roles.MARKETING)
    never, _ = make_staff(roles.SUPPORT)
    today = timezone.localdate(T0)
    response = administrator_client.post(
        "/staff/people/training/new/",
        {
            "staff": trained.pk,
            "held_on": (today - timedelta(days=364)).isoformat(),
            "topic": "Protecting members' personal data",
            "hours": "2",
            "notes": "Annual session with the privacy officer",
        },
        **EN,
    )
    assert response.status_code == 302 and response["Location"] == "/staff/people/"
    session = TrainingSession.objects.get(staff=trained)
    assert (session.hours, session.recorded_by) == (Decimal("2.0"), administrator_client.administrator)

    assert not selectors.training_overdue(trained)
    assert selectors.training_overdue(never)  # never trained: overdue from the start
    page = administrator_client.get("/staff/people/", **EN).content.decode()
    assert _row(page, trained.member_id).count("Yearly training overdue") == 0
    assert "Yearly training overdue" in _row(page, never.member_id)
    assert "Protecting members" in _row(page, trained.member_id)

    clock.advance(timedelta(days=1))  # 365 days since the session: a year has gone by
    assert selectors.training_overdue(trained)
    page = administrator_client.get("/staff/people/", **EN).content.decode()
    assert "Yearly training overdue" in _row(page, trained.member_id)


def test_a_training_session_must_have_been_held_and_have_a_topic_and_hours(make_staff):
    staff, _ = make_staff(roles.MARKETING)
    administrator, _ = make_staff(roles.ADMINISTRATOR)
    today = timezone.localdate(T0)
    with pytest.raises(services.LifecycleRefused):
        services.record_training(
            staff=staff, held_on=today + timedelta(days=1), topic="x", hours=Decimal(1), by=administrator
        )
    with pytest.raises(services.LifecycleRefused):
        services.record_training(staff=staff, held_on=today, topic=" ", hours=Decimal(1), by=administrator)
    with pytest.raises(services.LifecycleRefused):
        services.record_training(staff=staff, held_on=today, topic="x", hours=Decimal(0), by=administrator)
    assert not TrainingSession.objects.exists()


def _row(html: str, member_id: str) -> str:
    start = html.index(f'data-testid="staff-{member_id}"')
    return html[start : html.index("</tr>", start)]


# --- Hand-over -----------------------------------------------------------------------------------


def test_p17_departed_staff_cannot_sign_in_after_the_hand_over_time(
    administrator_client, make_staff, make_member, clock
):
    leaving, secret = make_staff(roles.PRIVACY_OFFICER, email="leaving@example.test")
    successor, _ = make_staff(roles.PRIVACY_OFFICER, email="successor@example.test")
    request = open_request(make_member(), handled_by=leaving)
    done = open_request(make_member(), handled_by=leaving)
    done.status = DataSubjectRequest.Status.DONE
    done.save()
    at_work = signed_in(leaving, secret)
    other_device = Client()  # a second session (a code is good for one sign-in only)
    other_device.force_login(leaving)
    effective = T0 + timedelta(hours=8)

    form = administrator_client.get(f"/staff/people/{leaving.member_id}/hand-over/", **EN).content.decode()
    assert "Data-subject requests: 1" in form
    response = administrator_client.post(
        f"/staff/people/{leaving.member_id}/hand-over/",
        {
            "effective_at": local(effective),
            "reassigned_to": successor.pk,
            "open_work_summary": "One open view request; the desk's folder explained",
            "responsibility_statement": "Keeps what was learned confidential after leaving.",
        },
        **EN,
    )
    assert response.status_code == 302
    hand_over = HandOver.objects.get(staff=leaving)
    assert (hand_over.effective_at, hand_over.reassigned_to, hand_over.recorded_by) == (
        effective,
        successor,
        administrator_client.administrator,
    )
    assert hand_over.roles_held == roles.PRIVACY_OFFICER and hand_over.carried_out_at is None

    clock.travel_to(effective - timedelta(minutes=1))  # the minute before: still at work
    tasks.end_access_at_hand_over.call_local()
    assert at_work.get("/staff/privacy/").status_code == 200
    password_step = sign_in(Client(), leaving.email)
    assert password_step["Location"] == "/accounts/2fa/authenticate/"  # sign-in still goes on
    assert selectors.may_open_personal_data(leaving)

    clock.travel_to(effective + timedelta(minutes=1))
    assert not selectors.may_open_personal_data(leaving)
    tasks.end_access_at_hand_over.call_local()  # the periodic job ends access

    leaving.refresh_from_db()
    assert (leaving.is_active, leaving.is_staff) == (False, False)
    assert not leaving.groups.exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(leaving.pk)]
    for device in (at_work, other_device):
        response = device.get("/staff/privacy/")
        assert response.status_code in (302, 403) and SESSION_KEY not in device.session
        assert device.get("/dashboard/")["Location"].startswith("/accounts/login/")
    request.refresh_from_db()
    done.refresh_from_db()
    assert request.handled_by == successor  # open work reassigned
    assert done.handled_by == leaving  # finished work stays as it was done
    hand_over.refresh_from_db()
    assert (hand_over.carried_out_at, hand_over.work_reassigned) == (effective + timedelta(minutes=1), 1)

    # Signing in again is refused.
    again = Client()
    response = sign_in(again, leaving.email, totp_secret=None)
    assert SESSION_KEY not in again.session
    assert "/2fa/" not in response.get("Location", "")
    assert again.get("/dashboard/")["Location"].startswith("/accounts/login/")

    page = administrator_client.get("/staff/people/", **EN).content.decode()
    assert "Left: access ended" in _row(page, leaving.member_id)
    assert "1 item reassigned" in _row(page, leaving.member_id)
    assert "Was: Privacy officer" in _row(page, leaving.member_id)


def test_p17_a_departed_staff_member_is_signed_out_at_once_even_before_the_job_runs(
    client, make_staff, make_member, clock
):
    leaving, secret = make_staff(roles.PRIVACY_OFFICER, email="leaving@example.test")
    successor, _ = make_staff(roles.SUPPORT, email="successor@example.test")
    administrator, _ = make_staff(roles.ADMINISTRATOR)
    request = open_request(make_member(), handled_by=leaving)
    sign_in(client, leaving.email, totp_secret=secret)
    services.record_hand_over(
        staff=leaving,
        effective_at=T0 + timedelta(hours=1),
        reassigned_to=successor,
        responsibility_statement="Confidentiality continues.",
        by=administrator,
    )
    assert client.get("/staff/privacy/").status_code == 200

    clock.advance(timedelta(hours=1))  # the hand-over time itself: access has ended
    response = client.get("/dashboard/", **EN)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session
    assert (
        "Your staff access ended with your hand-over" in client.get("/accounts/login/", **EN).content.decode()
    )
    leaving.refresh_from_db()
    request.refresh_from_db()
    assert not leaving.is_active and request.handled_by == successor
    assert HandOver.objects.get(staff=leaving).carried_out_at == T0 + timedelta(hours=1)


def test_a_hand_over_time_already_past_ends_access_at_once(make_staff, make_member):
    leaving, _ = make_staff(roles.MARKETING, email="leaving@example.test")
    successor, _ = make_staff(roles.MARKETING, email="successor@example.test")
    administrator, _ = make_staff(roles.ADMINISTRATOR)
    hand_over = services.record_hand_over(
        staff=leaving,
        effective_at=T0 - timedelta(days=2),
        reassigned_to=successor,
        responsibility_statement="Confidentiality continues.",
        by=administrator,
    )
    assert hand_over.effective_at == T0 and hand_over.carried_out_at == T0
    leaving.refresh_from_db()
    assert not leaving.is_active


def test_a_hand_over_needs_another_current_staff_member_and_a_responsibility_statement(make_staff, member):
    leaving, _ = make_staff(roles.MARKETING, email="leaving@example.test")
    successor, _ = make_staff(roles.MARKETING, email="successor@example.test")
    administrator, _ = make_staff(roles.ADMINISTRATOR)
    later = T0 + timedelta(days=1)
    base = {"staff": leaving, "effective_at": later, "by": administrator}
    with translation.override("en"):
        for wrong, message in (
            ({"reassigned_to": leaving, "responsibility_statement": "x"}, "other than the one leaving"),
            ({"reassigned_to": member, "responsibility_statement": "x"}, "other than the one leaving"),
            ({"reassigned_to": successor, "responsibility_statement": "  "}, "State the responsibility"),
            (
                {"reassigned_to": successor, "responsibility_statement": "x", "by": leaving},
                "Another administrator",
            ),
        ):
            with pytest.raises(services.LifecycleRefused) as refused:
                services.record_hand_over(**{**base, **wrong})
            assert message in str(refused.value.message)
        services.record_hand_over(**base, reassigned_to=successor, responsibility_statement="x")
        with pytest.raises(services.AlreadyHandedOver):
            services.record_hand_over(**base, reassigned_to=successor, responsibility_statement="x")
        # A colleague who is leaving too takes over nothing.
        with pytest.raises(services.LifecycleRefused):
            services.record_hand_over(
                staff=successor,
                effective_at=later,
                reassigned_to=leaving,
                responsibility_statement="x",
                by=administrator,
            )


# --- Who sees the records ------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(roles.ROLES) - {roles.ADMINISTRATOR}))
def test_only_administrators_open_the_staff_records(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    for path in (
        "/staff/people/",
        "/staff/people/training/new/",
        f"/staff/people/{staff.member_id}/hand-over/",
    ):
        assert client.get(path).status_code == 403, path


def test_members_and_visitors_do_not_open_the_staff_records(client, member):
    assert client.get("/staff/people/").status_code in (302, 403)
    sign_in(client, member.email)
    assert client.get("/staff/people/").status_code == 403


def test_administrators_see_every_staff_member_with_role_pledge_training_and_hand_over(
    administrator_client, make_staff
):
    unpledged, _ = make_staff(roles.FINANCE, pledged=False)
    page = administrator_client.get("/staff/people/", **EN).content.decode()
    own = _row(page, administrator_client.administrator.member_id)
    assert "Administrator" in own and f"Signed</span><br><small>Version {pledge.PLEDGE_VERSION}, " in own
    assert "Record a hand-over" not in own  # nobody records their own hand-over
    row = _row(page, unpledged.member_id)
    assert "Finance" in row and "Missing" in row and "In post" in row and "Record a hand-over" in row
    dashboard = administrator_client.get("/dashboard/", **EN).content.decode()
    assert "Staff: pledges, training, hand-overs" in dashboard


# --- Retention -----------------------------------------------------------------------------------


def test_p17_staff_records_are_kept_three_years_after_leaving_and_then_destroyed(make_staff):
    leaving, _ = make_staff(roles.MARKETING, email="leaving@example.test")
    staying, _ = make_staff(roles.MARKETING, email="staying@example.test")
    administrator, _ = make_staff(roles.ADMINISTRATOR)
    for person in (leaving, staying):
        services.record_training(
            staff=person, held_on=date(2026, 2, 1), topic="Security", hours=Decimal(1), by=administrator
        )
    services.record_hand_over(
        staff=leaving,
        effective_at=T0,
        reassigned_to=staying,
        responsibility_statement="Confidentiality continues.",
        by=administrator,
    )
    three_years = add_months(T0, 36)

    clock_module.travel_to(three_years - timedelta(days=1))
    sweeps.run()
    assert HandOver.objects.filter(staff=leaving).exists()
    assert SecurityPledge.objects.filter(staff=leaving).exists()

    clock_module.travel_to(three_years + timedelta(days=1))
    results = {(r.rule, r.record_type): r.count for r in sweeps.run()}
    assert not HandOver.objects.exists()
    assert not SecurityPledge.objects.filter(staff=leaving).exists()
    assert not TrainingSession.objects.filter(staff=leaving).exists()
    assert results[("staff_records", "staff.HandOver")] == 1
    assert results[("staff_records", "staff.SecurityPledge")] == 1
    assert results[("staff_records", "staff.TrainingSession")] == 1
    # Staff in post keep theirs.
    assert SecurityPledge.objects.filter(staff=staying).exists()
    assert TrainingSession.objects.filter(staff=staying).exists()
