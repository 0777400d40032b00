"""The clinic admin's FHIR export page: found from the admin's menu, scoped to the admin."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.navigation import nav_links
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

PAGE = "/clinic/fhir-export/"


def test_the_admin_sees_the_page_with_the_download_and_the_code_systems(admin_signed_in, clinic):
    PatientFactory.create_batch(2, clinic=clinic)

    response = admin_signed_in.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("api:fhir-export")}"' in html
    assert "https://recoveryhub.example/fhir/CodeSystem/checkin-item" in html
    assert "2 people" in html


def test_the_page_is_in_the_admins_menu():
    assert "interop:fhir_export" in [item.url_name for item in nav_links(Role.ADMIN)]
    assert reverse("interop:fhir_export") == PAGE


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_no_one_else_reaches_the_page(client, clinic, role):
    client.force_login(member(role, clinic))

    assert client.get(PAGE).status_code == 404


def test_the_page_shows_in_the_admins_menu_on_every_page(admin_signed_in):
    html = admin_signed_in.get(reverse("reports:dashboard")).content.decode()

    assert f'href="{PAGE}"' in html


def test_the_chart_links_to_the_patients_fhir_record(client, patient, team_clinician):
    client.force_login(team_clinician)

    html = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert f'href="{reverse("api:patient-fhir", kwargs={"patient_id": patient.pk})}"' in html
