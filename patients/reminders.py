"""What the planner's rules need to know about people in recovery: the time zones they live in
(registered with the engine at start-up), who is still in the program, and their care teams.

The rules themselves live with the data they read (coping/reminders.py, networks/reminders.py,
engagement/reminders.py); none of them reads only this app.
"""

from collections import defaultdict
from collections.abc import Iterable

from notifications.planner import register_zone_source
from patients.models import CareTeamMember, Patient, PatientStatus

ONGOING = (PatientStatus.ACTIVE, PatientStatus.INTAKE)
ENDED = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)


def patient_zones() -> Iterable[str]:
    """Every time zone a patient lives in, in one query."""
    return Patient.objects.order_by().values_list("time_zone", flat=True).distinct()


def care_team_of(patient_ids: set[int]) -> dict[int, list[CareTeamMember]]:
    """The current, active care-team members of these patients, in one query."""
    by_patient: dict[int, list[CareTeamMember]] = defaultdict(list)
    rows = (
        CareTeamMember.objects.current()
        .filter(patient_id__in=patient_ids, clinician__is_active=True)
        .select_related("clinician")
        .order_by("pk")
    )
    for member in rows:
        by_patient[member.patient_id].append(member)
    return by_patient


def register() -> None:
    """Wiring (PatientsConfig.ready): the patients' time zones, for the planner's prefilters."""
    register_zone_source(patient_zones)
