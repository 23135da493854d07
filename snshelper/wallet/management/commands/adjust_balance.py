"""Credit (positive AMOUNT) or debit (negative) a member's balance from the command line."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from snshelper.accounts import selectors as account_selectors
from snshelper.core import parse
from snshelper.wallet import selectors, services
from snshelper.wallet.errors import WalletError


class Command(BaseCommand):
    help = "Adjust a member's balance with a reason: a ledger transaction (never below zero)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("amount", help="THB; negative to debit, e.g. 100 or -25.50")
        parser.add_argument("--reason", required=True, help="why (bonus, correction, transfer found later)")
        parser.add_argument(
            "--idempotency-key", default="", help="run again with the same key and nothing happens twice"
        )

    def handle(self, email, amount, reason, idempotency_key, **options):
        member = account_selectors.member_by_email(email)
        if member is None:
            raise CommandError(f"No member with the email address {email}.")
        value = parse.amount(amount)
        if value is None or value == 0:
            raise CommandError("The amount must be non-zero with at most two decimals.")
        key = idempotency_key or f"cli:{uuid.uuid4().hex}"
        try:
            services.adjust_balance(
                member=member, amount=value, reason=reason, by=None, idempotency_key=f"adjust:{key}"
            )
        except WalletError as error:
            raise CommandError(str(getattr(error, "message", error))) from None
        balance = selectors.balance(member)
        self.stdout.write(
            self.style.SUCCESS(
                f"{member.member_id}: {value:+,.2f} THB ({reason}). Balance now {balance:,.2f} THB."
            )
        )
