"""Forms of the chart. They parse and present; the rules live in services.py, whose
ValidationErrors come back to the fields through `apply_service_errors`."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, Role, User
from patients.models import (
    AppointmentKind,
    AppointmentStatus,
    CareTeamMember,
    MilestoneKind,
    Patient,
    PatientStatus,
    Program,
    SetbackKind,
    TeamRole,
)
from patients.selectors import PatientFilters


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name (or on top of the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", "---------")] + [(z, z) for z in sorted(available_timezones())]


class PatientForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Patient
        fields = [
            "legal_name",
            "preferred_name",
            "pronouns",
            "mrn",
            "date_of_birth",
            "program",
            "time_zone",
            "preferred_language",
            "phone",
            "email",
            "checkin_reminder_time",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "checkin_reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "preferred_name": _("The name the person likes to be called, shown first."),
            "mrn": _("Unique within this clinic."),
        }

    def __init__(self, *args: object, clinic: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(clinic=clinic, is_active=True)
        self.fields["checkin_reminder_time"].required = False
        if not self.initial.get("time_zone"):
            self.initial["time_zone"] = clinic.time_zone
        if self.instance.pk is None and "preferred_language" not in kwargs.get("initial", {}):
            self.initial["preferred_language"] = clinic.default_language  # the clinic's default

    def _post_clean(self) -> None:
        # Model validation (uniqueness, date of birth) is the service's job; skip it here so a
        # rule is written once.
        pass

    def clean_checkin_reminder_time(self) -> time:
        return self.cleaned_data.get("checkin_reminder_time") or time(19, 0)

    def service_fields(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IntakeForm(PatientForm):
    recovery_start = forms.DateField(
        label=_("Recovery start date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if not agreed yet."),
    )
    invite_by = forms.ChoiceField(
        label=_("Invite them to their own sign-in"),
        choices=[
            ("email", _("Now, by email")),
            ("sms", _("Now, by text message")),
            ("", _("Not now (you can invite them from their chart later)")),
        ],
        initial="email",
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "They get a link to set a password and open their own check-ins and plan. "
            "Until they join, reminders carry links that work without signing in."
        ),
    )
    primary_clinician = forms.ModelChoiceField(
        label=_("Primary counselor"),
        queryset=User.objects.none(),
        help_text=_("Joins the care team as primary counselor; more members can be added later."),
    )

    def __init__(self, *args: object, clinic: Organization, **kwargs: object) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        clinicians = Membership.objects.active().filter(organization=clinic, role=Role.CLINICIAN)
        field = self.fields["primary_clinician"]
        field.queryset = User.objects.filter(pk__in=clinicians.values("user")).order_by(
            "full_name", "email"
        )
        field.label_from_instance = lambda user: user.display_name

    def clean(self) -> dict:
        data = super().clean()
        invite_by = data.get("invite_by")
        if invite_by == "email" and not data.get("email"):
            self.add_error(
                "invite_by",
                _("Add an email address above to invite them by email, or choose another way."),
            )
        elif invite_by == "sms" and not data.get("phone"):
            self.add_error(
                "invite_by",
                _(
                    "Add a phone number above to invite them by text "
                    "message, or choose another way."
                ),
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=PatientStatus.choices)


class CareTeamAddForm(forms.Form):
    """Who joins the care team, and in which role. "Primary counselor" is offered only while the
    team has no primary: choosing it makes them the primary (new alerts go to them), so the
    form never asks the same thing twice."""

    clinician = forms.ModelChoiceField(
        label=_("Clinician"), queryset=User.objects.none(), empty_label=_("Choose a clinician")
    )
    team_role = forms.ChoiceField(label=_("Role on the team"))

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        team = CareTeamMember.objects.current().filter(patient=patient)
        clinicians = Membership.objects.active().filter(
            organization_id=patient.clinic_id, role=Role.CLINICIAN
        )
        self.fields["clinician"].queryset = (
            User.objects.filter(pk__in=clinicians.values("user"))
            .exclude(pk__in=team.values("clinician"))
            .order_by("full_name", "email")
        )
        self.fields["clinician"].label_from_instance = lambda user: user.display_name
        self.primary = team.filter(is_primary=True).select_related("clinician").first()
        role = self.fields["team_role"]
        role.choices = [("", _("Choose a role")), *TeamRole.choices]
        if self.primary is None:
            role.help_text = _(
                "Nobody is the primary yet. Choose “Primary counselor” to make them the primary: "
                "new alerts go to them first."
            )
        else:
            role.choices = [c for c in role.choices if c[0] != TeamRole.PRIMARY_COUNSELOR]
            role.help_text = _(
                "%(name)s is the primary (new alerts go to them first). To hand over, end their "
                "place on the team, then add the new primary counselor here."
            ) % {"name": self.primary.clinician.display_name}

    @property
    def has_clinicians(self) -> bool:
        """False when every clinician of the clinic is already on the team."""
        return self.fields["clinician"].queryset.exists()

    def clean(self) -> dict:
        data = super().clean()
        data["is_primary"] = data.get("team_role") == TeamRole.PRIMARY_COUNSELOR
        return data


class SetbackForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=SetbackKind.choices)
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe it plainly and without judgement, as the person tells it."),
    )
    what_helped = forms.CharField(
        label=_("What helped"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    plan_changes = forms.CharField(
        label=_("Changes to the plan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    move_recovery_start = forms.BooleanField(
        label=_("Start a new recovery count"),
        required=False,
        help_text=_("The previous start date stays in the history."),
    )
    new_recovery_start = forms.DateField(
        label=_("New recovery start date"), required=False, widget=DateInput()
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("move_recovery_start") and not data.get("new_recovery_start"):
            self.add_error("new_recovery_start", _("Choose the new start date."))
        if not data.get("move_recovery_start"):
            data["new_recovery_start"] = None
        return data


class RecoveryStartForm(forms.Form):
    start_date = forms.DateField(label=_("Recovery start date"), widget=DateInput())
    reason = forms.CharField(label=_("Why it changes"), max_length=300)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AppointmentForm(forms.Form):
    """Times are entered in the patient's own time zone, shown in the label."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AppointmentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=5, max_value=12 * 60, initial=50
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link (telehealth)"), required=False, assume_scheme="https"
    )
    staff_attendees = forms.ModelMultipleChoiceField(
        label=_("Care team attending"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AppointmentStatus.choices, initial=AppointmentStatus.SCHEDULED
    )

    def __init__(
        self, *args: object, patient: Patient, appointment: object = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        team = CareTeamMember.objects.current().filter(patient=patient).values("clinician")
        people = User.objects.filter(pk__in=team)
        if appointment is not None:  # someone who has left the team stays on the record
            people = people | User.objects.filter(pk__in=appointment.staff_attendees.values("pk"))
        self.fields["staff_attendees"].queryset = people.distinct().order_by("full_name")
        self.fields["staff_attendees"].label_from_instance = lambda user: user.display_name
        self.fields["start_time"].help_text = _("In the patient's time zone (%(zone)s).") % {
            "zone": patient.time_zone
        }

    def times(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.patient.time_zone)
        start = datetime.combine(self.cleaned_data["date"], self.cleaned_data["start_time"])
        starts_at = start.replace(tzinfo=zone)
        return starts_at, starts_at + timedelta(minutes=self.cleaned_data["duration_minutes"])

    @classmethod
    def initial_for(cls, appointment: object, patient: Patient) -> dict[str, object]:
        local = timezone.localtime(appointment.starts_at, ZoneInfo(patient.time_zone))
        minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        return {
            "kind": appointment.kind,
            "title": appointment.title,
            "date": local.date(),
            "start_time": time(local.hour, local.minute),
            "duration_minutes": minutes,
            "location": appointment.location,
            "video_url": appointment.video_url,
            "staff_attendees": list(appointment.staff_attendees.all()),
            "status": appointment.status,
        }


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("New clinical note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visible to the care team only."),
    )


class AlertResolveForm(forms.Form):
    comment = forms.CharField(
        label=_("How it was resolved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say how the alert was resolved.")},
    )


