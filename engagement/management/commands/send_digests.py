"""`manage.py send_digests [--at ISO8601]`: plan the latest weekly digest due at or before the
instant (default now) for every supporter who should get one, and print `digests=N`."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from engagement.digests import digests_plan


def parse_instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"--at must be an ISO 8601 date and time, such as 2026-03-08T23:00:00Z; got {text!r}."
        ) from None
    if moment.tzinfo is None:
        raise CommandError(
            "--at needs a time zone: end it with Z or an offset, such as 2026-03-08T18:00-05:00."
        )
    return moment


class Command(BaseCommand):
    help = "Plan the weekly supporter digests due at or before an instant (default now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="ISO 8601 instant with Z or an offset (default: now)")

    def handle(self, *args: object, **options: object) -> None:
        at = parse_instant(options["at"]) if options.get("at") is not None else timezone.now()
        tally = digests_plan(at)
        self.stdout.write(f"digests={tally.planned}")
