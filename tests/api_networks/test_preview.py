"""/api/v1/patients/{patient_id}/contacts/{contact_id}/preview/: exactly what this supporter
sees now ("View as"), from the supporter's own selector."""

import pytest

from audit.models import Action, AuditEvent
from networks.services import consent_revoke
from tests.api_networks.conftest import as_user, grant

pytestmark = pytest.mark.django_db


def url(contact) -> str:
    return f"/api/v1/patients/{contact.patient_id}/contacts/{contact.pk}/preview/"


def test_the_preview_holds_only_the_consented_sections(team_clinician, person, contact):
    grant(contact, person, ["help_tasks"])

    body = as_user(team_clinician).get(url(contact)).json()

    assert body["scopes"] == ["help_tasks"]
    assert set(body) == {"patient", "scopes", "help_tasks", "redisclosure_notice"}
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=contact.patient, details__api="contact-preview"
    ).exists()


def test_the_preview_of_someone_without_consent_shows_nothing(person, contact):
    consent = grant(contact, person, ["milestones", "appointments"])
    consent_revoke(consent=consent, actor=person)

    body = as_user(person).get(url(contact)).json()

    assert body == {"patient": {"id": contact.patient_id, "first_name": "Jordan"}, "scopes": []}


def test_the_preview_is_the_supporters_own_view(person, supporter, contact):
    grant(contact, person, ["milestones", "checkin_summary"])

    preview = as_user(person).get(url(contact)).json()
    theirs = as_user(supporter).get("/api/v1/supporter/patients/").json()["results"][0]

    assert preview == theirs


def test_outsiders_get_404_and_a_clinic_admin_reads(
    clinic_admin, clinician, supporter, contact, elsewhere, team_clinician
):
    assert as_user(clinic_admin).get(url(contact)).status_code == 200
    for user in (clinician, supporter):
        assert as_user(user).get(url(contact)).status_code == 404
    assert as_user(team_clinician).get(url(elsewhere)).status_code == 404
