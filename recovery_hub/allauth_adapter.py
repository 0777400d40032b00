"""allauth's account adapter (settings.ACCOUNT_ADAPTER): wiring between allauth and the outbox,
so it lives in the project package, above accounts and notifications."""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from accounts.languages import language_for
from accounts.models import User
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue


class ClinicAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by a clinic (staff invitations, patient and supporter invitations),
    never by open sign-up. Account emails (password reset, ...) go through the outbox like every
    other message."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # In the account holder's language (their choice, else their clinic's default); an
        # address with no account gets the language of the page that asked.
        holder = context.get("user") or User.objects.filter(email__iexact=email).first()
        if isinstance(holder, User):
            language = language_for(holder)
        else:
            language = translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
        )
        enqueue(
            Message(
                kind=Kind.ACCOUNT,
                occurrence=f"{template_prefix}:{secrets.token_hex(8)}",
                channel=Channel.EMAIL,
                recipient_key=f"email:{email.lower()}",
                address=email,
                subject=message.subject,
                body=message.body,
                html_body=html,
                language=language,
            )
        )
