"""Print the current second-factor code of a demo staff member (their authenticator app)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recovery_hub.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (demo secret only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="a demo staff member, e.g. admin@demo.clinic")

    def handle(self, *args: object, email: str, **options: object) -> None:
        totp = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        # Only the demo's known secret: this never prints a real person's code.
        if totp is None or decrypt(totp.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} has no demo authenticator.")
        period = mfa_settings.TOTP_PERIOD
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period))
        self.stdout.write(code)
        self.stderr.write(f"(valid for {period - now % period} more seconds)")
