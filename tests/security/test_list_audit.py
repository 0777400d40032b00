"""Finding 6: a read of a list of patient data leaves one audit event (not one per row) that
names the list, its filters, how many patients it showed and which ones (only those on the
page shown), in the pages, the API and the Django admin; "who saw my information" shows the
list reads that included the person, at a constant number of queries."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role
from accounts.second_factor import totp_enrol
from audit.models import Action, AuditEvent, ListedPatient
from audit.services import audit_list
from networks.models import ContactStatus, SupportContact
from patients.models import PatientStatus
from patients.program_views import PATIENTS_PAGE_SIZE
from tests.factories import (
    TOTP_SECRET,
    AlertFactory,
    AppointmentFactory,
    CareTeamMemberFactory,
    PatientFactory,
    UserFactory,
    member,
    sign_in_as_allauth_does,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(clinic, clinician):
    """Three patients on the clinician's care team (one discharged) and one off it."""
    mine = [
        PatientFactory(clinic=clinic, legal_name="Avery Stone"),
        PatientFactory(clinic=clinic, legal_name="Blake Moreno"),
        PatientFactory(clinic=clinic, legal_name="Casey Lin", status=PatientStatus.DISCHARGED),
    ]
    for patient in mine:
        CareTeamMemberFactory(patient=patient, clinician=clinician)
    other = PatientFactory(clinic=clinic, legal_name="Dana Off-Team")
    return mine, other


def list_events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.LIST, details__list=name))


def listed(event: AuditEvent) -> set[int]:
    return set(ListedPatient.objects.filter(event=event).values_list("patient_id", flat=True))


def test_caseload_read_is_one_event_naming_its_filter_and_the_patients_shown(
    client, clinician, team
):
    mine, other = team
    client.force_login(clinician)

    response = client.get(reverse("patients:caseload"), {"status": PatientStatus.ACTIVE})

    assert response.status_code == 200
    [event] = list_events("caseload")
    assert event.actor == clinician
    assert event.details["filters"] == {"status": PatientStatus.ACTIVE}
    assert event.details["patients"] == 2
    assert listed(event) == {mine[0].pk, mine[1].pk}
    assert other.pk not in listed(event)


def test_clinic_patient_list_records_only_the_page_shown(client, clinic, clinic_admin):
    patients = PatientFactory.create_batch(PATIENTS_PAGE_SIZE + 3, clinic=clinic)
    client.force_login(clinic_admin)

    client.get(reverse("clinic_admin:patients"), {"page": 2})

    [event] = list_events("clinic_patients")
    assert event.details["patients"] == 3
    assert event.details.get("filters", {}) == {}  # paging is not a filter
    assert len(listed(event)) == 3
    assert listed(event) < {patient.pk for patient in patients}


def test_api_patient_list_is_audited_once_with_the_patients_in_the_answer(client, clinician, team):
    mine, _other = team
    client.force_login(clinician)

    response = client.get("/api/v1/patients/")

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {p.pk for p in mine}
    [event] = list_events("api_patients")
    assert event.details["patients"] == 3
    assert listed(event) == {p.pk for p in mine}


def test_api_appointment_and_alert_lists_are_audited_with_their_filters(client, clinician, team):
    mine, other = team
    for patient in (mine[0], mine[0], mine[1], other):
        AppointmentFactory(patient=patient)
        AlertFactory(patient=patient)
    client.force_login(clinician)

    assert client.get("/api/v1/appointments/").status_code == 200
    assert client.get("/api/v1/alerts/", {"patient_id": mine[1].pk}).status_code == 200

    [appointments] = list_events("api_appointments")
    assert appointments.details["patients"] == 2
    assert appointments.details["rows"] == 3
    assert listed(appointments) == {mine[0].pk, mine[1].pk}
    [alerts] = list_events("api_alerts")
    assert alerts.details["filters"] == {"patient_id": str(mine[1].pk)}
    assert listed(alerts) == {mine[1].pk}


