from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from recovery_hub.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create a demo clinic with staff, people in recovery and supporters (safe to rerun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=12, help="patients per clinic")
        parser.add_argument("--clinics", type=int, default=1, help="number of demo clinics")
        parser.add_argument("--seed", type=int, default=42, help="random seed (deterministic)")

    def handle(self, *args: object, patients: int, clinics: int, seed: int, **opts: object) -> None:
        if patients < 1 or patients > 5000:
            raise CommandError("--patients must be between 1 and 5000.")
        if clinics < 1 or clinics > 50:
            raise CommandError("--clinics must be between 1 and 50.")
        with transaction.atomic():
            demos = seed_demo(clinics=clinics, patients=patients, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(demos)} clinic(s)."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for label, email in [
            ("clinic admin", "admin@demo.clinic"),
            ("clinician", "clinician@demo.clinic"),
            ("person in recovery", "patient@demo.clinic"),
            ("family member", "family@demo.clinic"),
            ("sponsor (Spanish)", "sponsor@demo.clinic"),
        ]:
            self.stdout.write(f"  {label:<20} {email}")
        self.stdout.write(
            "Staff also type an authenticator code: manage.py demo_code admin@demo.clinic"
        )
