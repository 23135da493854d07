from django.db import models


class StaffAccess(models.Model):
    """Holds the staff permissions that are not about one model (no table of its own).

    Roles (groups) are given these in ``roles.ROLES``; pages check them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("fulfil_orders", "Fulfil orders by hand"),
            ("approve_topups", "Approve or reject top-ups"),
            ("pay_refunds", "Pay refunds and withdrawals"),
            ("adjust_balances", "Credit or debit a member's balance"),
            ("view_bank_details", "See members' bank details"),
            ("answer_consultations", "Answer consultations"),
            ("handle_privacy_requests", "Handle data-subject requests"),
            ("manage_disclosures", "Record disclosures to third parties"),
            ("manage_breaches", "Record and notify breaches"),
            ("view_login_records", "See login records"),
            ("manage_catalog", "Manage the service catalogue"),
            ("manage_providers", "Manage upstream providers"),
            ("manage_settings", "Manage site settings and announcements"),
            ("manage_staff", "Appoint staff and assign roles"),
        ]

    def __str__(self):
        return "staff access"
