"""Sign-up and email-change signals → flags for staff when a withdrawn member seems to return (P5).

Phone numbers are checked where they are set: ``accounts.services.update_profile``.
"""

from allauth.account.signals import email_changed, user_signed_up
from django.dispatch import receiver

from snshelper.privacy import withdrawal


@receiver(user_signed_up, dispatch_uid="snshelper.privacy.signup_match")
def on_signed_up(sender, request, user, **kwargs):
    withdrawal.flag_returning_member(member=user)


@receiver(email_changed, dispatch_uid="snshelper.privacy.email_change_match")
def on_email_changed(sender, request, user, **kwargs):
    withdrawal.flag_returning_member(member=user)
