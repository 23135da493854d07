"""Personal data in the API app: the member's key (a credential) and where it was used from."""

from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    Category,
    Purpose,
    not_personal,
    not_swept,
    owned_by,
    personal_data,
    sweep_with,
)

personal_data(
    "api.ApiKey",
    "secret_hash",
    category=Category.CREDENTIAL,
    purpose=Purpose.MEMBERSHIP,
    retention="membership",
    important=True,
    encrypted_by="snshelper.api.services._hash (SHA-256: the secret itself is never stored)",
)
personal_data(
    "api.ApiKey",
    "last_used_ip",
    category=Category.ONLINE_IDENTIFIER,
    purpose=Purpose.SECURITY,
    retention="membership",
)
personal_data(
    "api.ApiKey",
    "last_used_at",
    category=Category.USAGE_RECORD,
    purpose=Purpose.SECURITY,
    retention="membership",
)
personal_data(
    "api.ApiKey",
    "allowed_ips",
    category=Category.ONLINE_IDENTIFIER,
    purpose=Purpose.SECURITY,
    retention="membership",
)
not_personal("api.ApiKey", "name", reason="A label the member gives a key, such as 'my panel'.")
owned_by("api.ApiKey", "member")

not_swept(
    "api.ApiKey", reason=_("A credential of the membership: the member deletes it, withdrawal removes it.")
)

not_personal(
    "api.IdempotentRequest",
    "key",
    reason="An opaque token the member's program makes up for one order request, such as 'order-42'.",
)
personal_data(
    "api.IdempotentRequest",
    "fingerprint",
    category=Category.ORDER_DATA,
    purpose=Purpose.CONTRACT_PAYMENT,
    retention="contract",
    important=True,
    encrypted_by="snshelper.api.idempotency.fingerprint (keyed SHA-256 of the order request)",
)
personal_data(
    "api.IdempotentRequest",
    "created_at",
    category=Category.USAGE_RECORD,
    purpose=Purpose.CONTRACT_PAYMENT,
    retention="contract",
)
owned_by("api.IdempotentRequest", "member")
# Part of its order: when the order's data is anonymised (the order's own sweep), so is the request's
# fingerprint; withdrawal deletes the rows.
sweep_with("api.IdempotentRequest", parent="orders.Order", via="order", anonymise={"fingerprint": ""})

# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("api.ApiKey", "id", reason=registry.KEY)
registry.not_personal("api.ApiKey", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "api.ApiKey",
    "prefix",
    "created_at",
    "rotated_at",
    "revoked_at",
    reason="The key's public prefix (it opens nothing) and the dates of its life cycle.",
)
registry.not_personal("api.IdempotentRequest", "id", reason=registry.KEY)
registry.not_personal("api.IdempotentRequest", "member", reason=registry.MEMBER_LINK)
registry.not_personal("api.IdempotentRequest", "order", reason=registry.LINK)
