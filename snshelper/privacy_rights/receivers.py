"""The privacy features' events → their jobs on the queue (``tasks.py``); and every change of a
member's registered data, wherever it is made, → correction notices to earlier recipients (P11)."""

from allauth.account.signals import email_changed
from django.dispatch import receiver

from snshelper.accounts.signals import profile_changed
from snshelper.privacy_rights import disclosures, signals, tasks
from snshelper.wallet.signals import refund_account_changed


@receiver(signals.export_requested, dispatch_uid="snshelper.privacy.queue_export")
def queue_export(sender, export_id, **kwargs):
    tasks.prepare_export(export_id)


@receiver(signals.policy_notices_made, dispatch_uid="snshelper.privacy.queue_policy_notices")
def queue_policy_notices(sender, version_id, **kwargs):
    tasks.mail_policy_notices(version_id)


@receiver(signals.breach_notices_made, dispatch_uid="snshelper.privacy.queue_breach_notices")
def queue_breach_notices(sender, incident_id, **kwargs):
    tasks.mail_breach_notices(incident_id)


# --- Corrections everywhere (P11) ---------------------------------------------------------------


@receiver(profile_changed, dispatch_uid="snshelper.privacy.profile_correction_notices")
def profile_corrected(sender, member, fields, by=None, **kwargs):
    """The profile page, the language switch, or staff in the admin."""
    how = disclosures.BY_STAFF if by is not None and by.pk != member.pk else disclosures.BY_MEMBER
    changes = {f"accounts.Member.{name}": getattr(member, name) for name in sorted(fields)}
    disclosures.notify_change(member=member, changes=changes, how=how)


@receiver(email_changed, dispatch_uid="snshelper.privacy.email_correction_notices")
def email_corrected(sender, request, user, from_email_address, to_email_address, **kwargs):
    address = to_email_address.email
    changes = {"accounts.Member.email": address, "account.EmailAddress.email": address}
    disclosures.notify_change(member=user, changes=changes, how=disclosures.BY_MEMBER)


@receiver(refund_account_changed, dispatch_uid="snshelper.privacy.refund_account_correction_notices")
def refund_account_corrected(sender, account, fields, **kwargs):
    changes = {f"wallet.RefundBankAccount.{name}": getattr(account, name) for name in sorted(fields)}
    disclosures.notify_change(
        member=account.member, changes=changes, how=disclosures.BY_MEMBER, record_id=account.pk
    )
