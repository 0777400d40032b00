"""What use cost (and the money and hours back) is the person's alone: their care team's chart
and API, a supporter with every consent, the FHIR bundle and everyone else never see it; the
milestones page and its API are the person's own (404 for everyone else)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from networks.models import Scope
from networks.services import consent_grant
from tests.factories import PatientFactory, UseCostFactory, member
from tests.milestones.conftest import TODAY

pytestmark = pytest.mark.django_db

# Figures nobody else may ever read: 1,234.56 a week for 50 days is 8,818; 13.7 hours is 98.
TELLTALES = ("1234", "1,234", "1.234", "8818", "8,818", "13.7", "Money and time back", "use_cost")


@pytest.fixture
def secret(frozen, patient):
    patient.recovery_start = TODAY - timedelta(days=50)
    patient.save()
    return UseCostFactory(patient=patient, amount_per_week="1234.56", hours_per_week="13.7")


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def assert_hidden(text: str) -> None:
    for telltale in TELLTALES:
        assert telltale not in text, telltale


def test_the_person_sees_it(secret, client, person):
    client.force_login(person)
    page = client.get(reverse("coping:my_milestones")).content.decode()
    assert "about $8,818 and 98 hours back for you" in page


def test_the_care_team_never_sees_it_on_the_chart_or_the_api(
    secret, client, patient, team_clinician
):
    client.force_login(team_clinician)
    for name in ("patients:chart", "coping:checkins", "patients:journey"):
        response = client.get(reverse(name, args=[patient.pk]))
        assert response.status_code == 200, name
        assert_hidden(response.content.decode())
    api = api_as(team_clinician)
    for part in ("", "journey/", "checkins/", "checkins/trends/", "fhir/", "milestones/"):
        response = api.get(f"/api/v1/patients/{patient.pk}/{part}")
        assert response.status_code == 200, part
        assert_hidden(response.content.decode())


def test_staff_and_supporters_get_404_on_the_persons_own_page_and_api(
    secret, client, clinic, team_clinician, supporter
):
    admin = member(Role.ADMIN, clinic)
    for user in (team_clinician, admin, supporter):
        client.force_login(user)
        assert client.get(reverse("coping:my_milestones")).status_code == 404
        for url in ("/api/v1/me/use-cost/", "/api/v1/me/milestones/"):
            api = api_as(user)
            assert api.get(url).status_code == 404
            assert api.put(url, {"hours_per_week": 1}, format="json").status_code in (404, 405)
            assert api.delete(url).status_code in (404, 405)


def test_a_supporter_with_every_consent_never_sees_it(
    secret, client, patient, person, contact, supporter
):
    consent_grant(
        contact=contact,
        actor=person,
        scopes=list(Scope.values),
        purpose="To support my recovery",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    client.force_login(supporter)
    page = client.get(reverse("networks:supporter_patient", args=[patient.pk]))
    assert page.status_code == 200
    assert_hidden(page.content.decode())
    response = api_as(supporter).get(f"/api/v1/supporter/patients/{patient.pk}/")
    assert response.status_code == 200
    assert_hidden(response.content.decode())


def test_another_person_in_recovery_reads_only_their_own(secret, clinic, other_clinic):
    same_clinic = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=same_clinic)
    elsewhere = member(Role.PATIENT, other_clinic)
    PatientFactory(clinic=other_clinic, user=elsewhere)
    for user in (same_clinic, elsewhere):
        body = api_as(user).get("/api/v1/me/use-cost/").json()
        assert body == {"entered": False, "use_cost": None, "regained": None}
    no_record = member(Role.PATIENT, clinic)
    assert api_as(no_record).get("/api/v1/me/use-cost/").status_code == 404
