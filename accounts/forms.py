"""Forms of the clinic admin's staff pages. They parse input; the rules live in services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Role, User

STAFF_ROLE_CHOICES = [(Role.CLINICIAN, Role.CLINICIAN.label), (Role.ADMIN, Role.ADMIN.label)]


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The invitation, with a link to accept it, goes to this address."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.CLINICIAN)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class SetActiveForm(forms.Form):
    """`active=1` reactivates, `active=0` deactivates (a membership, a program); anything else
    is an error."""

    active = forms.TypedChoiceField(
        label=_("Active"),
        choices=[("1", _("Active")), ("0", _("Deactivated"))],
        coerce=lambda value: value == "1",
    )


# A clinic setting's checks from the apps above, by field name: each takes the clinic as saved
# and the new value, and raises ValidationError to refuse it (engagement: the escalation ladder's
# later steps stay after `missed_checkin_days`). Registered in their AppConfig.ready().
ClinicSettingCheck = Callable[[Organization, Any], None]
CLINIC_SETTING_CHECKS: dict[str, list[ClinicSettingCheck]] = {}


def register_clinic_setting_check(field: str, check: ClinicSettingCheck) -> None:
    checks = CLINIC_SETTING_CHECKS.setdefault(field, [])
    if check not in checks:
        checks.append(check)


class ClinicSettingsForm(forms.ModelForm):
    """The thresholds of the automatic alerts and reminders, the local emergency number and the
    default language (for everyone who has not chosen their own)."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "default_language",
            "phone",
            "local_emergency_number",
            "craving_alert_threshold",
            "brs_drop_alert",
            "score_rise_alert",
            "missed_checkin_days",
            "milestone_heads_up_days",
            "supporters_need_second_factor",
        ]

    def clean(self) -> dict[str, Any]:
        """The checks the apps above registered (CLINIC_SETTING_CHECKS), field by field."""
        data = super().clean()
        for name, checks in CLINIC_SETTING_CHECKS.items():
            for check in checks:
                if name not in data:  # invalid already (or refused by an earlier check)
                    break
                try:
                    check(self.instance, data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class NewAccountForm(forms.Form):
    """A new account from an invitation (a supporter's, a staff member's): a name and a
    password; the email is the invitation's and is not asked for."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Give your name.")},
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


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Reporting script”."),
    )
