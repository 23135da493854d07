"""Staff roles and what each may do: least privilege, one role per job (policy P16).

A role is a Django group of the same key holding exactly these permissions; ``sync_roles``
(run after every migrate) makes the database match this table.
"""

from django.utils.translation import gettext_lazy as _

MARKETING = "marketing"
FINANCE = "finance"
SUPPORT = "support"
PRIVACY_OFFICER = "privacy_officer"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    MARKETING: _("Marketing"),
    FINANCE: _("Finance"),
    SUPPORT: _("Support"),
    PRIVACY_OFFICER: _("Privacy officer"),
    ADMINISTRATOR: _("Administrator"),
}

# role → permissions as "app_label.codename"
ROLES: dict[str, set[str]] = {
    MARKETING: {
        "staff.fulfil_orders",
        # Price changes and service news are marketing's to announce (issue 8).
        "web.view_announcement",
        "web.add_announcement",
        "web.change_announcement",
        # Terms of service, FAQ and guides (issue 18).
        "pages.view_page",
        "pages.add_page",
        "pages.change_page",
    },
    FINANCE: {
        "staff.approve_topups",
        "staff.pay_refunds",
        "staff.adjust_balances",
        "staff.view_bank_details",
    },
    SUPPORT: {"staff.answer_consultations"},
    PRIVACY_OFFICER: {
        "staff.handle_privacy_requests",
        "staff.manage_disclosures",
        "staff.manage_breaches",
        "staff.view_login_records",
        "accounts.view_loginrecord",
        "privacy.read_withdrawn_store",
        "staff.view_reveal_log",
    },
    ADMINISTRATOR: {
        "staff.manage_catalog",
        "staff.manage_providers",
        "staff.manage_settings",
        "staff.manage_staff",
        "accounts.view_member",
        "accounts.change_member",
        "web.view_announcement",
        "web.add_announcement",
        "web.change_announcement",
        "web.delete_announcement",
        "pages.view_page",
        "pages.add_page",
        "pages.change_page",
    },
}
