"""Every report page, CSV and API answers 404 to anyone but this clinic's admin."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from reports.registry import available
from tests.factories import member

pytestmark = pytest.mark.django_db

SLUGS = [report.slug for report in available()]


def urls(slug: str) -> list[str]:
    return [
        reverse("reports:report", args=[slug]),
        reverse("reports:report_csv", args=[slug]),
        reverse("api:report", args=[slug]),
    ]


def test_every_report_of_the_contract_is_registered_in_its_order():
    assert SLUGS == [
        "caseload",
        "census",
        "adherence",
        "trends",
        "outcomes",
        "milestones",
        "network",
        "delivery",
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_clinic_admin_opens_every_report_csv_and_api(admin_signed_in, slug):
    for url in urls(slug):
        assert admin_signed_in.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
@pytest.mark.parametrize("slug", SLUGS)
def test_other_roles_of_the_clinic_get_404(client, clinic, role, slug):
    client.force_login(member(role, clinic))
    for url in urls(slug):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("slug", SLUGS)
def test_another_clinics_admin_gets_404_naming_this_clinic(client, clinic, other_clinic, slug):
    outsider = member(Role.ADMIN, other_clinic)
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(reverse("api:report", args=[slug]), HTTP_X_CLINIC=clinic.slug).status_code == 404


def test_an_unknown_or_unfinished_report_is_404(admin_signed_in):
    for slug in ("nope", "delivery-x"):
        for url in urls(slug):
            assert admin_signed_in.get(url).status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_refuses(client):
    response = client.get(reverse("reports:report", args=["caseload"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert client.get(reverse("api:report", args=["caseload"])).status_code in (401, 403)
