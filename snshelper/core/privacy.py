"""Personal data in Django's own tables."""

from snshelper.privacy.registry import (
    Category,
    Purpose,
    not_member_owned,
    not_personal,
    personal_data,
    sweep,
)

personal_data(
    "sessions.Session",
    "session_data",
    category=Category.ONLINE_IDENTIFIER,
    purpose=Purpose.SECURITY,
    retention="session",
)
not_personal("auth.Permission", "name", reason="The name of a permission, not of a person.")
not_personal("auth.Group", "name", reason="The name of a staff role, not of a person.")
not_member_owned(
    "sessions.Session",
    reason="A session is found by its random key, not by member; it ends at sign-out, expiry and withdrawal.",
)

# Like `manage.py clearsessions`: a session past its expiry is of no use to anyone.
sweep("sessions.Session", rule="session", since="expire_date")
