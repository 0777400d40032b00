"""Forms of the supporter portal and the invitation link. They parse and present; the rules live
in networks/services.py, whose ValidationErrors come back to the fields through
`apply_service_errors`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewAccountForm
from networks.consent import contacts_sharing_now
from networks.models import ContactStatus, Encouragement, ReachOut, ReachOutChannel, SupportContact
from patients.forms import DateInput
from patients.models import Patient, SetbackKind


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


class InvitationSignupForm(NewAccountForm):
    """A new supporter's account; the email is the invitation's and is not asked for."""


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


class MySetbackForm(forms.Form):
    occurred_on = forms.DateField(label=_("When"), widget=DateInput())
    kind = forms.ChoiceField(label=_("What it was"), choices=SetbackKind.choices)
    what_happened = forms.CharField(
        label=_("What happened, in your own words"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_helped = forms.CharField(
        label=_("What helped, or might help next time"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    tell_care_team = forms.BooleanField(
        label=_("Tell my care team, so they can support me"),
        required=False,
        initial=True,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Let these people know I am having a hard time (they will not see the details)"),
        queryset=SupportContact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        active = list(patient.contacts.filter(status=ContactStatus.ACTIVE))
        sharing = contacts_sharing_now(active)
        self.fields["contacts"].queryset = patient.contacts.filter(pk__in=sharing)
        self.fields["contacts"].label_from_instance = lambda c: c.name
