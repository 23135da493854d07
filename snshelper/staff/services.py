"""Writes for staff: roles and appointments; pledges, training and hand-overs (P17)."""

from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from snshelper.accounts.models import Member
from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.staff import open_work, pledge, selectors
from snshelper.staff.models import HandOver, SecurityPledge, TrainingSession
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


def sync_roles_after_migrate(**kwargs) -> None:
    """post_migrate receiver (``StaffConfig.ready``): the roles follow the table after migrating."""
    sync_roles()


@transaction.atomic
def appoint(*, member: Member, role: str) -> Member:
    """Give a member a staff role (they must then set up MFA before any staff page opens)."""
    if role not in ROLES:
        raise UnknownRole(role)
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    member.groups.add(Group.objects.get(name=role))
    selectors.forget_roles(member)
    return member


# --- Staff lifecycle (P17): pledge, training, hand-over ------------------------------------------


class LifecycleRefused(DomainError):
    message = _("This cannot be recorded.")


class NotStaff(LifecycleRefused):
    message = _("Only a current staff member can do this.")


class AlreadyHandedOver(LifecycleRefused):
    message = _("This staff member already has a hand-over.")


def _is_current_staff(member) -> bool:
    if member is None or not (member.is_active and member.is_staff):
        return False
    return not HandOver.objects.filter(staff=member).exists()


@transaction.atomic
def sign_pledge(*, staff: Member) -> SecurityPledge:
    """Sign the pledge in force, as read in the active language (signing twice changes nothing)."""
    if not _is_current_staff(staff):
        raise NotStaff
    text = pledge.pledge_text()
    signed, _created = SecurityPledge.objects.get_or_create(
        staff=staff,
        version=pledge.PLEDGE_VERSION,
        defaults={"signed_at": clock.now(), "text_hash": pledge.text_hash(text)},
    )
    return signed


def record_training(
    *, staff: Member, held_on: date, topic: str, hours: Decimal, notes: str = "", by: Member
) -> TrainingSession:
    """Record that ``staff`` attended a training session (one is due every year)."""
    if not _is_current_staff(staff):
        raise NotStaff(_("Training is recorded for current staff members only."))
    if held_on > timezone.localdate(clock.now()):
        raise LifecycleRefused(_("A training session is recorded once it has been held."))
    if not topic.strip():
        raise LifecycleRefused(_("Give the topic of the training."))
    if not Decimal("0") < hours <= Decimal("24"):
        raise LifecycleRefused(_("Give the hours of training, between 0.5 and 24."))
    return TrainingSession.objects.create(
        staff=staff,
        held_on=held_on,
        topic=topic.strip()[:200],
        hours=hours,
        notes=notes.strip(),
        recorded_by=by,
        recorded_at=clock.now(),
    )


@transaction.atomic
def record_hand_over(
    *,
    staff: Member,
    effective_at: datetime,
    reassigned_to: Member,
    responsibility_statement: str,
    open_work_summary: str = "",
    by: Member,
) -> HandOver:
    """Record that ``staff`` leaves: their open work goes to ``reassigned_to`` and their access ends
    at ``effective_at`` (at once when that has come; a time already past means now)."""
    if not staff.is_staff or not staff.is_active:
        raise NotStaff(_("Only a current staff member can be handed over."))
    if HandOver.objects.filter(staff=staff).exists():
        raise AlreadyHandedOver
    if by is not None and by.pk == staff.pk:
        raise LifecycleRefused(_("Another administrator records your own hand-over."))
    if reassigned_to is None or reassigned_to.pk == staff.pk or not _is_current_staff(reassigned_to):
        raise LifecycleRefused(_("Choose a current staff member, other than the one leaving, to take over."))
    if not responsibility_statement.strip():
        raise LifecycleRefused(_("State the responsibility that continues after leaving."))
    roles = sorted(staff.groups.filter(name__in=ROLES).values_list("name", flat=True))
    hand_over = HandOver.objects.create(
        staff=staff,
        roles_held=", ".join(roles),
        effective_at=max(effective_at, clock.now()),
        reassigned_to=reassigned_to,
        open_work_summary=open_work_summary.strip(),
        responsibility_statement=responsibility_statement.strip(),
        recorded_by=by,
        created_at=clock.now(),
    )
    return end_access(hand_over=hand_over)


@transaction.atomic
def end_access(*, hand_over: HandOver) -> HandOver:
    """Once the hand-over time has come: open work to the colleague, the account closed for
    sign-in (inactive, no role, no permission), every session of it ended. Idempotent."""
    hand_over = HandOver.objects.select_for_update().select_related("staff").get(pk=hand_over.pk)
    if hand_over.carried_out_at is not None or hand_over.effective_at > clock.now():
        return hand_over
    staff = hand_over.staff
    moved = 0
    for kind in open_work.kinds():
        moved += kind.rows(staff).update(**{kind.holder: hand_over.reassigned_to})
    staff.is_active = False
    staff.is_staff = False
    staff.save(update_fields=["is_active", "is_staff"])
    staff.groups.clear()
    staff.user_permissions.clear()
    selectors.forget_roles(staff)
    _end_sessions(staff)
    hand_over.carried_out_at = clock.now()
    hand_over.work_reassigned = moved
    hand_over.save(update_fields=["carried_out_at", "work_reassigned"])
    return hand_over


def end_due_access() -> int:
    """Carry out every hand-over whose time has come (the periodic job): how many were."""
    due = HandOver.objects.filter(carried_out_at__isnull=True, effective_at__lte=clock.now())
    done = 0
    for hand_over in due.order_by("effective_at"):
        end_access(hand_over=hand_over)
        done += 1
    return done


def _end_sessions(member: Member) -> None:
    """Delete every unexpired session signed in as ``member``."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # cache-only sessions: an inactive account is refused by the auth backend anyway
    pk = str(member.pk)
    sessions = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    keys = [s.session_key for s in sessions.iterator() if str(s.get_decoded().get(SESSION_KEY, "")) == pk]
    for key in keys:
        store(session_key=key).delete()
