"""/api/v1/appointments/: list, create, retrieve and update, scoped to the charts one may open."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from audit.models import Action, AuditEvent
from patients.models import Appointment, AppointmentStatus, Patient
from tests.factories import AppointmentFactory, CareTeamMemberFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

APPOINTMENTS = "/api/v1/appointments/"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def detail(appointment: Appointment) -> str:
    return f"{APPOINTMENTS}{appointment.pk}/"


def ids(response: Response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def patient(clinic: Organization, clinician: User) -> Patient:
    return CareTeamMemberFactory(clinician=clinician, patient=PatientFactory(clinic=clinic)).patient


@pytest.fixture
def colleague(clinic: Organization) -> User:
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def outsider(other_clinic: Organization) -> User:
    return member(Role.CLINICIAN, other_clinic)


@pytest.fixture
def appointment(patient: Patient) -> Appointment:
    return AppointmentFactory(patient=patient)


def new_session(for_patient: Patient, **overrides: object) -> dict[str, object]:
    start = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
    data = {
        "patient": for_patient.pk,
        "kind": "individual",
        "title": "Weekly session",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=50)).isoformat(),
        "location": "Room 2",
    }
    data.update(overrides)
    return data


# --- List -------------------------------------------------------------------------------------


def test_list_shows_only_appointments_of_charts_i_may_open(
    clinic, other_clinic, clinician, colleague, patient, appointment
):
    theirs = CareTeamMemberFactory(clinician=colleague, patient__clinic=clinic).patient
    AppointmentFactory(patient=theirs)
    AppointmentFactory(patient__clinic=other_clinic)

    assert ids(as_user(clinician).get(APPOINTMENTS)) == [appointment.pk]
    assert len(ids(as_user(member(Role.ADMIN, clinic)).get(APPOINTMENTS))) == 2


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_see_no_appointments(clinic, appointment, role):
    api = as_user(member(role, clinic))

    assert api.get(APPOINTMENTS).status_code == 404  # like its siblings: not an empty list
    assert api.get(detail(appointment)).status_code == 404
    response = api.post(APPOINTMENTS, new_session(appointment.patient), format="json")
    assert response.status_code == 404
    assert Appointment.objects.count() == 1


def test_list_without_a_token_is_401(appointment):
    assert APIClient().get(APPOINTMENTS).status_code == 401
    assert APIClient().get(detail(appointment)).status_code == 401


def test_list_filters_by_patient_and_days_in_the_clinic_time_zone(clinic, clinician, patient):
    other = CareTeamMemberFactory(clinician=clinician, patient__clinic=clinic).patient
    # The clinic is in New York: 01:00 UTC on 5 May is still 4 May there.
    late_on_the_4th = AppointmentFactory(
        patient=patient, starts_at=datetime(2026, 5, 5, 1, 0, tzinfo=UTC)
    )
    on_the_5th = AppointmentFactory(patient=patient, starts_at=datetime(2026, 5, 5, 15, tzinfo=UTC))
    on_the_6th = AppointmentFactory(patient=other, starts_at=datetime(2026, 5, 6, 15, tzinfo=UTC))
    api = as_user(clinician)

    assert ids(api.get(APPOINTMENTS, {"patient_id": other.pk})) == [on_the_6th.pk]
    assert ids(api.get(APPOINTMENTS, {"from": "2026-05-05"})) == [on_the_5th.pk, on_the_6th.pk]
    assert ids(api.get(APPOINTMENTS, {"to": "2026-05-04"})) == [late_on_the_4th.pk]
    assert ids(api.get(APPOINTMENTS, {"from": "2026-05-05", "to": "2026-05-05"})) == [on_the_5th.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "May 5"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-05-06", "to": "2026-05-05"}, "to"),
        ({"patient_id": "jordan"}, "patient_id"),
        ({"patient_id": "0"}, "patient_id"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_list_rejects_bad_filters_with_400(clinician, params, field):
    response = as_user(clinician).get(APPOINTMENTS, params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("size", [5, 40])
def test_list_query_count_does_not_grow_with_the_rows(
    clinic, clinician, colleague, django_assert_max_num_queries, size
):
    for _ in range(size):
        patient = CareTeamMemberFactory(clinician=clinician, patient__clinic=clinic).patient
        CareTeamMemberFactory(clinician=colleague, patient=patient)
        AppointmentFactory(patient=patient).staff_attendees.set([clinician, colleague])
    api = as_user(clinician)

    # memberships + count + page (patient joined) + the attendees of the page, prefetched, and
    # the list read's audit event and its listed patients (two inserts)
    with django_assert_max_num_queries(6):
        response = api.get(APPOINTMENTS, {"page_size": 100})

    assert len(response.json()["results"]) == size


# --- Create -----------------------------------------------------------------------------------


def test_care_team_books_an_appointment_with_attendees(clinician, patient):
    response = as_user(clinician).post(
        APPOINTMENTS, new_session(patient, staff_attendees=[clinician.pk]), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["patient"] == patient.pk
    assert body["staff_attendees"] == [clinician.pk]
    assert body["status"] == AppointmentStatus.SCHEDULED
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.clinic == patient.clinic
    assert appointment.created_by == clinician
    assert AuditEvent.objects.filter(action=Action.CREATE, patient=patient).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2026-05-04T13:00:00Z"}, "ends_at"),  # before the start
        ({"ends_at": "2026-05-05T14:00:00Z"}, "ends_at"),  # longer than 12 hours
        ({"kind": "telehealth"}, "video_url"),  # without a link
        ({"kind": "telehealth", "video_url": "not a link"}, "video_url"),
        ({"kind": "séance"}, "kind"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"title": "x" * 201}, "title"),
        ({"patient": "jordan"}, "patient"),
        ({"staff_attendees": "everyone"}, "staff_attendees"),
        ({"staff_attendees": [999999]}, "staff_attendees"),
    ],
)
def test_booking_with_bad_input_is_400_and_saves_nothing(clinician, patient, changes, field):
    response = as_user(clinician).post(APPOINTMENTS, new_session(patient, **changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Appointment.objects.exists()


def test_attendees_must_be_on_the_care_team(clinician, colleague, patient):
    response = as_user(clinician).post(
        APPOINTMENTS, new_session(patient, staff_attendees=[colleague.pk]), format="json"
    )

    assert response.status_code == 400
    assert "staff_attendees" in response.json()
    assert not Appointment.objects.exists()


def test_telehealth_with_a_link_is_booked(clinician, patient):
    response = as_user(clinician).post(
        APPOINTMENTS,
        new_session(patient, kind="telehealth", video_url="https://video.example.org/room/42"),
        format="json",
    )

    assert response.status_code == 201


def test_booking_for_a_chart_i_may_not_change(
    clinic_admin, colleague, outsider, other_clinic, patient
):
    assert (
        as_user(clinic_admin).post(APPOINTMENTS, new_session(patient), format="json").status_code
        == 403
    )
    assert (
        as_user(colleague).post(APPOINTMENTS, new_session(patient), format="json").status_code
        == 404
    )
    assert (
        as_user(outsider).post(APPOINTMENTS, new_session(patient), format="json").status_code == 404
    )
    nowhere = {**new_session(patient), "patient": 999999}
    assert as_user(colleague).post(APPOINTMENTS, nowhere, format="json").status_code == 404
    assert not Appointment.objects.exists()


# --- Retrieve and update ----------------------------------------------------------------------


def test_retrieve_answers_the_care_team_and_admins_and_404s_everyone_else(
    clinician, clinic_admin, colleague, outsider, appointment
):
    assert as_user(clinician).get(detail(appointment)).status_code == 200
    assert as_user(clinic_admin).get(detail(appointment)).status_code == 200
    assert as_user(colleague).get(detail(appointment)).status_code == 404
    assert as_user(outsider).get(detail(appointment)).status_code == 404


def test_care_team_marks_an_appointment_attended(clinician, appointment):
    response = as_user(clinician).patch(
        detail(appointment), {"status": "attended", "location": "Room 5"}, format="json"
    )

    assert response.status_code == 200, response.json()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.location) == ("attended", "Room 5")
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(appointment.pk)).exists()


def test_put_needs_the_required_fields(clinician, appointment):
    response = as_user(clinician).put(detail(appointment), {"title": "Renamed"}, format="json")

    assert response.status_code == 400
    assert {"kind", "starts_at", "ends_at"} <= set(response.json())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "no-show"}, "status"),
        ({"kind": "telehealth"}, "video_url"),
        ({"staff_attendees": [999999]}, "staff_attendees"),
    ],
)
def test_update_with_bad_input_is_400_and_changes_nothing(clinician, appointment, changes, field):
    before = Appointment.objects.values().get(pk=appointment.pk)

    response = as_user(clinician).patch(detail(appointment), changes, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Appointment.objects.values().get(pk=appointment.pk) == before


def test_moving_the_end_before_the_start_is_400(clinician, appointment):
    earlier = (appointment.starts_at - timedelta(hours=1)).isoformat()

    response = as_user(clinician).patch(detail(appointment), {"ends_at": earlier}, format="json")

    assert response.status_code == 400
    assert "ends_at" in response.json()


def test_only_the_care_team_changes_appointments(clinic_admin, colleague, outsider, appointment):
    change = {"status": "cancelled"}

    assert (
        as_user(clinic_admin).patch(detail(appointment), change, format="json").status_code == 403
    )
    assert as_user(colleague).patch(detail(appointment), change, format="json").status_code == 404
    assert as_user(outsider).patch(detail(appointment), change, format="json").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SCHEDULED
