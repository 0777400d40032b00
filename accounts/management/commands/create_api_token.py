from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.tokens import token_issue, tokens_revoke_all


class Command(BaseCommand):
    help = (
        "Issue a new API token for the user with this email and print it once (only a digest "
        "is stored: it cannot be shown again). It expires after API_TOKEN_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--name", default="Command line", help="What the token is for (shown to its owner)."
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Revoke every other token of this user first.",
        )

    def handle(self, *args: object, email: str, name: str, rotate: bool, **options: object) -> None:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {email!r}.")
        if not name.strip():
            raise CommandError("Give the token a name (--name).")
        if rotate:
            revoked = tokens_revoke_all(user)
            self.stderr.write(f"Revoked {revoked} earlier token(s).")
        self.stdout.write(token_issue(user, name))
