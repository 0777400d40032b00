from django.core.management.base import BaseCommand

from notifications.outbox import dispatch_due


class Command(BaseCommand):
    help = "Send the outbox rows that are due now; prints sent=N failed=N retried=N."

    def handle(self, *args: object, **options: object) -> None:
        counts = dispatch_due()
        self.stdout.write(
            f"sent={counts['sent']} failed={counts['failed']} retried={counts['retried']}"
        )
