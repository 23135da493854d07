"""The privacy policy page is generated from the registry, the retention rules, the cookie
declarations and the settings (P1, P3, P8); its versions are announced before they take effect and
stay readable (P19)."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from snshelper.core import clock
from snshelper.notifications.models import DeliveryStatus, Notification
from snshelper.privacy import recipients, registry
from snshelper.privacy.cookies import declared_cookies
from snshelper.privacy.models import DataSubjectRequest, PolicyChangeNotice, PolicyVersion
from snshelper.privacy.registry import Category, Purpose
from snshelper.privacy_rights.policy import checks as policy_checks
from snshelper.privacy_rights.policy import document as policy
from snshelper.privacy_rights.policy import versions
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LANGUAGES = ("th", "en", "ko")


def _page(client, language="en", path="/privacy/") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _activity(html: str, purpose: Purpose) -> str:
    found = re.search(rf'data-purpose="{purpose.value}".*?</section>', html, re.S)
    assert found, f"no activity for {purpose}"
    return found.group(0)


def _items(activity_html: str) -> dict[str, str]:
    """Category label → what the page lists under it."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", activity_html, re.S)
    items: dict[str, str] = {}
    for label, text in pairs:
        items[label] = items.get(label, "") + text
    return items


def _row(html: str, key: str) -> str:
    found = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert found, f"no row {key}"
    return found.group(1)


def _kept_for(html: str, key: str) -> str:
    return re.search(r'data-label="Kept for">(.*?)</td>', _row(html, key)).group(1)


def _publish(by=None, days=None, **changes):
    days = settings.POLICY_NOTICE_DAYS + 1 if days is None else days
    texts = {code: f"{label} ({code})" for code, label in (("th", "เหตุผล"), ("en", "Reason"), ("ko", "이유"))}
    return versions.publish(
        by=by,
        effective_at=changes.get("effective_at", clock.now() + timedelta(days=days)),
        reasons=changes.get("reasons", texts),
        summary=changes.get("summary", {code: f"Summary {code}" for code in LANGUAGES}),
    )


# --- The generated policy ---------------------------------------------------------------------


def test_p1_policy_lists_every_registered_item_per_activity(client):
    html = _page(client, "en")
    with translation.override("en"):
        for declaration in registry.declarations():
            items = _items(_activity(html, declaration.purpose))
            listed = items.get(escape(str(declaration.category.label)), "")
            record = escape(capfirst(registry.record_name(declaration.model)))
            field = escape(declaration.verbose_name)
            assert record in listed and field in listed, (
                f"{declaration.model_label}.{declaration.field} missing"
            )
        # What the policy says members give: name, email, ID, password; orders add the bank details.
        membership = _items(_activity(html, Purpose.MEMBERSHIP))
        assert "name" in membership[escape(str(Category.IDENTITY.label))]
        assert "password" in membership[escape(str(Category.CREDENTIAL.label))]
        contract = _items(_activity(html, Purpose.CONTRACT_PAYMENT))
        assert "account number" in contract[escape(str(Category.FINANCIAL.label))]


def test_p3_policy_page_renders_every_registered_purpose_in_th_en_ko(client):
    purposes = {declaration.purpose for declaration in registry.declarations()}
    assert purposes == set(Purpose)
    pages = {}
    for language in LANGUAGES:
        html = _page(client, language)
        assert f'<html lang="{language}">' in html
        with translation.override(language):
            for purpose in purposes:
                assert escape(str(purpose.label)) in _activity(html, purpose), (language, purpose)
        pages[language] = html
    with translation.override("th"):
        thai_label = str(Purpose.MEMBERSHIP.label)
    with translation.override("en"):
        assert thai_label != str(Purpose.MEMBERSHIP.label)  # the languages really differ
    assert thai_label not in pages["en"]


def test_p8_policy_page_names_the_privacy_officer_from_settings(client, settings):
    settings.PRIVACY_OFFICER_NAME = "Khun Pracha Privacy"
    settings.PRIVACY_OFFICER_EMAIL = "dpo@example.test"
    for language in LANGUAGES:
        html = _page(client, language)
        assert "Khun Pracha Privacy" in html
        assert 'href="mailto:dpo@example.test"' in html


