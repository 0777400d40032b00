""" "Who saw my information": the person sees, by person, every supporter view and message and
every staff access to their chart; the clinic exports the same on request."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from notifications.models import Channel, Kind, Notification, Status
from patients.services import emergency_access_grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:who_saw_me")


def sent_to(contact, kind: str = Kind.MILESTONE_DAY, status: str = Status.SENT) -> Notification:
    return Notification.objects.create(
        kind=kind,
        occurrence=f"test:{Notification.objects.count()}",
        channel=Channel.EMAIL,
        clinic=contact.patient.clinic,
        patient=contact.patient,
        recipient_contact=contact,
        recipient_key=f"contact:{contact.pk}",
        body="Hello",
        due_at=timezone.now(),
        status=status,
        sent_at=timezone.now() if status == Status.SENT else None,
    )


@pytest.fixture
def history(client, clinic, patient, contact, supporter, team_clinician):
    """A supporter opens the shared page and gets a message; the clinician opens the chart; a
    colleague opens it in an emergency; the person looks at their own check-in."""
    client.force_login(supporter)
    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 200
    sent_to(contact)
    sent_to(contact, status=Status.FAILED)  # never reached them: not listed
    client.force_login(team_clinician)
    assert client.get(reverse("patients:chart", args=[patient.pk])).status_code == 200
    colleague = member(Role.CLINICIAN, clinic, full_name="Nora Night-Shift")
    emergency_access_grant(
        patient=patient, user=colleague, reason="Crisis call after hours, team away"
    )
    audit_record(action=Action.VIEW, actor=patient.user, clinic=clinic, patient=patient)
    client.logout()
    return colleague


def test_person_sees_each_person_who_saw_or_was_sent_their_information(
    client, history, person, contact, team_clinician
):
    client.force_login(person)

    response = client.get(PAGE)

    assert response.status_code == 200
    groups = {group.name: group for group in response.context["groups"]}
    assert set(groups) == {"Mom (Pat)", "Chris Alvarez", "Nora Night-Shift"}
    mom = groups["Mom (Pat)"]
    assert mom.role == "Supporter · Parent"
    assert sorted(entry.what for entry in mom.entries) == [
        "Viewed what you chose to share",
        "Was sent a message: Milestone today",
    ]
    assert groups["Chris Alvarez"].role == "Clinician"
    assert any(entry.what.startswith("Viewed") for entry in groups["Chris Alvarez"].entries)
    nora = groups["Nora Night-Shift"]
    assert nora.emergency
    assert nora.entries[0].detail == "Crisis call after hours, team away"
    page = response.content.decode()
    assert "Crisis call after hours, team away" in page and "Emergency access" in page
    assert "Jordan Rivera" not in [group.name for group in groups.values()]  # not their own


def test_the_period_narrows_the_list_and_a_bad_one_falls_back_with_a_message(
    client, person, patient, contact
):
    old = sent_to(contact)
    Notification.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=200))
    client.force_login(person)

    recent = client.get(PAGE)
    everything = client.get(PAGE, {"period": "all"})
    bad = client.get(PAGE, {"period": "forever"})

    # Only the clinician who set up the care team today; the old message is outside 90 days.
    assert [group.name for group in recent.context["groups"]] == ["Chris Alvarez"]
    mom = next(group for group in everything.context["groups"] if group.is_supporter)
    assert len(mom.entries) == 1
    assert bad.status_code == 200 and bad.context["form"].errors
    assert b"Choose one of the periods listed" in bad.content


def test_viewing_the_page_is_audited(client, person, patient):
    client.force_login(person)
    client.get(PAGE)

    assert AuditEvent.objects.filter(
        action=Action.VIEW, actor=person, patient=patient, details__page="who_saw_my_information"
    ).exists()


@pytest.mark.parametrize("role", [Role.SUPPORTER, Role.CLINICIAN, Role.ADMIN])
def test_other_roles_get_404(client, clinic, role, patient):
    client.force_login(member(role, clinic))

    assert client.get(PAGE).status_code == 404


def test_another_person_in_recovery_sees_only_their_own(client, clinic, history):
    other_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other_person, legal_name="Sam Okafor")
    client.force_login(other_person)

    response = client.get(PAGE)

    assert response.context["groups"] == []
    assert b"Nora Night-Shift" not in response.content and b"Mom (Pat)" not in response.content


def test_patient_account_without_a_record_gets_404(client, clinic):
    client.force_login(member(Role.PATIENT, clinic))

    assert client.get(PAGE).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_query_count_does_not_grow_with_history(
    client, django_assert_max_num_queries, clinic, person, patient, contact, supporter, count
):
    for _ in range(count):
        staff = member(Role.CLINICIAN, clinic)
        audit_record(action=Action.VIEW, actor=staff, clinic=clinic, patient=patient)
        audit_record(action=Action.VIEW, actor=supporter, clinic=clinic, patient=patient)
        sent_to(contact)
    client.force_login(person)

    # session, user, memberships; the patient record; events, contacts, messages; the page's
    # own audit event with its savepoint pair; the navigation's reads.
    with django_assert_max_num_queries(13):
        response = client.get(PAGE)
    # Each new colleague, the supporter, and the clinician who set up the care team.
    assert len(response.context["groups"]) == count + 2


# --- The clinic's copy, on request --------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_admin_exports_the_same_list_and_the_export_is_audited(
    client, history, clinic_admin, patient
):
    client.force_login(clinic_admin)
    admin_signed_in = client
    response = admin_signed_in.get(reverse("audit:access_report_csv", args=[patient.pk]))
    page = admin_signed_in.get(reverse("audit:access_report", args=[patient.pk]))

    assert page.status_code == 200 and response.status_code == 200
    header, *rows = read_csv(response)
    assert header == ["Person", "Role", "When", "What", "Details"]
    expected = {
        (group.name, entry.what, entry.detail)
        for group in page.context["groups"]
        for entry in group.entries
    }
    assert {(row[0], row[3], row[4]) for row in rows} == expected
    assert (
        "Nora Night-Shift",
        "Emergency access to a chart",
        "Crisis call after hours, team away",
    ) in expected
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, actor=clinic_admin, patient=patient, details__export="access_report"
    ).exists()


@pytest.mark.parametrize("url_name", ["audit:access_report", "audit:access_report_csv"])
@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_access_report_is_admin_only(client, clinic, patient, role, url_name):
    client.force_login(member(role, clinic))

    assert client.get(reverse(url_name, args=[patient.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["audit:access_report", "audit:access_report_csv"])
def test_another_clinics_admin_gets_404(client, other_clinic, patient, url_name):
    client.force_login(member(Role.ADMIN, other_clinic))

    assert client.get(reverse(url_name, args=[patient.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_supporter_without_an_account_who_opens_a_link_is_listed(client, person, patient):
    """Sam has no account: a message's one-action link is how Sam sees what Jordan shares.
    Opening it leaves an event naming Sam's contact, and Jordan's page lists it."""
    from urllib.parse import urlsplit

    from engagement.links import make_link
    from engagement.models import LinkAction
    from networks.models import ContactStatus, Relationship
    from networks.services import consent_grant, contact_add

    sam = contact_add(
        patient=patient,
        actor=person,
        name="Sam Lee",
        email="sam@example.org",
        relationship=Relationship.SPONSOR,
    )
    sam.status = ContactStatus.ACTIVE
    sam.save()
    consent_grant(
        contact=sam,
        actor=person,
        scopes=["milestones"],
        purpose="To cheer me on",
        signed_name=patient.legal_name,
        signature_method="in_app",
        expires_on_event="discharge",
    )
    url = make_link(LinkAction.ENCOURAGE, contact=sam, patient=patient)

    assert client.get(urlsplit(url).path).status_code == 200
    event = AuditEvent.objects.get(patient=patient, details__via="link")
    assert event.actor is None and event.details["contact"] == sam.pk

    client.force_login(person)
    groups = {group.name: group for group in client.get(PAGE).context["groups"]}
    assert [entry.what for entry in groups["Sam Lee"].entries] == [
        "Opened a link in a message about you"
    ]
    assert groups["Sam Lee"].is_supporter
