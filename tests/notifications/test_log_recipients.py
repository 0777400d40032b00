"""The delivery log names each recipient as a person and their role ("Ana Lopez, supporter of
Jordan Rivera"), never by the outbox's key ("user:16", "contact:7"); a name finds them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from networks.models import Relationship
from networks.services import contact_add
from notifications.models import Notification
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

LOG = reverse("notifications:log")


def planned(clinic: object, n: int, **fields: object) -> Notification:
    data = {
        "kind": "checkin_reminder",
        "occurrence": f"o:{n}",
        "channel": "email",
        "address": f"person{n}@example.org",
        "body": "Hi",
        "due_at": timezone.now(),
        "status": "sent",
        "clinic": clinic,
    } | fields
    return Notification.objects.create(**data)


def recipients(response) -> dict[int, str]:
    return {row.pk: label for row, label in response.context["entries"]}


def test_recipients_are_named_with_their_role(
    client, clinic, clinic_admin, patient, person, team_clinician, contact, supporter
):
    ana = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Ana Lopez",
        relationship=Relationship.SIBLING,
        email="ana@example.org",
    )
    no_sign_in = PatientFactory(clinic=clinic, legal_name="Sam Okafor", user=None)
    to_contact = planned(
        clinic, 1, recipient_key=f"contact:{ana.pk}", recipient_contact=ana, patient=patient
    )
    to_person = planned(
        clinic, 2, recipient_key=f"user:{person.pk}", recipient_user=person, patient=patient
    )
    to_staff = planned(
        clinic,
        3,
        recipient_key=f"user:{team_clinician.pk}",
        channel="in_app",
        recipient_user=team_clinician,
        patient=patient,
    )
    to_supporter = planned(
        clinic, 4, recipient_key=f"user:{supporter.pk}", recipient_user=supporter, patient=patient
    )
    to_patient_without_account = planned(
        clinic, 5, recipient_key=f"patient:{no_sign_in.pk}", patient=no_sign_in
    )
    client.force_login(clinic_admin)

    response = client.get(LOG)

    named = recipients(response)
    assert named[to_contact.pk] == "Ana Lopez, supporter of Jordan Rivera"
    assert named[to_person.pk] == "Jordan Rivera, person in recovery"
    assert named[to_staff.pk] == "Chris Alvarez, clinician"
    assert named[to_supporter.pk] == "Pat Rivera, supporter of Jordan Rivera"
    assert named[to_patient_without_account.pk] == (
        "Sam Okafor, person in recovery (no sign-in yet)"
    )
    page = response.content.decode()
    for key in (f"contact:{ana.pk}", f"user:{person.pk}", f"patient:{no_sign_in.pk}"):
        assert key not in page
    assert "Ana Lopez, supporter of Jordan Rivera" in page


def test_a_name_finds_the_recipient(client, clinic, clinic_admin, patient, team_clinician):
    ana = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Ana Lopez",
        relationship=Relationship.SIBLING,
        email="ana@example.org",
    )
    planned(clinic, 1, recipient_key=f"contact:{ana.pk}", recipient_contact=ana, patient=patient)
    planned(clinic, 2, recipient_key=f"user:{team_clinician.pk}", recipient_user=team_clinician)
    client.force_login(clinic_admin)

    assert client.get(LOG, {"recipient": "ana lo"}).context["page"].paginator.count == 1
    assert client.get(LOG, {"recipient": "Alvarez"}).context["page"].paginator.count == 1


@pytest.mark.parametrize("size", [3, 30])
def test_naming_recipients_costs_the_same_queries_for_few_or_many_rows(
    client, clinic, clinic_admin, team_clinician, django_assert_max_num_queries, size
):
    for n in range(size):
        patient = PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic))
        helper = contact_add(
            patient=patient,
            actor=team_clinician,
            name=f"Helper {n}",
            relationship=Relationship.FRIEND,
            email=f"helper{n}@example.org",
        )
        planned(
            clinic,
            2 * n,
            recipient_key=f"contact:{helper.pk}",
            recipient_contact=helper,
            patient=patient,
        )
        planned(
            clinic,
            2 * n + 1,
            recipient_key=f"user:{patient.user_id}",
            recipient_user=patient.user,
            patient=patient,
        )
    client.force_login(clinic_admin)

    # Session, user, memberships, the status counts, the page's count and rows (recipients,
    # contacts, patients and roles joined in), the page's own audit event.
    with django_assert_max_num_queries(10):
        response = client.get(LOG)

    assert len(response.context["entries"]) == min(2 * size, 50)  # a page of 50


def test_an_empty_log_says_what_comes_next(client, clinic, clinic_admin):
    client.force_login(clinic_admin)

    page = client.get(LOG).content.decode()

    assert 'data-testid="empty-state"' in page and reverse("clinic_admin:settings") in page
    filtered = client.get(LOG, {"status": "failed"}).content.decode()
    assert "No messages match these filters" in filtered
