"""Personal data held by the accounts app (and by allauth for sign-in)."""

from snshelper.privacy.registry import Category, Purpose, not_personal, owned_by, personal_data

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
)

owned_by("accounts.Member", "pk")
owned_by("accounts.LoginRecord", "member")
owned_by("account.EmailAddress", "user")
owned_by("mfa.Authenticator", "user")
