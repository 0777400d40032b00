from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import STORY_MAX_CHARS, DisplayNameChoice, Event, Rsvp
from patients.forms import DateTimeInput
from patients.models import Patient


class EventForm(forms.ModelForm):
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "capacity",
            "title_es",
            "description_es",
            "place_es",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "description_es": forms.Textarea(attrs={"rows": 4, "lang": "es"}),
            "place_es": forms.TextInput(attrs={"lang": "es"}),
        }

    def _post_clean(self) -> None:
        # Rules live in the service (which reports them on the fields); skip model validation
        # here so the errors are not reported twice.
        pass


class PatientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Patient) -> str:
        return obj.display_name


class InviteForm(forms.Form):
    patients = PatientChoiceField(
        label=_("Patients to invite"),
        queryset=Patient.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    include_supporters = forms.BooleanField(
        label=_("Also invite their active supporters"), required=False
    )

    def __init__(self, *args: object, patients: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patients"].queryset = patients


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[
            (Rsvp.YES, Rsvp.YES.label),
            (Rsvp.NO, Rsvp.NO.label),
            (Rsvp.MAYBE, Rsvp.MAYBE.label),
        ],
    )


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Your story"),
        max_length=STORY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text, up to %(max)d characters.") % {"max": STORY_MAX_CHARS},
    )
    display_name_choice = forms.ChoiceField(
        label=_("Show my story as"),
        choices=DisplayNameChoice.choices,
        widget=forms.RadioSelect,
        initial=DisplayNameChoice.ANONYMOUS,
    )
    chosen_name = forms.CharField(
        label=_("Chosen name"),
        max_length=60,
        required=False,
        help_text=_("Only if you picked “a name I choose”."),
    )


class StoryConsentForm(forms.Form):
    signed_name = forms.CharField(label=_("Type your full name"), max_length=200)
    agree = forms.BooleanField(label=_("I agree to share my story as described above"))