def test_adding_a_registry_field_changes_the_policy_without_a_template_edit(client):
    key = ("accounts.Member", "is_active")
    assert registry.declaration(*key) is None
    before_text = policy.render_text("en")
    consultation = _items(_activity(_page(client, "en"), Purpose.CONSULTATION))
    preference = escape(str(Category.PREFERENCE.label))
    assert preference not in consultation
    try:
        registry.personal_data(
            *key, category=Category.PREFERENCE, purpose=Purpose.CONSULTATION, retention="membership"
        )
        consultation = _items(_activity(_page(client, "en"), Purpose.CONSULTATION))
        assert "Member (active)" in consultation[preference]
        assert "Member (active)" in policy.render_text("en")
        assert policy.render_text("en") != before_text  # so the officer sees a version to publish
    finally:
        registry._declarations.pop(key, None)
    assert "Member (active)" not in policy.render_text("en")


def test_retention_table_shows_the_periods_of_the_published_version(client, settings):
    html = _page(client, "en")
    assert "6 months" in _row(html, "login_records")
    assert "5 years" in _row(html, "contract")
    assert "30 days" in _row(html, "unpaid_top_ups")
    assert "Act on Consumer Protection in Electronic Commerce" in _row(html, "payment")  # the basis
    # A setting changed without a new version changes nothing the page promises.
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 3, "contract": 84}
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "unpaid_top_ups": 14}
    html = _page(client, "en")
    assert _kept_for(html, "login_records") == "6 months"
    assert _kept_for(html, "contract") == "5 years" and _kept_for(html, "unpaid_top_ups") == "30 days"
    assert "Version 1, in force since" in html


def test_the_login_records_basis_does_not_contradict_the_period_in_force(client):
    row = _row(_page(client, "en"), "login_records")
    assert "6 months" in row and "at least 3 months" in row
    assert ": 3 months" not in row  # the basis once read "…(Korea): 3 months" beside 6 months


# --- The policy is what runs (P19): a setting no version promises stops the site -----------------


def _check_errors() -> str:
    """What `manage.py check` says, when it fails (empty when it passes)."""
    out = io.StringIO()
    try:
        call_command("check", stdout=out, stderr=out)
    except SystemCheckError as error:
        return str(error)
    return ""


def test_p19_a_changed_retention_setting_without_a_version_fails_the_check_naming_it(client, clock, settings):
    versions.ensure_initial_version()
    assert _check_errors() == ""
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 3}
    errors = _check_errors()
    assert 'settings.RETENTION_MONTHS["login_records"] is 3' in errors
    assert "the policy in force (version 1) says 6" in errors and "privacy.E001" in errors
    assert 'RETENTION_MONTHS["contract"]' not in errors  # only what differs is named

    version = _publish()  # with the reasons, at least 7 days ahead: members are told
    assert _check_errors() == ""
    assert version.facts['RETENTION_MONTHS["login_records"]'] == 3
    # Until it takes effect, the page promises version 1's period, and the check warns.
    assert _kept_for(_page(client, "en"), "login_records") == "6 months"
    messages = policy_checks.policy_is_what_runs()
    assert [m.id for m in messages] == ["privacy.W001"]
    clock.travel_to(version.effective_at + timedelta(minutes=1))
    assert policy_checks.policy_is_what_runs() == []
    assert _kept_for(_page(client, "en"), "login_records") == "3 months"
    # Setting it back after version 2 took effect is a change no version promises either.
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 6}
    assert "the policy in force (version 2) says 3" in _check_errors()


def test_p19_keeping_the_old_settings_until_an_announced_version_takes_effect_passes(clock, settings):
    versions.ensure_initial_version()
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 12}
    version = _publish()
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 6}  # version 1's, in force
    assert _check_errors() == ""
    clock.travel_to(version.effective_at + timedelta(minutes=1))
    assert "the policy in force (version 2) says 12" in _check_errors()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PRIVACY_OFFICER_EMAIL": "new-dpo@example.test"}, "settings.PRIVACY_OFFICER_EMAIL"),
        ({"PRIVACY_EXPORT_DAYS": 3}, "settings.PRIVACY_EXPORT_DAYS"),
        ({"SESSION_COOKIE_NAME": "sid"}, 'cookie "sid" (SESSION_COOKIE_NAME, SESSION_COOKIE_AGE)'),
        ({"SESSION_COOKIE_AGE": 3600}, 'cookie "sessionid" (SESSION_COOKIE_NAME, SESSION_COOKIE_AGE)'),
        ({"LINE_CHANNEL_ACCESS_TOKEN": "token"}, 'recipient "line" (LINE_CHANNEL_ACCESS_TOKEN)'),
        ({"CLAMD_HOST": "scanner.example.test"}, 'recipient "clamav" (CLAMD_HOST)'),
    ],
)
def test_p19_every_setting_the_policy_shows_is_checked(settings, change, named):
    versions.ensure_initial_version()
    for name, value in change.items():
        setattr(settings, name, value)
    assert named in _check_errors()
    before = policy.render_text("en", versions.facts_of(versions.current_version()))
    assert policy.render_text("en") != before  # so publishing has something to show and send
    _publish()
    assert _check_errors() == ""


