"""Finding 4: a clinician lists and invites to an event only the people on their own care team;
a clinic admin, every patient of the clinic. A crafted post for anyone else saves nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from events.models import Event, EventInvitation, EventKind
from events.services import event_invite
from networks.models import ContactStatus, Relationship, SupportContact
from patients.models import TeamRole
from patients.services import care_team_add
from tests.factories import EmergencyAccessFactory, PatientFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def colleague(clinic):
    """A clinician of the same clinic, not on Jordan's care team (on Sam's)."""
    return member(Role.CLINICIAN, clinic, full_name="Robin Mbeki")


def on_team(patient, clinician):
    care_team_add(
        patient=patient,
        clinician=clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=clinician,
    )
    return patient


@pytest.fixture
def jordan(clinic, team_clinician):
    return on_team(PatientFactory(clinic=clinic, legal_name="Jordan Quincy Rivera"), team_clinician)


@pytest.fixture
def sam(clinic, colleague):
    return on_team(PatientFactory(clinic=clinic, legal_name="Sam Okafor"), colleague)


@pytest.fixture
def event(clinic, team_clinician):
    start = timezone.now() + timedelta(days=7)
    return Event.objects.create(
        clinic=clinic,
        kind=EventKind.FAMILY_WORKSHOP,
        title="Family education workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Room 1",
        created_by=team_clinician,
    )


def test_a_clinician_off_the_care_team_does_not_see_the_patient_in_the_list(
    client, colleague, jordan, sam, event
):
    client.force_login(colleague)

    response = client.get(reverse("events:event_detail", args=[event.pk]))

    html = response.content.decode()
    assert "Jordan" not in html
    assert "Sam Okafor" in html
    assert list(response.context["form"].fields["patients"].queryset) == [sam]


def test_a_crafted_post_inviting_someone_off_the_care_team_saves_nothing(
    client, colleague, jordan, sam, event
):
    SupportContact.objects.create(
        patient=jordan,
        name="Pat Rivera",
        relationship=Relationship.PARENT,
        status=ContactStatus.ACTIVE,
        user=member(Role.SUPPORTER, jordan.clinic),
    )
    client.force_login(colleague)

    response = client.post(
        reverse("events:event_detail", args=[event.pk]),
        {"patients": [jordan.pk, sam.pk], "include_supporters": "on"},
    )

    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.context["form"].errors["patients"]
    assert not EventInvitation.objects.exists()


def test_emergency_access_to_a_chart_does_not_put_the_patient_on_the_list(
    client, colleague, jordan, event
):
    EmergencyAccessFactory(patient=jordan, user=colleague)
    client.force_login(colleague)

    response = client.get(reverse("events:event_detail", args=[event.pk]))

    assert jordan not in response.context["form"].fields["patients"].queryset


def test_the_service_refuses_a_patient_off_the_care_team(colleague, jordan, event):
    with pytest.raises(ValidationError) as error:
        event_invite(event=event, actor=colleague, patients=[jordan])

    assert "patients" in error.value.message_dict
    assert not EventInvitation.objects.exists()


def test_the_care_team_clinician_invites_their_patient(client, team_clinician, jordan, event):
    client.force_login(team_clinician)

    response = client.post(
        reverse("events:event_detail", args=[event.pk]), {"patients": [jordan.pk]}
    )

    assert response.status_code == 302
    assert EventInvitation.objects.get().patient == jordan


def test_a_clinic_admin_sees_and_invites_every_patient(client, clinic_admin, jordan, sam, event):
    client.force_login(clinic_admin)
    url = reverse("events:event_detail", args=[event.pk])

    page = client.get(url)
    response = client.post(url, {"patients": [jordan.pk, sam.pk]})

    assert set(page.context["form"].fields["patients"].queryset) == {jordan, sam}
    assert response.status_code == 302
    assert EventInvitation.objects.count() == 2


def test_invitations_of_people_off_the_care_team_show_as_a_number_only(
    client, colleague, team_clinician, jordan, sam, event
):
    event_invite(event=event, actor=team_clinician, patients=[jordan])
    event_invite(event=event, actor=colleague, patients=[sam])
    client.force_login(colleague)

    html = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()

    assert "Jordan" not in html and "Sam Okafor" in html
    assert "And 1 more person invited, outside your care team." in html


def test_the_event_page_is_a_list_read_of_the_people_it_names(
    client, clinic_admin, team_clinician, jordan, sam, event
):
    from audit.models import Action, AuditEvent, ListedPatient

    event_invite(event=event, actor=team_clinician, patients=[jordan], include_supporters=False)
    client.force_login(team_clinician)

    client.get(reverse("events:event_detail", args=[event.pk]))

    [read] = AuditEvent.objects.filter(action=Action.LIST, details__list="event_detail")
    shown = set(ListedPatient.objects.filter(event=read).values_list("patient_id", flat=True))
    assert shown == {jordan.pk}  # invited, and in the picker; Sam is on neither for this reader
    assert read.details["filters"] == {"event": event.pk}
