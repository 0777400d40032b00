from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewAccountForm
from accounts.models import User
from joining.models import INVITE_CHANNELS
from notifications.models import Channel
from patients.models import Patient


class JoinForm(forms.Form):
    """The person's own sign-in: the invitation's email (asked for when it came by text) and a
    password they choose."""

    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("You will sign in with it. Only you and your care team see it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_email = email
        if email:
            del self.fields["email"]  # the address the invitation went to

    def email_address(self) -> str:
        return self.fixed_email or self.cleaned_data["email"]

    def clean(self) -> dict:
        data = super().clean()
        email = self.fixed_email or data.get("email")
        if not self.fixed_email and email and User.objects.filter(email__iexact=email).exists():
            self.add_error(
                "email",
                _(
                    "An account with this email address already exists. Sign in with it, then "
                    "open the invitation link again."
                ),
            )
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                validate_password(first, user=User(email=email or ""))
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class InviteForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send the invitation by"),
        choices=INVITE_CHANNELS,
        initial=Channel.EMAIL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        field.choices = [
            (
                Channel.EMAIL,
                _("Email to %(address)s") % {"address": patient.email}
                if patient.email
                else _("Email (add an address on Edit details first)"),
            ),
            (
                Channel.SMS,
                _("Text message to %(number)s") % {"number": patient.phone}
                if patient.phone
                else _("Text message (add a phone number first)"),
            ),
        ]
        if not patient.email and patient.phone:
            field.initial = Channel.SMS


class StaffJoinForm(NewAccountForm):
    """A new staff member's own sign-in; the email is the invitation's and is not asked for."""
