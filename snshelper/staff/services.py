"""Writes for staff: roles and appointments."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from snshelper.accounts.models import Member
from snshelper.staff.roles import ROLES


class UnknownRole(ValueError):
    pass


@transaction.atomic
def sync_roles() -> None:
    """Make each role's group hold exactly the permissions the role table gives it."""
    for role, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


@transaction.atomic
def appoint(*, member: Member, role: str) -> Member:
    """Give a member a staff role (they must then set up MFA before any staff page opens)."""
    if role not in ROLES:
        raise UnknownRole(role)
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    member.groups.add(Group.objects.get(name=role))
    return member
