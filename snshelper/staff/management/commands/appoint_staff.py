from django.core.management.base import BaseCommand, CommandError

from snshelper.accounts import selectors
from snshelper.staff import services
from snshelper.staff.roles import ROLES


class Command(BaseCommand):
    help = "Give an existing member a staff role. They set up MFA at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=sorted(ROLES))

    def handle(self, email, role, **options):
        member = selectors.member_by_email(email)
        if member is None:
            raise CommandError(f"No member with the email address {email}.")
        services.appoint(member=member, role=role)
        self.stdout.write(self.style.SUCCESS(f"{member.member_id} is now {role} staff."))
