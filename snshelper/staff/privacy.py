"""Personal data in the staff action log (Django admin's history) and the staff records (P17)."""

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    Category,
    Purpose,
    not_member_owned,
    not_personal,
    owned_by,
    personal_data,
    sweep,
    sweep_with,
)

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


# --- Staff lifecycle (P17): pledges, training, hand-overs ----------------------------------------
# Records about a staff member, kept while they work and 3 years after they leave: the hand-over's
# sweep counts from its time, and takes the pledges and training sessions with it.

STAFF_RECORD = {"category": Category.USAGE_RECORD, "purpose": Purpose.SECURITY, "retention": "staff_records"}

personal_data("staff.SecurityPledge", "signed_at", **STAFF_RECORD)
not_personal(
    "staff.SecurityPledge",
    "text_hash",
    reason="A fingerprint of the pledge's text as signed: the same for everyone who signed it.",
)
personal_data("staff.TrainingSession", "held_on", **STAFF_RECORD)
personal_data("staff.TrainingSession", "notes", **{**STAFF_RECORD, "category": Category.FREE_TEXT})
personal_data("staff.HandOver", "effective_at", **STAFF_RECORD)
personal_data("staff.HandOver", "open_work_summary", **{**STAFF_RECORD, "category": Category.FREE_TEXT})
personal_data(
    "staff.HandOver", "responsibility_statement", **{**STAFF_RECORD, "category": Category.FREE_TEXT}
)
for model in ("staff.SecurityPledge", "staff.TrainingSession", "staff.HandOver"):
    owned_by(model, "staff")

sweep("staff.HandOver", rule="staff_records", since="effective_at")
sweep_with("staff.SecurityPledge", parent="staff.HandOver", via="staff__hand_over")
sweep_with("staff.TrainingSession", parent="staff.HandOver", via="staff__hand_over")


# --- Reveals of personal data (P16) --------------------------------------------------------------
# Who saw whose personal data, which field, when and why: a staff audit record, kept 2 years.

STAFF_AUDIT = {"category": Category.USAGE_RECORD, "purpose": Purpose.SECURITY, "retention": "staff_audit"}

personal_data("staff.RevealLog", "at", **STAFF_AUDIT)
personal_data("staff.RevealLog", "reason", **{**STAFF_AUDIT, "category": Category.FREE_TEXT})
personal_data("staff.RevealLog", "ip_address", **{**STAFF_AUDIT, "category": Category.ONLINE_IDENTIFIER})
not_personal(
    "staff.RevealLog", "field", reason="The name of a field (e.g. wallet.Withdrawal.account_number)."
)
not_member_owned(
    "staff.RevealLog",
    reason="A record of a staff member's access to data, kept for the privacy officer's review; it stays "
    "when the member concerned leaves, so their data's use remains accountable for 2 years.",
)
sweep("staff.RevealLog", rule="staff_audit", since="at")


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("admin.LogEntry", "id", reason=registry.KEY)
registry.not_personal(
    "admin.LogEntry",
    "action_time",
    "action_flag",
    reason="When and what kind of change staff made; the log's declared fields say to what.",
)
registry.not_personal("admin.LogEntry", "user", reason=registry.MEMBER_LINK)
registry.not_personal("admin.LogEntry", "content_type", reason=registry.LINK)
registry.not_personal("staff.StaffAccess", "id", reason=registry.KEY)
registry.not_personal("staff.SecurityPledge", "id", reason=registry.KEY)
registry.not_personal("staff.SecurityPledge", "staff", reason=registry.MEMBER_LINK)
registry.not_personal("staff.SecurityPledge", "version", reason="Which version of the pledge was signed.")
registry.not_personal("staff.TrainingSession", "id", reason=registry.KEY)
registry.not_personal("staff.TrainingSession", "staff", reason=registry.MEMBER_LINK)
registry.not_personal(
    "staff.TrainingSession",
    "topic",
    "hours",
    "recorded_at",
    reason="The training's topic and hours and when it was recorded.",
)
registry.not_personal("staff.TrainingSession", "recorded_by", reason=registry.ACTOR_LINK)
registry.not_personal("staff.HandOver", "id", reason=registry.KEY)
registry.not_personal("staff.HandOver", "staff", reason=registry.MEMBER_LINK)
registry.not_personal(
    "staff.HandOver",
    "roles_held",
    "created_at",
    "carried_out_at",
    "work_reassigned",
    reason="The roles handed over, the count of work reassigned and the dates of the hand-over.",
)
registry.not_personal("staff.HandOver", "reassigned_to", "recorded_by", reason=registry.ACTOR_LINK)
registry.not_personal("staff.RevealLog", "id", reason=registry.KEY)
registry.not_personal("staff.RevealLog", "staff", "member", reason=registry.MEMBER_LINK)
