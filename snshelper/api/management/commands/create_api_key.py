"""Make an API key for a member from the command line; its secret is printed once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from snshelper.accounts import selectors as account_selectors
from snshelper.api import services
from snshelper.api.errors import InvalidKeyFields
from snshelper.api.forms import NetworksField


class Command(BaseCommand):
    help = "Create an API key for a member and print its secret (shown this once, stored only hashed)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line", help="how the member tells the key apart")
        parser.add_argument(
            "--ip",
            action="append",
            default=[],
            help="an allowed address or network (CIDR); repeat for more; none allows any address",
        )

    def handle(self, email, name, ip, **options):
        member = account_selectors.member_by_email(email)
        if member is None:
            raise CommandError(f"No member with the email address {email}.")
        try:
            with translation.override("en"):  # the command's other messages are English too
                networks = NetworksField().clean("\n".join(ip))
                made = services.create_key(member=member, name=name, networks=networks)
        except ValidationError as error:
            raise CommandError(" ".join(str(message) for message in error.messages)) from None
        except InvalidKeyFields as error:
            raise CommandError(str(error.message)) from None
        self.stderr.write(
            f"Key “{made.key.name}” for {member.member_id} ({member.email}). "
            "Copy the secret now: it is not shown again."
        )
        self.stdout.write(made.secret)
