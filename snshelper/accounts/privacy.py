"""Personal data held by the accounts app (and by allauth for sign-in)."""

from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    Category,
    Purpose,
    name_records,
    not_personal,
    not_swept,
    owned_by,
    personal_data,
    sweep,
)

M, S = Purpose.MEMBERSHIP, Purpose.SECURITY

personal_data("accounts.Member", "member_id", category=Category.IDENTITY, purpose=M, retention="membership")
personal_data("accounts.Member", "name", category=Category.IDENTITY, purpose=M, retention="membership")
personal_data("accounts.Member", "email", category=Category.CONTACT, purpose=M, retention="membership")
# Stored as a one-way Argon2 hash, never in a form that can be turned back into the password.
personal_data("accounts.Member", "password", category=Category.CREDENTIAL, purpose=M, retention="membership")
personal_data(
    "accounts.Member",
    "phone",
    category=Category.CONTACT,
    purpose=Purpose.CONTRACT_PAYMENT,
    retention="contract",
    important=True,
)
personal_data("accounts.Member", "language", category=Category.PREFERENCE, purpose=M, retention="membership")
personal_data(
    "accounts.Member", "date_joined", category=Category.USAGE_RECORD, purpose=M, retention="membership"
)
personal_data(
    "accounts.Member", "last_login", category=Category.USAGE_RECORD, purpose=S, retention="membership"
)

personal_data(
    "accounts.LoginRecord",
    "ip_address",
    category=Category.ONLINE_IDENTIFIER,
    purpose=S,
    retention="login_records",
)
personal_data(
    "accounts.LoginRecord", "user_agent", category=Category.USAGE_RECORD, purpose=S, retention="login_records"
)
personal_data(  # whether a sign-in as the member succeeded, failed or was locked out
    "accounts.LoginRecord", "result", category=Category.USAGE_RECORD, purpose=S, retention="login_records"
)
personal_data(
    "accounts.LoginRecord", "created_at", category=Category.USAGE_RECORD, purpose=S, retention="login_records"
)

personal_data("account.EmailAddress", "email", category=Category.CONTACT, purpose=M, retention="membership")
not_personal(
    "account.EmailConfirmation",
    "key",
    reason="A random one-time token; the address it confirms is in EmailAddress.",
)
personal_data(
    "mfa.Authenticator",
    "data",
    category=Category.CREDENTIAL,
    purpose=S,
    retention="membership",
    important=True,
    encrypted_by="snshelper.accounts.adapters.MFAAdapter",
    label=_("authenticator secret and recovery codes (encrypted)"),
)
name_records("mfa.Authenticator", _("two-factor authenticator"), _("two-factor authenticators"))

owned_by("accounts.Member", "pk")
owned_by("accounts.LoginRecord", "member")
owned_by("account.EmailAddress", "user")
owned_by("mfa.Authenticator", "user")

# --- Retention ---------------------------------------------------------------------------------
sweep("accounts.LoginRecord", rule="login_records", since="created_at")
# allauth keeps confirmations in the database only when its HMAC keys are turned off.
sweep("account.EmailConfirmation", rule="email_confirmations", since="created")
MEMBERSHIP_DATA = _("Membership data: kept while the membership lasts; withdrawal removes or anonymises it.")
for model in ("accounts.Member", "account.EmailAddress", "mfa.Authenticator"):
    not_swept(model, reason=MEMBERSHIP_DATA)


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("accounts.Member_groups", "id", reason=registry.KEY)
registry.not_personal("accounts.Member_groups", "member", reason=registry.MEMBER_LINK)
registry.not_personal("accounts.Member_groups", "group", reason=registry.LINK)
registry.not_personal("accounts.Member_user_permissions", "id", reason=registry.KEY)
registry.not_personal("accounts.Member_user_permissions", "member", reason=registry.MEMBER_LINK)
registry.not_personal("accounts.Member_user_permissions", "permission", reason=registry.LINK)
registry.not_personal("accounts.Member", "id", reason=registry.KEY)
registry.not_personal(
    "accounts.Member",
    "is_superuser",
    "is_staff",
    "is_active",
    "withdrawn_at",
    reason="The account's switches (active, staff) and when it was withdrawn: the handling of the account.",
)
registry.not_personal("accounts.LoginRecord", "id", reason=registry.KEY)
registry.not_personal("accounts.LoginRecord", "member", reason=registry.MEMBER_LINK)
registry.not_personal("account.EmailAddress", "id", reason=registry.KEY)
registry.not_personal("account.EmailAddress", "user", reason=registry.MEMBER_LINK)
registry.not_personal(
    "account.EmailAddress",
    "verified",
    "primary",
    reason="Whether the address is verified and the primary one.",
)
registry.not_personal("account.EmailConfirmation", "id", reason=registry.KEY)
registry.not_personal("account.EmailConfirmation", "email_address", reason=registry.LINK)
registry.not_personal(
    "account.EmailConfirmation",
    "created",
    "sent",
    reason="When a confirmation was made and sent; the address is declared on account.EmailAddress.",
)
registry.not_personal("mfa.Authenticator", "id", reason=registry.KEY)
registry.not_personal("mfa.Authenticator", "user", reason=registry.MEMBER_LINK)
registry.not_personal(
    "mfa.Authenticator",
    "type",
    "created_at",
    "last_used_at",
    reason="The kind of authenticator and its dates of use.",
)
