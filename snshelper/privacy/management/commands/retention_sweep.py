"""``manage.py retention_sweep [--dry-run]``: run the retention sweeps now, or say what would go."""

from django.core.management.base import BaseCommand, CommandError

from snshelper.privacy import sweeps


class Command(BaseCommand):
    help = (
        "Delete or anonymise what has passed its retention rule (skipping legal holds) and write the"
        " destruction log. With --dry-run, change nothing and list what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="change nothing; list what would go")
        parser.add_argument("--batch-size", type=int, default=sweeps.BATCH_SIZE, help="rows per transaction")

    def handle(self, *args, dry_run=False, batch_size=sweeps.BATCH_SIZE, **options):
        try:
            results = sweeps.run(dry_run=dry_run, batch_size=batch_size)
        except sweeps.SweepFailed as error:
            raise CommandError(str(error)) from error
        rows = [("rule", "record type", "action", "count")]
        rows += [(r.rule, r.record_type, r.action, str(r.count)) for r in results]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        if dry_run:
            self.stdout.write("Dry run: nothing was changed. These records would go now:")
        for number, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3].rjust(widths[3])]))
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        total = sum(r.count for r in results)
        verb = "would go" if dry_run else "destroyed or anonymised"
        self.stdout.write(f"{total} records {verb}.")