def test_delivery_and_emergency_access_logs_are_list_reads(client, clinic, clinic_admin):
    client.force_login(clinic_admin)

    assert client.get(reverse("notifications:log")).status_code == 200
    assert client.get(reverse("clinic_admin:emergency_access")).status_code == 200

    assert len(list_events("notifications_log")) == 1
    assert len(list_events("emergency_access_log")) == 1


def test_supporter_home_names_the_people_it_shows(client, clinic, team):
    mine, _other = team
    supporter = member(Role.SUPPORTER, clinic)
    SupportContact.objects.create(
        patient=mine[0],
        user=supporter,
        name="Sam",
        relationship="friend",
        status=ContactStatus.ACTIVE,
    )
    client.force_login(supporter)

    assert client.get(reverse("networks:supporter_home")).status_code == 200

    [event] = list_events("supporter_home")
    assert listed(event) == {mine[0].pk}


def test_django_admin_list_and_record_reads_are_audited(client, clinic, team, settings):
    mine, other = team
    superuser = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(superuser, secret=TOTP_SECRET)  # the admin needs a second factor
    sign_in_as_allauth_does(client, superuser)  # the admin's door asks how the session began

    changelist = client.get(reverse("admin:patients_patient_changelist"), {"status": "active"})
    change = client.get(reverse("admin:patients_patient_change", args=[other.pk]))

    assert changelist.status_code == 200, changelist
    assert change.status_code == 200
    [event] = list_events("django_admin:patients.Patient")
    assert event.details["filters"] == {"status": "active"}
    assert listed(event) == {mine[0].pk, mine[1].pk, other.pk}
    viewed = AuditEvent.objects.get(action=Action.VIEW, details__page="django_admin")
    assert viewed.patient_id == other.pk
    assert viewed.object_type == "patients.Patient"


def test_every_django_admin_of_patient_data_audits_its_reads():
    """A ModelAdmin of a model holding patient data must use AuditedReadsAdmin."""
    from audit.admin import AuditedReadsAdmin

    holding = {
        "patients.Patient",
        "patients.RecoveryDate",
        "notifications.Notification",
        "audit.AuditEvent",
    }
    for model, model_admin in admin.site._registry.items():
        has_patient = model._meta.label == "patients.Patient" or any(
            getattr(field.related_model, "_meta", None) is not None
            and field.related_model._meta.label == "patients.Patient"
            for field in model._meta.get_fields()
            if field.concrete and field.is_relation
        )
        if has_patient or model._meta.label in holding:
            assert isinstance(model_admin, AuditedReadsAdmin), model._meta.label


def test_who_saw_my_information_shows_list_reads_that_included_the_person(
    client, clinic, clinician, team
):
    mine, _other = team
    person = member(Role.PATIENT, clinic)
    mine[0].user = person
    mine[0].save()
    client.force_login(clinician)
    client.get(reverse("patients:caseload"))
    client.force_login(person)

    response = client.get(reverse("audit:who_saw_me"))

    [group] = [g for g in response.context["groups"] if g.name == clinician.full_name]
    assert [entry.what for entry in group.entries] == ["Saw you in a list: Caseload"]
    assert "Saw you in a list: Caseload" in response.content.decode()


def test_who_saw_my_information_costs_the_same_for_one_list_read_or_forty(
    client, clinic, clinician, team, django_assert_max_num_queries
):
    mine, _other = team
    person = member(Role.PATIENT, clinic)
    mine[0].user = person
    mine[0].save()
    client.force_login(person)

    def read_lists(count: int) -> None:
        for _ in range(count):
            audit_list(
                list_name="caseload",
                actor=clinician,
                clinic=clinic,
                patient_ids=[p.pk for p in mine],
            )

    read_lists(1)
    # Session, user, membership and clinic, the patient record, the page's own audit event,
    # then the report: the events (one query), the contacts, the messages; and the layout's
    # notification badge. Measured at the 1-read size and held for 40.
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit:who_saw_me"))
    read_lists(39)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:who_saw_me"))
    [group] = [g for g in response.context["groups"] if g.name == clinician.full_name]
    assert len(group.entries) == 40
