"""Writes for members and sign-in."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from snshelper.accounts import signals
from snshelper.accounts.models import LoginRecord, Member
from snshelper.core import clock
from snshelper.core.network import client_ip

USER_AGENT_MAX = LoginRecord._meta.get_field("user_agent").max_length


def record_sign_in(
    *, request: HttpRequest | None, member: Member | None, result: LoginRecord.Result
) -> LoginRecord:
    """The one place a login record is written (policy: IP, time and usage are collected
    automatically, and only here)."""
    meta = request.META if request is not None else {}
    return LoginRecord.objects.create(
        member=member,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        result=result,
        created_at=clock.now(),
    )


def update_profile(*, member: Member, name: str, phone: str) -> Member:
    """Members correct their own name and phone number."""
    stored = Member.objects.only("name", "phone").get(pk=member.pk)  # a form may have set the new ones
    new = {"name": name.strip(), "phone": phone.strip()}
    changed = {field for field, value in new.items() if value != getattr(stored, field)}
    member.name = name.strip()
    member.phone = phone.strip()
    member.save(update_fields=["name", "phone"])
    if changed:
        signals.profile_changed.send(sender=Member, member=member, fields=changed, by=member)
    return member


def set_language(*, member: Member, language: str, by: Member | None = None) -> None:
    """Remember a member's language, so notices reach them in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language}")
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])
        signals.profile_changed.send(sender=Member, member=member, fields={"language"}, by=by or member)


@transaction.atomic
def register_member(
    *, email: str, name: str, password: str | None, language: str = "th", verified: bool = False
) -> Member:
    """Create a member from code (commands, demo data); sign-up pages go through allauth."""
    from allauth.account.models import EmailAddress

    member = Member.objects.create_user(email=email, password=password, name=name, language=language)
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=verified)
    return member
