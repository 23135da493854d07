"""Personal data the notices hold: what was sent to whom and when, the member's chosen channels,
and the LINE account a member linked to get notices by LINE (its user ID only)."""

from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    Category,
    Purpose,
    not_personal,
    not_swept,
    owned_by,
    personal_data,
    sweep,
    sweep_with,
)

M = Purpose.MEMBERSHIP
NOTICE = {"purpose": M, "retention": "notices"}

personal_data("notifications.Notification", "params", category=Category.USAGE_RECORD, **NOTICE)
personal_data("notifications.Notification", "link", category=Category.USAGE_RECORD, **NOTICE)
personal_data("notifications.Notification", "created_at", category=Category.USAGE_RECORD, **NOTICE)
personal_data("notifications.Notification", "read_at", category=Category.USAGE_RECORD, **NOTICE)
not_personal("notifications.Notification", "event_key", reason="Names the event (e.g. order:12:Completed).")
owned_by("notifications.Notification", "member")
sweep("notifications.Notification", rule="notices", since="created_at")

personal_data("notifications.Delivery", "sent_at", category=Category.USAGE_RECORD, **NOTICE)
personal_data("notifications.Delivery", "last_error", category=Category.USAGE_RECORD, **NOTICE)
not_personal(
    "notifications.Delivery", "retry_key", reason="A random UUID that LINE uses to drop a repeated push."
)
owned_by("notifications.Delivery", "notification__member")
sweep_with("notifications.Delivery", parent="notifications.Notification", via="notification")

personal_data(
    "notifications.ChannelChoice", "email", category=Category.PREFERENCE, purpose=M, retention="membership"
)
personal_data(
    "notifications.ChannelChoice", "line", category=Category.PREFERENCE, purpose=M, retention="membership"
)
personal_data(
    "notifications.ChannelChoice",
    "updated_at",
    category=Category.USAGE_RECORD,
    purpose=M,
    retention="membership",
)
personal_data(
    "notifications.ChannelChoice",
    "order_updates",
    category=Category.PREFERENCE,
    purpose=M,
    retention="membership",
)
owned_by("notifications.ChannelChoice", "member")

# LINE Login links a LINE account for notices; allauth's profile copy (extra_data) is emptied before
# it is saved (line_login.SocialAccountAdapter), and no access token is stored.
personal_data(
    "socialaccount.SocialAccount",
    "uid",
    category=Category.ONLINE_IDENTIFIER,
    purpose=M,
    retention="membership",
)
personal_data(
    "socialaccount.SocialAccount",
    "extra_data",
    category=Category.ONLINE_IDENTIFIER,
    purpose=M,
    retention="membership",
)
personal_data(
    "socialaccount.SocialAccount",
    "last_login",
    category=Category.USAGE_RECORD,
    purpose=M,
    retention="membership",
)
personal_data(
    "socialaccount.SocialAccount",
    "date_joined",
    category=Category.USAGE_RECORD,
    purpose=M,
    retention="membership",
)
owned_by("socialaccount.SocialAccount", "user")

for model in ("notifications.ChannelChoice", "socialaccount.SocialAccount"):
    not_swept(model, reason=_("Kept while the membership lasts; deleted at withdrawal."))

# The LINE Login channel (client ID and secret) comes from the settings, not from these rows; no
# access token is stored (SOCIALACCOUNT_STORE_TOKENS = False). Neither holds anything of a member.
for field in ("name", "secret", "key", "settings"):
    not_personal(
        "socialaccount.SocialApp", field, reason="A sign-in provider's configuration, not a person's."
    )
for field in ("token", "token_secret"):
    not_personal(
        "socialaccount.SocialToken", field, reason="Never stored: SOCIALACCOUNT_STORE_TOKENS is off."
    )


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("notifications.Notification", "id", reason=registry.KEY)
registry.not_personal("notifications.Notification", "member", reason=registry.MEMBER_LINK)
registry.not_personal(
    "notifications.Notification",
    "kind",
    "required",
    reason="The kind of notice and whether it is required; its declared params and link carry the content.",
)
registry.not_personal("notifications.Delivery", "id", reason=registry.KEY)
registry.not_personal("notifications.Delivery", "notification", reason=registry.LINK)
registry.not_personal(
    "notifications.Delivery",
    "channel",
    "status",
    "attempts",
    "next_attempt_at",
    reason="Which channel a notice went by and its state: the handling of the notice.",
)
registry.not_personal("notifications.ChannelChoice", "id", reason=registry.KEY)
registry.not_personal("notifications.ChannelChoice", "member", reason=registry.MEMBER_LINK)
registry.not_personal("socialaccount.SocialApp", "id", reason=registry.KEY)
registry.not_personal(
    "socialaccount.SocialApp",
    "provider",
    "provider_id",
    "client_id",
    reason="A sign-in provider's configuration, not a person's.",
)
registry.not_personal("socialaccount.SocialAccount", "id", reason=registry.KEY)
registry.not_personal("socialaccount.SocialAccount", "user", reason=registry.MEMBER_LINK)
registry.not_personal(
    "socialaccount.SocialAccount", "provider", reason="Which sign-in provider the account is at (LINE)."
)
registry.not_personal("socialaccount.SocialToken", "id", reason=registry.KEY)
registry.not_personal("socialaccount.SocialToken", "app", "account", reason=registry.LINK)
registry.not_personal(
    "socialaccount.SocialToken", "expires_at", reason="Never stored: SOCIALACCOUNT_STORE_TOKENS is off."
)
