""" "View as this supporter": exactly the consented sections, read-only, never clinical notes."""

import pytest
from django.urls import reverse

from coping.services import plan_save
from networks.services import consent_grant, help_task_create
from patients.models import ClinicalNote
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

NOTE = "Discussed the court date and the housing application in detail."
SECTIONS = ["milestones", "summary", "plan", "appointments", "tasks"]


@pytest.fixture
def chart(patient, person, team_clinician, contact):
    """A patient with a bit of everything a supporter might or might not see."""
    ClinicalNote.objects.create(patient=patient, author=team_clinician, body=NOTE)
    plan_save(
        patient=patient,
        actor=person,
        change_summary="First",
        content={
            "crisis_plan": {"steps": ["Breathe"], "people": []},
            "warning_signs": [
                {"text": "Skipping meals", "shareable": True},
                {"text": "Avoiding my sister", "shareable": False},
            ],
        },
    )
    appointment = AppointmentFactory(patient=patient, title="Family session")
    appointment.network_attendees.add(contact)
    help_task_create(patient=patient, actor=person, kind="ride", title="Ride to group")
    contact.playbook_step = "Sit with me and make tea."
    contact.save()
    return patient


def grant(contact, person, scopes):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="Support",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def preview(client, contact) -> str:
    response = client.get(
        reverse("networks:contact_preview", args=[contact.patient_id, contact.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str) -> list[str]:
    return [s for s in SECTIONS if f'data-testid="preview-{s}"' in html]


def test_preview_shows_exactly_the_granted_sections(client, chart, contact, person):
    grant(contact, person, ["milestones", "help_tasks"])
    client.force_login(person)

    html = preview(client, contact)

    assert "Preview: this is what Pat Rivera sees" in html
    assert shown(html) == ["milestones", "tasks"]
    assert "Ride to group" in html
    assert "Skipping meals" not in html and "Sit with me and make tea." not in html
    assert NOTE not in html
    assert 'data-testid="redisclosure"' in html


def test_preview_of_the_shareable_plan_only(client, chart, contact, person, team_clinician):
    grant(contact, person, ["coping_plan", "checkin_summary", "appointments"])
    client.force_login(team_clinician)

    html = preview(client, contact)

    assert shown(html) == ["summary", "plan", "appointments"]
    assert "Skipping meals" in html and "Sit with me and make tea." in html
    assert "Avoiding my sister" not in html  # not marked shareable
    assert "Ride to group" not in html
    assert NOTE not in html


def test_preview_has_no_actions(client, chart, contact, person):
    grant(contact, person, ["milestones", "help_tasks", "coping_plan", "appointments"])
    client.force_login(person)

    html = preview(client, contact)

    # The page's own content (the idle warning after it belongs to every page).
    main = html.split('data-testid="preview"')[1].split("</main>")[0]
    assert "<form" not in main and "<button" not in main


def test_preview_without_consent_shows_nothing(client, chart, contact, person):
    client.force_login(person)

    html = preview(client, contact)

    assert 'data-testid="preview-nothing"' in html
    assert shown(html) == []
    assert "Ride to group" not in html


def test_a_revoked_consent_is_gone_from_the_preview_at_once(client, chart, contact, person):
    from networks.services import consent_revoke

    consent = grant(contact, person, ["help_tasks"])
    client.force_login(person)
    assert "Ride to group" in preview(client, contact)

    consent_revoke(consent=consent, actor=person)

    assert "Ride to group" not in preview(client, contact)


def test_a_paused_supporter_sees_nothing(client, chart, contact, person, team_clinician):
    from networks.services import contact_set_status

    grant(contact, person, ["help_tasks"])
    contact_set_status(contact=contact, status="paused", actor=team_clinician)
    client.force_login(team_clinician)

    html = preview(client, contact)

    assert "Pat Rivera is paused and sees nothing about Jordan." in html
    assert shown(html) == []