class FindPatientForm(forms.Form):
    mrn = forms.CharField(label=_("Medical record number"), max_length=40)


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for emergency access"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded, shown to the clinic's admins, and valid for 24 hours."),
    )


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or MRN"), required=False)
    # The clinic's programs by id: one plain query (a ModelChoiceField reads its choices
    # through a server-side cursor, three round trips on every caseload page).
    program = forms.TypedChoiceField(
        label=_("Program"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PatientStatus.choices], required=False
    )
    has_alerts = forms.BooleanField(label=_("Has open alerts"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("-recovery", _("Fewest days in recovery")),
            ("recovery", _("Most days in recovery")),
            ("last_checkin", _("Longest since check-in")),
            ("alerts", _("Most open alerts")),
            ("next_appointment", _("Next appointment")),
        ],
    )

    def __init__(self, *args: object, clinic: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(clinic=clinic).values_list("pk", "name")
        self.fields["program"].choices = [("", "---------"), *programs]

    def options(self) -> dict[str, list[tuple[object, str, bool]]]:
        """Each list's (value, label, chosen) in order, for the caseload's own markup of the
        form (patients/_caseload_filters.html: a few lines of HTML, not a template per
        widget)."""
        chosen = {name: str(self[name].value() or "") for name in ("program", "status", "sort")}
        return {
            name: [
                (value, label, str(value) == chosen[name])
                for value, label in self.fields[name].choices
            ]
            for name in chosen
        }


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the program offers and who it is for."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_(
            "A deactivated program keeps its patients and history; reactivate it any time."
        ),
    )


class PatientFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or MRN"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PatientStatus.choices],
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=_("Any program"),
    )

    def __init__(self, *args: object, clinic: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(clinic=clinic).order_by("name")

    def filters(self) -> PatientFilters:
        """The filters to apply; a field with an invalid value (shown as an error) is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        program = data.get("program")
        return PatientFilters(
            q=data.get("q", ""),
            status=data.get("status", ""),
            program=program.pk if program else None,
        )
