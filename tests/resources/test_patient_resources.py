"""Community resources attached to one person in recovery: the patient and the care team
edit, admins read, everyone else answers 404."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from resources.models import CommunityResource, PatientResource, ResourceKind
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def _page(patient):
    return reverse("resources:patient_resources", args=[patient.pk])


def _attach(patient):
    return reverse("resources:patient_resource_attach", args=[patient.pk])


def _detach(patient, link):
    return reverse("resources:patient_resource_detach", args=[patient.pk, link.pk])


@pytest.fixture
def link(patient, pantry, team_clinician):
    return PatientResource.objects.create(
        patient=patient, resource=pantry, note="Mondays are quieter", attached_by=team_clinician
    )


@pytest.mark.parametrize("who", ["person", "team_clinician", "clinic_admin"])
def test_patient_team_and_admin_see_the_list_and_the_view_is_audited(
    client, request, patient, link, who
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(_page(patient))
    assert page.status_code == 200
    assert "Northside Pantry" in page.text and "Mondays are quieter" in page.text
    assert AuditEvent.objects.filter(
        action="view", patient=patient, details__page="patient_resources"
    ).exists()


def test_only_editors_get_the_attach_form(client, patient, person, clinic_admin, meeting):
    client.force_login(person)
    assert "Maple Street Meeting" in client.get(_page(patient)).text  # offered in the select
    client.force_login(clinic_admin)
    page = client.get(_page(patient))
    assert page.context["form"] is None
    assert "Maple Street Meeting" not in page.text


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.SUPPORTER, Role.PATIENT])
def test_others_of_the_clinic_get_404(client, clinic, patient, link, meeting, role):
    client.force_login(
        member(role, clinic)
    )  # a clinician off the team, a supporter, another patient
    assert client.get(_page(patient)).status_code == 404
    assert client.post(_attach(patient), {"resource": meeting.pk}).status_code == 404
    assert client.post(_detach(patient, link)).status_code == 404
    assert PatientResource.objects.filter(patient=patient).count() == 1


def test_another_clinics_patient_is_404(client, clinic_admin, other_clinic):
    stranger = PatientFactory(clinic=other_clinic)
    client.force_login(clinic_admin)
    assert client.get(_page(stranger)).status_code == 404


def test_admins_only_read(client, patient, link, meeting, clinic_admin):
    client.force_login(clinic_admin)
    assert client.post(_attach(patient), {"resource": meeting.pk}).status_code == 404
    assert client.post(_detach(patient, link)).status_code == 404
    assert PatientResource.objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize("who", ["person", "team_clinician"])
def test_attach_and_detach(client, request, patient, meeting, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(_attach(patient), {"resource": meeting.pk, "note": "Try Tuesday"})
    assert response.status_code == 302
    link = PatientResource.objects.get(patient=patient, resource=meeting)
    assert (link.note, link.attached_by) == ("Try Tuesday", user)
    assert AuditEvent.objects.filter(action="create", patient=patient).exists()

    assert client.post(_detach(patient, link)).status_code == 302
    assert not PatientResource.objects.filter(patient=patient).exists()
    assert AuditEvent.objects.filter(action="delete", patient=patient).exists()


def test_attach_refuses_other_clinics_inactive_and_duplicate_entries(
    client, clinic, patient, team_clinician, link, other_resource
):
    closed = CommunityResource.objects.create(
        clinic=clinic, name="Closed", kind=ResourceKind.FOOD, is_active=False
    )
    client.force_login(team_clinician)
    for resource_id in [other_resource.pk, closed.pk, link.resource_id, "", "abc"]:
        response = client.post(_attach(patient), {"resource": resource_id})
        assert response.status_code == 200
        assert "resource" in response.context["form"].errors
    assert PatientResource.objects.filter(patient=patient).count() == 1


def test_a_note_that_is_too_long_is_a_field_error(client, patient, team_clinician, meeting):
    client.force_login(team_clinician)
    response = client.post(_attach(patient), {"resource": meeting.pk, "note": "x" * 501})
    assert "note" in response.context["form"].errors
    assert not PatientResource.objects.filter(patient=patient).exists()


def test_detach_is_scoped_to_the_patient_in_the_url(
    client, clinic, patient, team_clinician, person, pantry
):
    other_patient = PatientFactory(clinic=clinic)
    theirs = PatientResource.objects.create(patient=other_patient, resource=pantry)
    client.force_login(person)
    assert client.post(_detach(patient, theirs)).status_code == 404
    client.force_login(team_clinician)
    assert client.post(_detach(patient, theirs)).status_code == 404
    assert PatientResource.objects.filter(pk=theirs.pk).exists()


def test_list_queries_do_not_grow_with_rows(
    client, clinic, patient, team_clinician, django_assert_max_num_queries
):
    client.force_login(team_clinician)

    def attach(count, start):
        for i in range(start, start + count):
            resource = CommunityResource.objects.create(
                clinic=clinic, name=f"Partner {i:02d}", kind=ResourceKind.FOOD
            )
            PatientResource.objects.create(
                patient=patient, resource=resource, attached_by=team_clinician
            )

    attach(3, 0)
    with django_assert_max_num_queries(30) as small:
        assert client.get(_page(patient)).status_code == 200
    attach(27, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(_page(patient))
    assert page.text.count("Partner ") >= 30
