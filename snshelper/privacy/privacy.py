"""Personal data the privacy engine itself holds about members."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    ANONYMISE,
    Category,
    Purpose,
    not_member_owned,
    not_personal,
    not_swept,
    owned_by,
    personal_data,
    sweep,
    sweep_with,
)

M, S, C = Purpose.MEMBERSHIP, Purpose.SECURITY, Purpose.CONSULTATION
REQUEST = {"category": Category.FREE_TEXT, "purpose": M, "retention": "data_requests"}

personal_data("privacy.DataSubjectRequest", "details", **REQUEST)
personal_data("privacy.DataSubjectRequest", "answer", **REQUEST)
personal_data("privacy.DataSubjectRequest", "requested_value", important=True, **REQUEST)
personal_data("privacy.DataSubjectRequest", "created_at", **{**REQUEST, "category": Category.USAGE_RECORD})
not_personal(
    "privacy.DataSubjectRequest", "target", reason="Names a registered field, e.g. accounts.Member.phone."
)
personal_data("privacy.RequestStep", "note", **REQUEST)
owned_by("privacy.DataSubjectRequest", "member")
owned_by("privacy.RequestStep", "request__member")

personal_data("privacy.DataExport", "path", category=Category.USAGE_RECORD, purpose=M, retention="exports")
owned_by("privacy.DataExport", "request__member")
personal_data(
    "privacy.IdentityCheck", "code_hash", category=Category.CREDENTIAL, purpose=S, retention="identity_checks"
)
personal_data(
    "privacy.IdentityCheck",
    "created_at",
    category=Category.USAGE_RECORD,
    purpose=S,
    retention="identity_checks",
)
owned_by("privacy.IdentityCheck", "member")

personal_data(
    "privacy.PrivacyInquiry", "subject", category=Category.FREE_TEXT, purpose=C, retention="complaint"
)
personal_data("privacy.PrivacyInquiry", "body", category=Category.FREE_TEXT, purpose=C, retention="complaint")
personal_data(
    "privacy.PrivacyInquiry", "answer", category=Category.FREE_TEXT, purpose=C, retention="complaint"
)
personal_data(
    "privacy.PrivacyInquiry", "created_at", category=Category.USAGE_RECORD, purpose=C, retention="complaint"
)
owned_by("privacy.PrivacyInquiry", "member")

personal_data(
    "privacy.Disclosure",
    "bundle",
    category=Category.FREE_TEXT,
    purpose=M,
    retention="contract",
    important=True,
)
personal_data("privacy.Disclosure", "fields", category=Category.USAGE_RECORD, purpose=M, retention="contract")
personal_data(
    "privacy.Disclosure", "disclosed_at", category=Category.USAGE_RECORD, purpose=M, retention="contract"
)
not_personal("privacy.Disclosure", "recipient", reason="An authority or business that received data.")
not_personal("privacy.Disclosure", "recipient_contact", reason="The recipient's own contact.")
not_personal("privacy.Disclosure", "legal_basis", reason="The law that required the provision.")
owned_by("privacy.Disclosure", "members")
personal_data(
    "privacy.CorrectionNotice", "text", category=Category.FREE_TEXT, purpose=M, retention="contract"
)
not_personal("privacy.CorrectionNotice", "field", reason="Names a registered field.")
owned_by("privacy.CorrectionNotice", "member")

personal_data(
    "privacy.PolicyChangeNotice", "seen_at", category=Category.USAGE_RECORD, purpose=M, retention="membership"
)
owned_by("privacy.PolicyChangeNotice", "member")
personal_data(
    "privacy.CookieChoice", "accepted", category=Category.PREFERENCE, purpose=M, retention="membership"
)
owned_by("privacy.CookieChoice", "member")
personal_data(
    "privacy.ProcessingSuspension",
    "since",
    category=Category.USAGE_RECORD,
    purpose=M,
    retention="data_requests",
)
owned_by("privacy.ProcessingSuspension", "member")

personal_data("privacy.LegalHold", "reason", category=Category.FREE_TEXT, purpose=S, retention="legal_hold")
personal_data(
    "privacy.LegalHold", "release_reason", category=Category.FREE_TEXT, purpose=S, retention="legal_hold"
)
not_personal("privacy.LegalHold", "record_type", reason="Names a kind of record, e.g. orders.Order.")
owned_by("privacy.LegalHold", "member")

WITHDRAWN = {"category": Category.IDENTITY, "purpose": S, "retention": "withdrawn_member"}
personal_data("privacy.WithdrawnMember", "kept", important=True, **WITHDRAWN)
personal_data(
    "privacy.WithdrawnMember",
    "email_hash",
    encrypted_by="HMAC-SHA256 with PRIVACY_MATCH_KEY: the address itself is not stored here",
    important=True,
    **WITHDRAWN,
)
personal_data(
    "privacy.WithdrawnMember",
    "phone_hash",
    encrypted_by="HMAC-SHA256 with PRIVACY_MATCH_KEY: the number itself is not stored here",
    important=True,
    **WITHDRAWN,
)
personal_data("privacy.WithdrawnMember", "member_id", **WITHDRAWN)
not_member_owned(
    "privacy.WithdrawnMember",
    reason="A withdrawn member has no account; only the privacy officer reads this store.",
)
# Each kept record has its own clock (P5): the withdrawal wrote when its rule ends.
personal_data("privacy.WithdrawnRecord", "data", important=True, **WITHDRAWN)
personal_data("privacy.WithdrawnRecord", "counted_from", **{**WITHDRAWN, "category": Category.USAGE_RECORD})
not_personal("privacy.WithdrawnRecord", "record_type", reason="Names a kind of record, e.g. wallet.TopUp.")
not_personal("privacy.WithdrawnRecord", "rule", reason="Names a retention rule, e.g. payment.")
not_member_owned(
    "privacy.WithdrawnRecord",
    reason="A withdrawn member has no account; only the privacy officer reads this store.",
)
personal_data(
    "privacy.SignupMatch", "note", category=Category.FREE_TEXT, purpose=S, retention="withdrawn_member"
)
not_member_owned(
    "privacy.SignupMatch", reason="A flag for staff about a sign-up; not the member's own data to export."
)

for field in ("reasons", "summary", "texts", "facts"):
    not_personal("privacy.PolicyVersion", field, reason="The published policy, written for everyone.")
for field in ("day", "created_at", "mailed_at"):
    not_personal(
        "privacy.DeadlineAlert", field, reason="When the officer was told a request is due: no member's data."
    )
not_personal("privacy.DataExport", "token", reason="A random key in the download link; names no one.")

# --- Retention ---------------------------------------------------------------------------------
# Order matters: an expired export's file goes before the request that carried it.
sweep("privacy.IdentityCheck", rule="identity_checks", since="created_at")
sweep(
    "privacy.DataExport",
    rule="exports",
    since="expires_at",
    action=ANONYMISE,
    anonymise={"path": "", "size": 0},
    files=("path",),  # a path under MEDIA_ROOT
)
sweep("privacy.DataSubjectRequest", rule="data_requests", since="closed_at")
sweep_with("privacy.RequestStep", parent="privacy.DataSubjectRequest", via="request")
sweep("privacy.ProcessingSuspension", rule="data_requests", since="lifted_at")
sweep("privacy.PrivacyInquiry", rule="complaint", since="answered_at", when=Q(kind="complaint"))
sweep("privacy.PrivacyInquiry", rule="privacy_questions", since="answered_at", when=Q(kind="question"))
sweep("privacy.Disclosure", rule="contract", since="disclosed_at")
sweep_with("privacy.CorrectionNotice", parent="privacy.Disclosure", via="disclosure")
sweep("privacy.LegalHold", rule="legal_hold", since="released_at")
# The withdrawal wrote when each row is due (its contract's end plus the withdrawn-member rule, or
# later while one of its kept records is still due).
# Each kept record leaves at its own rule's end, written at the withdrawal from the record's own
# date (a payment's, a complaint's closing): before its member's entry, which outlasts them all.
for _rule in ("contract", "payment", "complaint", "data_requests", "breaches", "withdrawn_member"):
    sweep("privacy.WithdrawnRecord", rule=_rule, since="destroy_after", due=True, when=Q(rule=_rule))
sweep("privacy.WithdrawnMember", rule="withdrawn_member", since="destroy_after", due=True)
sweep_with("privacy.SignupMatch", parent="privacy.WithdrawnMember", via="withdrawn")
for model in ("privacy.PolicyChangeNotice", "privacy.CookieChoice"):
    not_swept(model, reason=_("Membership data: kept while the membership lasts; withdrawal removes it."))

# --- Breaches (P18) ------------------------------------------------------------------------------
# The incident describes what happened for everyone it touched; members are linked by the list of
# affected members (the incident stays, with that list, when one of them withdraws). What is about
# one member is their notice: exported to them, copied to the kept document at withdrawal.
for field in (
    "title",
    "what_happened",
    "how",
    "categories",
    "likely_consequences",
    "measures",
    "remedies",
    "what_members_can_do",
    "contact",
    "regulator_reference",
):
    not_personal(
        "privacy.BreachIncident",
        field,
        reason="Describes an incident for all it touched; members are linked, not named, in it.",
    )
owned_by("privacy.BreachIncident", "affected_members")
not_personal(
    "privacy.BreachEvent", "changes", reason="Names the fields that changed and counts, never values."
)
BREACH = {"purpose": M, "retention": "breaches"}
personal_data("privacy.BreachNotice", "text", category=Category.FREE_TEXT, **BREACH)
personal_data("privacy.BreachNotice", "language", category=Category.PREFERENCE, **BREACH)
personal_data("privacy.BreachNotice", "created_at", category=Category.USAGE_RECORD, **BREACH)
personal_data("privacy.BreachNotice", "seen_at", category=Category.USAGE_RECORD, **BREACH)
owned_by("privacy.BreachNotice", "member")
# Kept 5 years after the incident is closed: the notices and the log go with it.
sweep("privacy.BreachIncident", rule="breaches", since="closed_at")
sweep_with("privacy.BreachEvent", parent="privacy.BreachIncident", via="incident")
sweep_with("privacy.BreachNotice", parent="privacy.BreachIncident", via="incident")


# --- Django's own tables (sessions, roles): declared here, since core sits below the registry ---
personal_data(
    "sessions.Session",
    "session_data",
    category=Category.ONLINE_IDENTIFIER,
    purpose=Purpose.SECURITY,
    retention="session",
)
personal_data(  # the session cookie's value: it identifies a signed-in browser
    "sessions.Session",
    "session_key",
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

# Rate-limit counters kept in the database when Redis is not configured (core.ratelimit).
personal_data(
    "core.RateCounter",
    "bucket",
    category=Category.ONLINE_IDENTIFIER,
    purpose=Purpose.SECURITY,
    retention="session",
    encrypted_by="a keyed hash of the limit, the address or key, and the window: no address in clear",
)
not_personal(
    "core.RateCounter", "count", "ends_at", reason="How many requests a window counted, and when it ends."
)
not_member_owned("core.RateCounter", reason="Counted per address or key by keyed hash; it names no member.")
not_swept(
    "core.RateCounter",
    reason=_("Each counter is deleted as soon as its window of a few minutes ends."),
)

# Leases of periodic jobs (core.leases): a job name, a random run id and times; nobody in them.
not_personal(
    "core.TaskLease",
    "name",
    "holder",
    "expires_at",
    "last_success_at",
    reason="Which job holds its lease (a random run id), until when, and when it last finished.",
)
not_member_owned("core.TaskLease", reason="One row per periodic job; it names no member.")
not_swept("core.TaskLease", reason=_("One row per periodic job, kept while the job exists."))

# Like `manage.py clearsessions`: a session past its expiry is of no use to anyone.
sweep("sessions.Session", rule="session", since="expire_date")


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("auth.Permission", "id", reason=registry.KEY)
registry.not_personal("auth.Permission", "content_type", reason=registry.LINK)
registry.not_personal(
    "auth.Permission", "codename", reason="Django's list of permissions: code names, not people."
)
registry.not_personal("auth.Group_permissions", "id", reason=registry.KEY)
registry.not_personal("auth.Group_permissions", "group", "permission", reason=registry.LINK)
registry.not_personal("auth.Group", "id", reason=registry.KEY)
registry.not_personal("contenttypes.ContentType", "id", reason=registry.KEY)
registry.not_personal(
    "contenttypes.ContentType", "app_label", "model", reason="The names of the project's models."
)
registry.not_personal(
    "sessions.Session",
    "expire_date",
    reason="When a session ends: a setting of the session, not of the person.",
)
registry.not_personal("privacy.PolicyVersion", "id", reason=registry.KEY)
registry.not_personal(
    "privacy.PolicyVersion",
    "number",
    "published_at",
    "effective_at",
    reason="A published version of the policy: its number and dates.",
)
registry.not_personal("privacy.PolicyVersion", "published_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.PolicyChangeNotice", "id", reason=registry.KEY)
registry.not_personal("privacy.PolicyChangeNotice", "version", reason=registry.LINK)
registry.not_personal("privacy.PolicyChangeNotice", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.PolicyChangeNotice",
    "created_at",
    "emailed_at",
    reason="When a policy notice was made and mailed: the handling of the notice.",
)
registry.not_personal("privacy.DestructionLog", "id", reason=registry.KEY)
registry.not_personal(
    "privacy.DestructionLog",
    "rule",
    "record_type",
    "action",
    "count",
    "ran_at",
    reason="Counts of records destroyed by a rule: no identifier of anyone.",
)
registry.not_personal("privacy.LegalHold", "id", reason=registry.KEY)
registry.not_personal("privacy.LegalHold", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.LegalHold",
    "record_id",
    "placed_at",
    "released_at",
    reason="Which record is held and when the hold was placed or released: the handling of the hold.",
)
registry.not_personal("privacy.LegalHold", "placed_by", "released_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.WithdrawnMember", "id", reason=registry.KEY)
registry.not_personal(
    "privacy.WithdrawnMember",
    "withdrawn_at",
    "contract_ended_at",
    "destroy_after",
    reason="The dates that set how long the store keeps a withdrawn member's data.",
)
registry.not_personal("privacy.WithdrawnRecord", "id", reason=registry.KEY)
registry.not_personal("privacy.WithdrawnRecord", "withdrawn", reason=registry.LINK)
registry.not_personal(
    "privacy.WithdrawnRecord",
    "destroy_after",
    reason="The date the kept record leaves the store, set by its own rule.",
)
registry.not_personal("privacy.SignupMatch", "id", reason=registry.KEY)
registry.not_personal("privacy.SignupMatch", "member", reason=registry.MEMBER_LINK)
registry.not_personal("privacy.SignupMatch", "withdrawn", reason=registry.LINK)
registry.not_personal(
    "privacy.SignupMatch",
    "matched_on",
    "created_at",
    "reviewed_at",
    reason="Which check matched and when it was reviewed: the handling of the flag.",
)
registry.not_personal("privacy.SignupMatch", "reviewed_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.IdentityCheck", "id", reason=registry.KEY)
registry.not_personal("privacy.IdentityCheck", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.IdentityCheck",
    "expires_at",
    "attempts",
    "passed_at",
    reason="The check's expiry, attempts and success: the handling of the check.",
)
registry.not_personal("privacy.DataSubjectRequest", "id", reason=registry.KEY)
registry.not_personal("privacy.DataSubjectRequest", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.DataSubjectRequest",
    "kind",
    "status",
    "due_at",
    "verified_at",
    "closed_at",
    "target_id",
    "refusal_ground",
    reason="The request's kind, state, deadlines and the record it names: the handling of the request.",
)
registry.not_personal("privacy.DataSubjectRequest", "handled_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.RequestStep", "id", reason=registry.KEY)
registry.not_personal("privacy.RequestStep", "request", reason=registry.LINK)
registry.not_personal(
    "privacy.RequestStep",
    "at",
    "action",
    reason="What was done to a request and when: the handling of the request.",
)
registry.not_personal("privacy.RequestStep", "actor", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.DataExport", "id", reason=registry.KEY)
registry.not_personal("privacy.DataExport", "request", reason=registry.LINK)
registry.not_personal(
    "privacy.DataExport",
    "size",
    "created_at",
    "ready_at",
    "expires_at",
    "downloaded_at",
    reason="The export's size and dates: the handling of the export.",
)
registry.not_personal("privacy.ProcessingSuspension", "id", reason=registry.KEY)
registry.not_personal("privacy.ProcessingSuspension", "member", reason=registry.MEMBER_LINK)
registry.not_personal("privacy.ProcessingSuspension", "request", reason=registry.LINK)
registry.not_personal(
    "privacy.ProcessingSuspension",
    "lifted_at",
    reason="When a suspension was lifted: the handling of the request.",
)
registry.not_personal("privacy.Disclosure_members", "id", reason=registry.KEY)
registry.not_personal("privacy.Disclosure_members", "disclosure", reason=registry.LINK)
registry.not_personal("privacy.Disclosure_members", "member", reason=registry.MEMBER_LINK)
registry.not_personal("privacy.Disclosure", "id", reason=registry.KEY)
registry.not_personal("privacy.Disclosure", "recorded_by", reason=registry.ACTOR_LINK)
registry.not_personal(
    "privacy.Disclosure",
    "recorded_at",
    reason="When the provision was recorded: the handling of the register.",
)
registry.not_personal("privacy.CorrectionNotice", "id", reason=registry.KEY)
registry.not_personal("privacy.CorrectionNotice", "disclosure", "request", reason=registry.LINK)
registry.not_personal("privacy.CorrectionNotice", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.CorrectionNotice",
    "created_at",
    "sent_at",
    reason="When a correction notice was made and sent: the handling of the notice.",
)
registry.not_personal("privacy.PrivacyInquiry", "id", reason=registry.KEY)
registry.not_personal("privacy.PrivacyInquiry", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.PrivacyInquiry",
    "kind",
    "due_at",
    "answered_at",
    reason="The inquiry's kind and deadlines: the handling of the inquiry.",
)
registry.not_personal("privacy.PrivacyInquiry", "answered_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.DeadlineAlert", "id", reason=registry.KEY)
registry.not_personal("privacy.DeadlineAlert", "request", "inquiry", reason=registry.LINK)
registry.not_personal("privacy.CookieChoice", "id", reason=registry.KEY)
registry.not_personal("privacy.CookieChoice", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.CookieChoice",
    "policy_version",
    "chosen_at",
    reason="Which policy version the choice was made under, and when: the handling of the choice.",
)
registry.not_personal("privacy.BreachIncident_affected_members", "id", reason=registry.KEY)
registry.not_personal("privacy.BreachIncident_affected_members", "breachincident", reason=registry.LINK)
registry.not_personal("privacy.BreachIncident_affected_members", "member", reason=registry.MEMBER_LINK)
registry.not_personal("privacy.BreachIncident", "id", reason=registry.KEY)
registry.not_personal(
    "privacy.BreachIncident",
    "found_at",
    "occurred_from",
    "occurred_until",
    "status",
    "created_at",
    "members_notified_at",
    "regulator_reported_at",
    "closed_at",
    reason="The incident's dates and state: the handling of the incident.",
)
registry.not_personal("privacy.BreachIncident", "created_by", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.BreachEvent", "id", reason=registry.KEY)
registry.not_personal("privacy.BreachEvent", "incident", reason=registry.LINK)
registry.not_personal(
    "privacy.BreachEvent",
    "at",
    "action",
    reason="What was done about an incident and when: the handling of the incident.",
)
registry.not_personal("privacy.BreachEvent", "actor", reason=registry.ACTOR_LINK)
registry.not_personal("privacy.BreachNotice", "id", reason=registry.KEY)
registry.not_personal("privacy.BreachNotice", "incident", reason=registry.LINK)
registry.not_personal("privacy.BreachNotice", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "privacy.BreachNotice",
    "emailed_at",
    reason="When a breach notice was mailed: the handling of the notice.",
)
