"""Data for the report tests: a clinic with known figures, and a bulk builder for the query
budgets (bulk_create, so 500 patients take well under a second)."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization, User
from coping.models import CheckIn
from patients.models import Alert, CareTeamMember, Patient, PatientStatus, Program, TeamRole

NEW_YORK = ZoneInfo("America/New_York")


def checkin(
    patient: Patient, day: date, mood: int = 5, craving: int = 3, stress: int = 4
) -> CheckIn:
    return CheckIn.objects.create(
        patient=patient, local_date=day, mood=mood, craving=craving, stress=stress
    )


def seat(patient: Patient, clinician: User, *, primary: bool = False) -> CareTeamMember:
    return CareTeamMember.objects.create(
        patient=patient,
        clinician=clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=primary,
        started_on=date(2025, 1, 1),
    )


def bulk_patients(
    clinic: Organization, count: int, *, program: Program, clinician: User, today: date
) -> list[Patient]:
    """`count` active patients on `clinician`'s caseload, each with two check-ins and an
    open alert, in one program."""
    first = Patient.objects.filter(clinic=clinic).count()
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            mrn=f"BULK-{i:05d}",
            legal_name=f"Bulk Person {i}",
            date_of_birth=date(1990, 1, 1),
            program=program,
            status=PatientStatus.ACTIVE,
            recovery_start=today - timedelta(days=100),
        )
        for i in range(first, first + count)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(
            patient=p,
            clinician=clinician,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            is_primary=True,
            started_on=today,
        )
        for p in patients
    )
    CheckIn.objects.bulk_create(
        CheckIn(patient=p, local_date=today - timedelta(days=offset), mood=5, craving=2, stress=3)
        for p in patients
        for offset in (1, 9)
    )
    Alert.objects.bulk_create(
        Alert(clinic=clinic, patient=p, kind="high_craving", message="m", source=f"bulk:{p.pk}")
        for p in patients
    )
    return patients


def queries_of(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def moment(day: date, hour: int = 12) -> datetime:
    """Noon in New York on `day` (the clinic's and the patients' zone)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK)
