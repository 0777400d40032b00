"""Reads for the FHIR export: patients with everything their bundle shows, already joined, so
a bundle (or the clinic's whole export) costs the same few queries whatever the data."""

from collections.abc import Iterator

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects

from accounts.models import Organization
from coping.models import Assessment, CheckIn, CopingPlanVersion
from networks.models import Consent, SupportContact
from patients.models import Appointment, CareTeamMember, Patient

# Patients loaded at a time by the clinic-wide export: the queries grow with the number of
# chunks, never with the rows of one person.
EXPORT_CHUNK = 200


def with_fhir_data(patients: list[Patient]) -> list[Patient]:
    """These patients with their care team, contacts, consents (each with `in_force`, the one
    rule), check-ins, assessments, appointments, milestones and current coping plan version
    (`fhir_plan`), in a constant number of queries."""
    if not patients:
        return patients
    prefetch_related_objects(
        patients,
        Prefetch(
            "care_team",
            queryset=CareTeamMember.objects.select_related("clinician").order_by(
                "-is_primary", "started_on", "pk"
            ),
        ),
        Prefetch("contacts", queryset=SupportContact.objects.order_by("name", "pk")),
        Prefetch(
            "consents",
            queryset=Consent.objects.with_in_force(patients=patients).order_by("signed_at", "pk"),
        ),
        Prefetch(
            "checkins",
            queryset=CheckIn.objects.select_related("entered_by").order_by("local_date", "pk"),
        ),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("entered_by").order_by("local_date", "pk"),
        ),
        Prefetch(
            "appointments",
            queryset=Appointment.objects.order_by("starts_at", "pk").prefetch_related(
                "staff_attendees", "network_attendees"
            ),
        ),
        "milestones",
    )
    newest = CopingPlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number")
    versions = (
        CopingPlanVersion.objects.filter(plan__patient__in=patients)
        .filter(number=Subquery(newest.values("number")[:1]))
        .select_related("author", "plan")
    )
    current = {version.plan.patient_id: version for version in versions}
    for patient in patients:
        patient.fhir_plan = current.get(patient.pk)
    return patients


def patient_for_fhir(patient: Patient) -> Patient:
    """One patient, already opened by the access rule, with its bundle's data."""
    return with_fhir_data([patient])[0]


def clinic_patients_for_fhir(clinic: Organization) -> Iterator[Patient]:
    """Every patient of the clinic, a chunk at a time, each with its bundle's data."""
    rows: QuerySet[Patient] = (
        Patient.objects.filter(clinic=clinic).select_related("clinic", "program").order_by("pk")
    )
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:EXPORT_CHUNK])
        if not chunk:
            return
        yield from with_fhir_data(chunk)
        last = chunk[-1].pk
