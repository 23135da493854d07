"""Personal data in the staff action log (Django admin's history)."""

from snshelper.privacy.registry import Category, Purpose, personal_data

for field in ("object_id", "object_repr", "change_message"):
    personal_data(
        "admin.LogEntry",
        field,
        category=Category.USAGE_RECORD,
        purpose=Purpose.SECURITY,
        retention="staff_audit",
    )