def test_p19_the_check_passes_before_anything_is_published_and_on_an_empty_database(settings):
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 3}
    assert _check_errors() == ""  # version 1 will be the policy as it runs


def test_p19_a_version_without_recorded_settings_must_be_confirmed(clock, settings):
    PolicyVersion.objects.create(number=1, effective_at=clock.now(), texts=versions.generated_texts())
    assert "privacy.E002" in _check_errors()
    call_command("publish_policy", "--record-settings", stdout=io.StringIO())
    assert _check_errors() == ""


def test_p19_the_officer_publishes_from_the_command_line_when_the_site_cannot_start(clock, settings, officer):
    staff, _secret = officer
    versions.ensure_initial_version()
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 3}
    out = io.StringIO()
    call_command("publish_policy", "--show", stdout=out)
    assert 'settings.RETENTION_MONTHS["login_records"]: 6 -> 3' in out.getvalue()
    day = (timezone.localdate(clock.now()) + timedelta(days=settings.POLICY_NOTICE_DAYS + 1)).isoformat()
    texts = [f"--{field}-{code}={field} {code}" for field in ("reasons", "summary") for code in LANGUAGES]
    with pytest.raises(CommandError, match="privacy officer"):
        call_command("publish_policy", "--by=nobody@example.test", f"--effective-on={day}", *texts)
    call_command("publish_policy", f"--by={staff.email}", f"--effective-on={day}", *texts, stdout=out)
    version = PolicyVersion.objects.get(number=2)
    assert version.published_by == staff and version.reasons["ko"] == "reasons ko"
    assert _check_errors() == ""


def test_p19_the_officers_page_names_the_settings_that_changed(client, officer, settings):
    staff, secret = officer
    versions.ensure_initial_version()
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 3}
    sign_in(client, staff.email, totp_secret=secret)
    page = client.get("/staff/privacy/policy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="settings-changed"' in page
    assert escape('settings.RETENTION_MONTHS["login_records"]') in page


def test_policy_cookie_section_lists_every_declared_cookie(client):
    html = _page(client, "en")
    cookies = re.search(r'<section id="cookies".*?</section>', html, re.S).group(0)
    with translation.override("en"):
        for cookie in declared_cookies():
            row = _row(cookies, cookie.name)
            assert escape(str(cookie.purpose)) in row and escape(str(cookie.lifetime)) in row
    assert len(re.findall(r"<tr data-key=", cookies)) == len(declared_cookies())


def test_p7_the_policy_names_every_recipient_in_force_with_items_purpose_and_ground(client, settings):
    def section(language):
        html = _page(client, language)
        return re.search(r'<section id="third-parties".*?</section>', html, re.S).group(0)

    for language in LANGUAGES:
        found = section(language)
        with translation.override(language):
            for recipient in recipients.in_force():
                row = _row(found, recipient.key)
                for text in (recipient.name, recipient.items, recipient.purpose, recipient.ground):
                    assert escape(str(text)) in row, (language, recipient.key)
    assert {"providers", "mail"} <= {r.key for r in recipients.in_force()}
    assert 'data-key="line"' not in section("en")  # no LINE token: nothing goes to LINE
    settings.LINE_CHANNEL_ACCESS_TOKEN = "token"  # switched on: named once a version promises it
    assert 'data-key="line"' not in section("en")
    _publish(effective_at=clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS, hours=1))
    clock.travel_to(clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS, hours=2))
    assert "LY Corporation" in _row(section("en"), "line")


def test_the_seeds_sections_are_in_the_policy_in_every_language():
    """The seed's officer table, its "security devices" for encrypted transmission and its
    instructions to accept, refuse, see and delete cookies (for today's browsers), in th/en/ko."""
    seed = Path(policy.__file__).with_name("privacy-policy-th.txt").read_text(encoding="utf-8")
    assert "อุปกรณ์รักษาความปลอดภัย" in seed and "ตารางข้อมูลบุคคลที่รับผิดชอบ" in seed
    texts = {language: policy.render_text(language) for language in LANGUAGES}
    assert "อุปกรณ์รักษาความปลอดภัย" in texts["th"] and "ผู้จัดการข้อมูลส่วนบุคคลและบุคคลที่รับผิดชอบ" in texts["th"]
    assert "security devices" in texts["en"] and "보안장치" in texts["ko"]
    for language, text in texts.items():
        with translation.override(language):
            assert _("The privacy officer and the person in charge") in text, language
        for browser in ("Chrome", "Safari", "Edge", "Firefox"):
            assert browser in text, (language, browser)
    assert "Internet Explorer" not in texts["en"]


