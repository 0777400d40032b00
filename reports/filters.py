"""The one filter form every report takes: date range, program, clinician, patient status."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, Role, User
from patients.models import CareTeamMember, Patient, PatientStatus, Program

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
QUERY_NAMES = {"start": "from", "end": "to"}


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    program: Program | None = None
    clinician: User | None = None
    status: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, Any]:
        """For the audit trail and the API: ids, never names."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "program": self.program.pk if self.program else None,
            "clinician": self.clinician.pk if self.clinician else None,
            "status": self.status or None,
        }


def clinic_today(clinic: Organization) -> date:
    return timezone.localdate(timezone=ZoneInfo(clinic.time_zone))


def default_filters(clinic: Organization) -> Filters:
    """The last 30 days, ending today in the clinic's time zone."""
    end = clinic_today(clinic)
    return Filters(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ReportFilterForm(forms.Form):
    # Named start/end in Python; the query string says from/to as the issue and the API do.
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All programs"),
        error_messages={"invalid_choice": _("Choose one of this clinic's programs.")},
    )
    clinician = ClinicianChoiceField(
        label=_("Clinician"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All clinicians"),
        error_messages={"invalid_choice": _("Choose one of this clinic's clinicians.")},
    )
    status = forms.ChoiceField(
        label=_("Patient status"),
        required=False,
        choices=[("", _("Any status")), *PatientStatus.choices],
        error_messages={"invalid_choice": _("Choose a patient status from the list.")},
    )

    def __init__(self, data: Any = None, *, clinic: Organization) -> None:
        super().__init__(data)
        self.clinic = clinic
        self.fields["program"].queryset = Program.objects.filter(clinic=clinic)
        self.fields["clinician"].queryset = User.objects.filter(
            Exists(
                Membership.objects.active().filter(
                    user=OuterRef("pk"), organization=clinic, role=Role.CLINICIAN
                )
            )
        ).order_by("full_name", "pk")
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _("Enter a date as YYYY-MM-DD.")

    def add_prefix(self, field_name: str) -> str:
        # The query string says from/to, as the issue and the API do.
        return QUERY_NAMES.get(field_name, field_name)

    def field_errors(self) -> dict[str, list[str]]:
        """The errors keyed by the query-string names (for the API's 400)."""
        return {QUERY_NAMES.get(name, name): list(errors) for name, errors in self.errors.items()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        defaults = default_filters(self.clinic)
        start = cleaned.get("start")
        end = cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        end = end or defaults.end
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", _("The start date must be on or before the end date."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", _("Choose a range of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            attrs = field.widget.attrs
            attrs["class"] = css + (" is-invalid" if name in self.errors else "")
            if name in self.errors:
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-error"

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            program=data.get("program"),
            clinician=data.get("clinician"),
            status=data.get("status") or "",
        )


def patients_for(clinic: Organization, filters: Filters, *, status: bool = True) -> QuerySet:
    """The clinic's patients the filters select (program, clinician's current caseload,
    status). `status=False` ignores the status filter (for reports about changes of status)."""
    patients = Patient.objects.filter(clinic=clinic)
    if filters.program is not None:
        patients = patients.filter(program=filters.program)
    if filters.clinician is not None:
        patients = patients.filter(
            Exists(
                CareTeamMember.objects.current().filter(
                    patient=OuterRef("pk"), clinician=filters.clinician
                )
            )
        )
    if status and filters.status:
        patients = patients.filter(status=filters.status)
    return patients
