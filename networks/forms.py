"""Forms of the supporter portal and the invitation link. They parse and present; the rules live
in networks/services.py, whose ValidationErrors come back to the fields through
`apply_service_errors`."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from networks.models import Encouragement, ReachOut, ReachOutChannel
from patients.forms import DateInput


class EncouragementForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=Encouragement.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few kind words, up to 280 characters."),
        error_messages={
            "required": _("Write a few words first."),
            "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class ReachOutForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did you reach out?"),
        choices=ReachOutChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose call, visit or message.")},
    )
    happened_on = forms.DateField(
        label=_("When"),
        widget=DateInput(),
        error_messages={"required": _("Give the date."), "invalid": _("Give a valid date.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=ReachOut._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the care team sees this."),
    )


class InvitationSignupForm(forms.Form):
    """A new supporter's account; the email is the invitation's and is not asked for."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Give your name.")},
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                validate_password(first, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class WellbeingForm(forms.Form):
    holding_up = forms.TypedChoiceField(
        label=_("How are you holding up?"),
        choices=[(1, _("1 · struggling")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 · doing well"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    has_support = forms.TypedChoiceField(
        label=_("Do you have support yourself?"),
        choices=[("yes", _("Yes")), ("no", _("Not really"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
