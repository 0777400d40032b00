from datetime import UTC

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications.planner import plan


class Command(BaseCommand):
    help = (
        "Plan the reminders due in the last hour (as if the time were --at); prints "
        "planned=N skipped=N. Messages planned by an earlier run count as neither."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", help="An ISO 8601 instant, e.g. 2026-03-08T14:00:00Z (default: now)."
        )

    def handle(self, *args: object, **options: object) -> None:
        at = timezone.now()
        if options.get("at"):
            parsed = parse_datetime(str(options["at"]))
            if parsed is None:
                raise CommandError("--at must be an ISO 8601 date and time.")
            at = parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
        at = at.astimezone(UTC)
        with transaction.atomic():
            tally = plan(at)
        self.stdout.write(f"planned={tally.planned} skipped={tally.skipped}")
