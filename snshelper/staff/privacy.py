"""Personal data in the staff action log (Django admin's history)."""

from snshelper.privacy.registry import Category, Purpose, not_member_owned, personal_data, sweep

for field in ("object_id", "object_repr", "change_message"):
    personal_data(
        "admin.LogEntry",
        field,
        category=Category.USAGE_RECORD,
        purpose=Purpose.SECURITY,
        retention="staff_audit",
    )
not_member_owned(
    "admin.LogEntry",
    reason="A staff member's own actions in the back office; read by the privacy officer, not exported.",
)

sweep("admin.LogEntry", rule="staff_audit", since="action_time")