def test_policy_page_has_a_table_of_contents_and_the_refusal_grounds(client):
    html = _page(client, "en")
    for section in policy.build("en").sections:
        assert f'href="#{section.key}"' in html and f'id="{section.key}"' in html
    for marker in "①②③":
        assert marker in re.search(r'<section id="rights".*?</section>', html, re.S).group(0)


# --- Versions and change notices (P19) ----------------------------------------------------------


@pytest.fixture
def officer(make_staff):
    staff, secret = make_staff("privacy_officer")
    return staff, secret


def test_p19_publishing_a_version_notifies_members_before_it_takes_effect(
    client, clock, make_member, officer, settings, django_capture_on_commit_callbacks
):
    members = {code: make_member(language=code, name=f"Member {code}") for code in LANGUAGES}
    make_member(email="gone@example.test", is_active=False)
    staff, secret = officer
    first = versions.ensure_initial_version()
    assert first.number == 1 and PolicyChangeNotice.objects.count() == 0  # nothing to tell
    settings.PRIVACY_OFFICER_NAME = "Khun New Officer"  # the generated policy changes

    sign_in(client, staff.email, totp_secret=secret)
    page = client.get("/staff/privacy/policy/").content.decode()
    assert 'data-testid="changed-languages"' in page and "Khun New Officer" in page
    form = {f"{field}_{code}": f"{field} in {code}" for field in ("reasons", "summary") for code in LANGUAGES}
    too_soon = timezone.localdate(clock.now()) + timedelta(days=settings.POLICY_NOTICE_DAYS - 1)
    response = client.post(
        "/staff/privacy/policy/", {**form, "effective_on": too_soon.isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "at least 7 days ahead" in response.content.decode()
    assert PolicyVersion.objects.count() == 1 and PolicyChangeNotice.objects.count() == 0

    effective_on = timezone.localdate(clock.now()) + timedelta(days=settings.POLICY_NOTICE_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/privacy/policy/", {**form, "effective_on": effective_on.isoformat()})
    assert response.status_code == 302 and response["Location"] == "/privacy/versions/2/"
    version = PolicyVersion.objects.get(number=2)
    assert version.effective_at > clock.now() + timedelta(days=settings.POLICY_NOTICE_DAYS)

    # One notice per active member (the officer is one), none for the inactive one, all mailed.
    notices = PolicyChangeNotice.objects.filter(version=version)
    active = {m.pk for m in [*members.values(), staff]}
    assert set(notices.values_list("member_id", flat=True)) == active
    assert all(n.emailed_at is not None and n.emailed_at < version.effective_at for n in notices)
    for code, member in members.items():
        [message] = [m for m in mail.outbox if m.to == [member.email]]
        assert f"reasons in {code}" in message.body and f"summary in {code}" in message.body
        assert "/privacy/versions/2/" in message.body
        other = next(c for c in LANGUAGES if c != code)
        assert f"reasons in {other}" not in message.body
        # The notice is in the member's notification centre too, sent through the notification service.
        centre = Notification.objects.get(member=member, kind="policy_change")
        assert centre.required and centre.event_key == f"policy:{version.pk}"
        assert centre.link == "/privacy/versions/2/"
        assert centre.deliveries.get(channel="email").status == DeliveryStatus.SENT
    assert Notification.objects.filter(kind="policy_change").count() == len(active)
    sent = len(mail.outbox)
    versions.mail_notices(version=version)  # a re-run mails no one twice
    versions.mail_unsent_notices()
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(kind="policy_change").count() == len(active)

    # The banner: a member sees it until they dismiss it; a visitor sees the upcoming version.
    client.logout()
    member = members["en"]
    assert 'data-testid="policy-banner"' in _page(client, "en", "/")
    assert 'data-testid="upcoming-version"' in _page(client, "en")
    sign_in(client, member.email)
    html = _page(client, "en", "/dashboard/")
    assert 'data-testid="policy-banner"' in html and "summary in en" in html
    notice = notices.get(member=member)
    client.post(f"/privacy/notices/{notice.pk}/seen/", {"next": "/dashboard/"})
    assert 'data-testid="policy-banner"' not in _page(client, "en", "/dashboard/")
    notice.refresh_from_db()
    assert notice.seen_at is not None


def test_p19_policy_mail_skips_a_member_whose_mail_is_refused_and_keeps_going(
    clock, make_member, settings, django_capture_on_commit_callbacks
):
    correcting, other = make_member(), make_member()
    DataSubjectRequest.objects.create(
        member=correcting,
        kind=DataSubjectRequest.Kind.CORRECT,
        target="accounts.Member.email",
        due_at=clock.now() + timedelta(days=10),
        verified_at=clock.now(),
    )
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_EMAIL = "new-dpo@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        version = _publish()
    assert [m.to for m in mail.outbox] == [[other.email]]
    refused = PolicyChangeNotice.objects.get(version=version, member=correcting)
    assert refused.emailed_at is None  # not mailed; the on-site notice stays
    assert versions.banner_for(correcting, "en").notice_id == refused.pk
    centre = Notification.objects.get(member=correcting, kind="policy_change")  # and the centre's
    assert centre.deliveries.get(channel="email").status == DeliveryStatus.REFUSED
    versions.mail_unsent_notices()  # the catch-up job makes no second notice and no mail
    assert Notification.objects.filter(member=correcting).count() == 1
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_p19_a_member_who_stopped_processing_is_still_told_of_a_policy_change(
    clock, member, settings, django_capture_on_commit_callbacks
):
    from snshelper.privacy.models import ProcessingSuspension

    ProcessingSuspension.objects.create(member=member)
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_NAME = "Khun Changed"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = _publish()
    assert Notification.objects.get(member=member).kind == "policy_change"
    [message] = mail.outbox
    assert message.to == [member.email] and "/privacy/versions/2/" in message.body
    assert PolicyChangeNotice.objects.get(version=version, member=member).emailed_at is not None


def test_p19_publishing_refuses_too_soon_no_reasons_and_no_change(clock, settings):
    versions.ensure_initial_version()
    with translation.override("en"), pytest.raises(versions.PolicyPublishRefused, match="Nothing changed"):
        _publish()
    settings.PRIVACY_OFFICER_NAME = "Khun Changed"
    with translation.override("en"), pytest.raises(versions.PolicyPublishRefused, match="at least 7 days"):
        _publish(days=settings.POLICY_NOTICE_DAYS - 1)
    with translation.override("en"), pytest.raises(versions.PolicyPublishRefused, match="reasons"):
        _publish(reasons={"th": "เหตุผล", "en": "Reason", "ko": " "})
    assert PolicyVersion.objects.count() == 1
    assert _publish().number == 2


def test_p19_earlier_versions_stay_viewable_with_a_diff(client, clock, settings):
    settings.PRIVACY_OFFICER_NAME = "Khun <Old> Officer"
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_NAME = "Khun New Officer"
    second = _publish()
    clock.travel_to(second.effective_at + timedelta(days=1))
    settings.PRIVACY_OFFICER_NAME = "Khun Third Officer"  # the settings moved on, unpublished

    history = _page(client, "en", "/privacy/versions/")
    assert 'data-testid="version-1"' in history and 'data-testid="version-2"' in history
    first = _page(client, "en", "/privacy/versions/1/")
    assert "Name: Khun &lt;Old&gt; Officer" in first  # as published then, escaped
    second_page = _page(client, "en", "/privacy/versions/2/")
    diff = re.search(r'data-testid="diff">(.*?)</div>', second_page, re.S).group(1)
    assert "<del>Name: Khun &lt;Old&gt; Officer</del>" in diff
    assert "<ins>Name: Khun New Officer</ins>" in diff
    assert "Reason (en)" in second_page and "Summary en" in second_page
    assert "<Old>" not in second_page
    live = _page(client, "en")
    assert "Version 2, in force since" in live and "Khun New Officer" in live
    assert "Khun Third Officer" not in live  # the page promises what version 2 published


def test_policy_staff_page_is_for_the_privacy_officer_only(client, make_staff, member):
    sign_in(client, member.email)
    assert client.get("/staff/privacy/policy/").status_code == 403
    client.logout()
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/staff/privacy/policy/").status_code == 403


def test_policy_banner_costs_one_query(clock, member, django_assert_num_queries, settings):
    versions.ensure_initial_version()
    settings.PRIVACY_OFFICER_NAME = "Khun Changed"
    _publish()
    with django_assert_num_queries(1):
        banner = versions.banner_for(member, "en")
    assert banner.upcoming and banner.summary == "Summary en" and banner.notice_id
    with django_assert_num_queries(1):
        visitor = versions.banner_for(AnonymousUser(), "ko")
    assert visitor.upcoming and visitor.summary == "Summary ko" and visitor.notice_id is None
