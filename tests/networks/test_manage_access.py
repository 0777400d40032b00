"""Who reaches the network pages: the person in recovery (their own) and the care team read and
write, clinic admins read only, and everyone else gets 404 on every URL."""

import secrets
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpTask,
    Invitation,
    SupportContact,
)
from networks.services import (
    consent_grant,
    contact_set_status,
    encouragement_send,
    help_task_create,
)
from tests.factories import EmergencyAccessFactory, OrganizationFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

READ_PAGES = ["network", "consent", "contact_preview", "help_tasks"]
WRITE_FORMS = ["contact_new", "contact_edit", "contact_status"]
POSTS = [
    *WRITE_FORMS,
    "contact_invite",
    "invitation_revoke",
    "consent",
    "consent_change",
    "consent_revoke",
    "encouragement_hide",
    "help_tasks",
    "help_task_done",
]


@pytest.fixture
def world(patient, contact, person, team_clinician):
    """One of everything, so every URL has a real object to point at."""
    consent = consent_grant(
        contact=contact,
        actor=person,
        scopes=["milestones", "help_tasks"],
        purpose="To support my recovery",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    # The contact has joined already, so no new invitation can be sent: an old, unanswered one.
    invitation = Invitation.objects.create(
        contact=contact,
        email=contact.email,
        nonce=secrets.token_hex(16),
        sent_by=team_clinician,
        expires_at=timezone.now() + timedelta(days=7),
    )
    note = encouragement_send(contact=contact, message="Proud of you")
    task = help_task_create(patient=patient, actor=person, kind="ride", title="Ride to group")
    return {
        "contact": contact,
        "consent": consent,
        "invitation": invitation,
        "note": note,
        "task": task,
    }


def url(name: str, patient, world) -> str:
    contact = world["contact"].pk
    args = {
        "network": [],
        "contact_new": [],
        "help_tasks": [],
        "contact_edit": [contact],
        "contact_status": [contact],
        "contact_invite": [contact],
        "consent": [contact],
        "consent_change": [contact],
        "contact_preview": [contact],
        "invitation_revoke": [contact, world["invitation"].pk],
        "consent_revoke": [contact, world["consent"].pk],
        "encouragement_hide": [world["note"].pk],
        "help_task_done": [world["task"].pk],
    }[name]
    return reverse(f"networks:{name}", args=[patient.pk, *args])


POST_DATA = {
    "contact_new": {
        "name": "Sam",
        "relationship": "friend",
        "preferred_channel": "in_app",
        "language": "en",
    },
    "contact_edit": {
        "name": "Sam",
        "relationship": "friend",
        "preferred_channel": "in_app",
        "language": "en",
    },
    "contact_status": {"status": "removed"},
    "consent_revoke": {"reason": "changed my mind"},
    "consent_change": {
        "change-scopes": ["milestones"],
        "change-signed_name": "Jordan Rivera",
        "change-agree": "on",
    },
    "help_tasks": {"kind": "meal", "title": "Soup"},
}


def snapshot() -> tuple:
    """Everything a write could change."""
    return (
        list(Consent.objects.values_list("pk", "revoked_at", "superseded_at")),
        list(Invitation.objects.values_list("pk", "revoked_at")),
        list(Encouragement.objects.values_list("pk", "hidden_at")),
        list(HelpTask.objects.values_list("pk", "status")),
        list(SupportContact.objects.values_list("pk", "name", "status").order_by("pk")),
    )


@pytest.mark.parametrize("name", READ_PAGES + WRITE_FORMS)
def test_the_person_in_recovery_opens_every_page_of_their_own(client, patient, person, world, name):
    client.force_login(person)

    response = client.get(url(name, patient, world))

    assert response.status_code == 200
    assert "patients/_chart_base.html" not in [t.name for t in response.templates]


@pytest.mark.parametrize("name", READ_PAGES + WRITE_FORMS)
def test_care_team_opens_every_page_inside_the_chart(client, patient, team_clinician, world, name):
    client.force_login(team_clinician)

    response = client.get(url(name, patient, world))

    assert response.status_code == 200
    assert "patients/_chart_base.html" in [t.name for t in response.templates]
    assert response.context["tab"] == "network"


def test_a_clinician_with_emergency_access_may_write(client, clinic, patient, world):
    on_call = member(Role.CLINICIAN, clinic)
    EmergencyAccessFactory(patient=patient, user=on_call)
    client.force_login(on_call)

    assert client.get(url("contact_new", patient, world)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_admin_reads_every_page(client, clinic_admin, patient, world, name):
    client.force_login(clinic_admin)

    response = client.get(url(name, patient, world))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' not in html.split('id="main-content"')[1].split("</main>")[0]


@pytest.mark.parametrize("name", WRITE_FORMS)
def test_admin_gets_404_on_write_forms(client, clinic_admin, patient, world, name):
    client.force_login(clinic_admin)

    assert client.get(url(name, patient, world)).status_code == 404


@pytest.mark.parametrize("name", POSTS)
def test_admin_cannot_write(client, clinic_admin, patient, world, name):
    client.force_login(clinic_admin)
    before = snapshot()

    response = client.post(url(name, patient, world), POST_DATA.get(name, {}))

    assert response.status_code == 404
    assert snapshot() == before


@pytest.fixture(params=["colleague", "supporter", "other_clinic", "other_patient", "other_admin"])
def outsider(request, clinic, supporter):
    other = OrganizationFactory(name="Lakeside", slug="lakeside")
    if request.param == "colleague":
        return member(Role.CLINICIAN, clinic)
    if request.param == "supporter":
        return supporter
    if request.param == "other_clinic":
        return member(Role.CLINICIAN, other)
    if request.param == "other_admin":
        return member(Role.ADMIN, other)
    someone = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=someone)
    return someone


@pytest.mark.parametrize("name", READ_PAGES + WRITE_FORMS)
def test_outsiders_get_404_on_every_page(client, patient, world, outsider, name):
    client.force_login(outsider)

    assert client.get(url(name, patient, world)).status_code == 404


def test_outsiders_get_404_on_the_revoke_confirmation(client, patient, world, outsider):
    client.force_login(outsider)

    assert client.get(url("consent_revoke", patient, world)).status_code == 404


@pytest.mark.parametrize("name", POSTS)
def test_outsiders_get_404_on_every_write(client, patient, world, outsider, name):
    client.force_login(outsider)
    before = snapshot()

    response = client.post(url(name, patient, world), POST_DATA.get(name, {}))

    assert response.status_code == 404
    assert snapshot() == before


def test_a_removed_contact_of_another_patient_is_404(client, clinic, patient, world, person):
    other_patient = PatientFactory(clinic=clinic)
    client.force_login(person)
    path = reverse("networks:consent", args=[patient.pk, world["contact"].pk])

    assert client.get(path).status_code == 200
    # The contact exists, but not in this patient's network: no existence leak.
    wrong = reverse("networks:consent", args=[other_patient.pk, world["contact"].pk])
    assert client.get(wrong).status_code == 404


def test_pages_are_audited_as_views(client, patient, person, world):
    client.force_login(person)

    client.get(url("network", patient, world))

    event = AuditEvent.objects.filter(action=Action.VIEW, patient=patient).latest("pk")
    assert event.details == {"page": "network"} and event.actor == person


def test_my_network_takes_the_person_in_recovery_to_their_page(client, patient, person):
    client.force_login(person)

    response = client.get(reverse("networks:my_network"))

    assert response.status_code == 302
    assert response["Location"] == reverse("networks:network", args=[patient.pk])
    home = client.get(reverse("patients:patient_home")).content.decode()
    assert reverse("networks:my_network") in home


def test_my_network_is_only_for_people_in_recovery(client, team_clinician, supporter):
    for user in (team_clinician, supporter):
        client.force_login(user)
        assert client.get(reverse("networks:my_network")).status_code == 404


def test_the_chart_has_a_network_tab(client, patient, team_clinician):
    client.force_login(team_clinician)

    html = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert f'href="{reverse("networks:network", args=[patient.pk])}">Network</a>' in html


def test_a_removed_contact_is_still_listed_but_has_no_actions(
    client, patient, team_clinician, world
):
    contact_set_status(contact=world["contact"], status=ContactStatus.REMOVED, actor=team_clinician)
    client.force_login(team_clinician)

    html = client.get(url("network", patient, world)).content.decode()

    assert "Removed" in html
    assert url("contact_edit", patient, world) not in html
