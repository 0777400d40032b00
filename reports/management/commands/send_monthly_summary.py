"""`manage.py send_monthly_summary [--at ISO8601]`: plan the monthly summary for every clinic
where the instant (default now) falls on the 1st of a month in the clinic's zone, once per
active admin, and print `summaries=N`. (`--at` chooses the day; the figures are always read as
they stand when the command runs: the dashboard's last 30 days.)"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from engagement.management.commands.send_digests import parse_instant
from reports.monthly import monthly_plan


class Command(BaseCommand):
    help = "Plan the monthly clinic summaries due at an instant (default now) for clinic admins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO 8601 instant with Z or an offset (default: now)")

    def handle(self, *args: object, **options: object) -> None:
        at = parse_instant(options["at"]) if options.get("at") is not None else timezone.now()
        tally = monthly_plan(at)
        self.stdout.write(f"summaries={tally.planned}")
