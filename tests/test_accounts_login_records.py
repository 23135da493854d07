"""Login records: one per sign-in attempt, written in one place; lockout after repeated failures."""

import datetime as dt
import re
from pathlib import Path

import pytest

from snshelper.accounts.models import LoginRecord
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Linux; Android 14) Mobile Safari"


def test_successful_sign_in_writes_one_record_with_ip_time_and_browser(client, member):
    client.defaults.update(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    sign_in(client, member.email)
    record = LoginRecord.objects.get()
    assert (record.member, record.result) == (member, LoginRecord.Result.SUCCESS)
    assert (record.ip_address, record.user_agent) == ("203.0.113.7", BROWSER)


def test_failed_sign_in_writes_one_record_for_the_member(client, member):
    sign_in(client, member.email, "wrong-password-here")
    record = LoginRecord.objects.get()
    assert (record.member, record.result) == (member, LoginRecord.Result.FAILED)


def test_failed_sign_in_for_an_unknown_email_keeps_no_email(client, db):
    sign_in(client, "nobody@example.test", "wrong-password-here")
    record = LoginRecord.objects.get()
    assert record.member is None and record.result == LoginRecord.Result.FAILED
    assert "nobody" not in str(LoginRecord.objects.values().get())


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, member):
    for _ in range(5):
        sign_in(client, member.email, "wrong-password-here")
    response = sign_in(client, member.email)  # even the right password is refused now
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "15 นาที" in response.content.decode()  # the lockout message, in Thai
    results = list(LoginRecord.objects.order_by("id").values_list("result", flat=True))
    assert results == ["failed"] * 5 + ["locked_out"]


def test_lockout_of_one_account_leaves_other_accounts_alone(client, member, make_member):
    other = make_member()
    for _ in range(6):
        sign_in(client, member.email, "wrong-password-here")
    assert sign_in(client, other.email)["Location"] == "/dashboard/"


def test_member_sees_own_recent_sign_ins_in_bangkok_time(client, member, make_member):
    other = make_member()
    LoginRecord.objects.create(member=other, ip_address="198.51.100.9", result="success")
    LoginRecord.objects.create(
        member=member,
        ip_address="192.0.2.44",
        result="failed",
        created_at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC),
    )
    sign_in(client, member.email)
    page = client.get("/accounts/sign-ins/").content.decode()
    assert "192.0.2.44" in page and "198.51.100.9" not in page
    assert "07:30" in page  # 00:30 UTC is 07:30 in Bangkok


def test_login_records_are_written_in_exactly_one_place():
    source = Path(__file__).resolve().parents[1] / "snshelper"
    writers = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "migrations" not in path.parts
        and re.search(
            r"LoginRecord\.objects\.(create|bulk_create|update_or_create)|(?<!class )LoginRecord\(",
            path.read_text(),
        )
    ]
    assert writers == ["accounts/services.py"]
