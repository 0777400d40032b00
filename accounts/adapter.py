from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class ClinicAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by a clinic (staff invitations, patient and supporter invitations),
    never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
