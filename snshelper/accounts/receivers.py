"""Sign-in signals → login records. Successes and wrong passwords arrive here; attempts refused
by the lockout arrive from the account adapter. All of them go to services.record_sign_in."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from snshelper.accounts import selectors, services
from snshelper.accounts.models import LoginRecord


@receiver(user_logged_in, dispatch_uid="snshelper.login_record.success")
def on_signed_in(sender, request, user, **kwargs):
    services.record_sign_in(request=request, member=user, result=LoginRecord.Result.SUCCESS)


@receiver(user_login_failed, dispatch_uid="snshelper.login_record.failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is None:  # not a sign-in from a person (e.g. a management command)
        return
    member = selectors.member_by_email(credentials.get("email") or credentials.get("username"))
    services.record_sign_in(request=request, member=member, result=LoginRecord.Result.FAILED)
