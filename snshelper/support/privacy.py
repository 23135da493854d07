"""Personal data in consultations: what the member wrote and attached, what staff answered, and when.

Complaints and disputes (``is_complaint``) are kept 5 years after they are closed (rule "complaint");
every other consultation 12 months after it is closed (rule "consultations"); open ones are kept while
they are open. Messages and attachments (their files too) go with their consultation.

Like the privacy officer's inquiries, the fields are declared under the complaint rule, the longest
that may apply to a row, so a withdrawal copies complaints to the withdrawn-member store before the
ordinary tables lose them; the sweeps below apply each row's own rule.
"""

from django.db.models import Q

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    Category,
    Purpose,
    not_personal,
    owned_by,
    personal_data,
    sweep,
    sweep_with,
)

C = Purpose.CONSULTATION
TEXT = {"category": Category.FREE_TEXT, "purpose": C, "retention": "complaint"}
WHEN = {"category": Category.USAGE_RECORD, "purpose": C, "retention": "complaint"}

personal_data("support.Consultation", "subject", **TEXT)
for field in ("created_at", "first_response_at", "closed_at", "updated_at"):
    personal_data("support.Consultation", field, **WHEN)
owned_by("support.Consultation", "member")

personal_data("support.Message", "body", **TEXT)
personal_data("support.Message", "created_at", **WHEN)
owned_by("support.Message", "consultation__member")

personal_data("support.Attachment", "file", **TEXT)
personal_data("support.Attachment", "original_name", **TEXT)
personal_data("support.Attachment", "size", **WHEN)
personal_data("support.Attachment", "created_at", **WHEN)
not_personal(
    "support.Attachment", "content_type", reason="The file's type (image/png...), found by our check."
)
owned_by("support.Attachment", "message__consultation__member")

for field in ("body_th", "body_en", "body_ko"):
    not_personal("support.CannedReply", field, reason="A prepared answer staff write for every member.")

# --- Retention ---------------------------------------------------------------------------------
# Counted from the closing: an open consultation is never swept (a reopened one starts again).
# Attachments first, so their files are deleted with them (a message's delete would cascade past them).
sweep("support.Consultation", rule="complaint", since="closed_at", when=Q(is_complaint=True))
sweep("support.Consultation", rule="consultations", since="closed_at", when=Q(is_complaint=False))
sweep_with("support.Attachment", parent="support.Consultation", via="message__consultation", files=("file",))
sweep_with("support.Message", parent="support.Consultation", via="consultation")


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("support.Consultation", "id", reason=registry.KEY)
registry.not_personal(
    "support.Consultation",
    "number",
    "topic",
    "status",
    "is_complaint",
    "due_at",
    "reopened_count",
    reason="The consultation's number, topic, state and deadlines: the handling of the consultation.",
)
registry.not_personal("support.Consultation", "member", reason=registry.MEMBER_LINK)
registry.not_personal("support.Consultation", "order", "top_up", reason=registry.LINK)
registry.not_personal("support.Consultation", "assigned_to", reason=registry.ACTOR_LINK)
registry.not_personal("support.Message", "id", reason=registry.KEY)
registry.not_personal("support.Message", "consultation", reason=registry.LINK)
registry.not_personal("support.Message", "author", reason=registry.ACTOR_LINK)
registry.not_personal(
    "support.Message",
    "from_staff",
    "internal",
    reason="Whether a message is from staff or internal: the handling of the consultation.",
)
registry.not_personal("support.Attachment", "id", reason=registry.KEY)
registry.not_personal("support.Attachment", "message", reason=registry.LINK)
registry.not_personal("support.CannedReply", "id", reason=registry.KEY)
registry.not_personal(
    "support.CannedReply",
    "title",
    "active",
    "updated_at",
    reason="A reply template staff write, naming no member.",
)
