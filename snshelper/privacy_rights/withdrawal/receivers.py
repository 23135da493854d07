"""Sign-up, email and profile changes → flags for staff when a withdrawn member seems to return (P5)."""

from allauth.account.signals import email_changed, user_signed_up
from django.dispatch import receiver

from snshelper.accounts.signals import profile_changed
from snshelper.privacy_rights.withdrawal import services as withdrawal


@receiver(user_signed_up, dispatch_uid="snshelper.privacy.signup_match")
def on_signed_up(sender, request, user, **kwargs):
    withdrawal.flag_returning_member(member=user)


@receiver(email_changed, dispatch_uid="snshelper.privacy.email_change_match")
def on_email_changed(sender, request, user, **kwargs):
    withdrawal.flag_returning_member(member=user)


@receiver(profile_changed, dispatch_uid="snshelper.privacy.profile_change_match")
def on_profile_changed(sender, member, fields, **kwargs):
    if "phone" in fields:  # a withdrawn member's phone number comes back
        withdrawal.flag_returning_member(member=member)
