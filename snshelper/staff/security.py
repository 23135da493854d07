"""Staff must use MFA: what counts as having it and as having passed it in this session."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest


def has_totp(member) -> bool:
    return Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


def passed_mfa(request: HttpRequest) -> bool:
    """Whether the person signed in to this session proved a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)
