"""The audit trail names what each event is about and who acted, in words: never a model label
and a key ("networks.SupportContact 119"), never "The system" for a person who opened a link."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from networks.models import Relationship
from networks.services import contact_add, invitation_send, invitation_token
from tests.engagement.conftest import grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(patient, team_clinician):
    return contact_add(
        patient=patient,
        actor=team_clinician,
        name="Ana Lopez",
        relationship=Relationship.SIBLING,
        email="ana@example.org",
    )


def records_on_the_page(response) -> list[str]:
    return [record for *_, record in response.context["rows"]]


def test_targets_are_named_in_words_on_the_page_and_in_the_csv(
    admin_signed_in, clinic, patient, team_clinician, ana
):
    invitation_send(contact=ana, actor=team_clinician)
    grant(ana, ["milestones"])

    response = admin_signed_in.get(reverse("audit:trail"))

    records = records_on_the_page(response)
    assert "Support contact: Ana Lopez (Sibling)" in records
    assert "Invitation to Ana Lopez" in records
    assert "Consent for Ana Lopez" in records
    page = response.content.decode()
    assert "networks.SupportContact" not in page and "networks.Invitation" not in page
    assert f"SupportContact {ana.pk}" not in page

    body = b"".join(admin_signed_in.get(reverse("audit:trail_csv")).streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[-1] == "Record"
    exported = {row[-1] for row in rows}
    assert {
        "Support contact: Ana Lopez (Sibling)",
        "Invitation to Ana Lopez",
        "Consent for Ana Lopez",
    } <= exported


def test_a_record_that_no_longer_exists_is_named_by_its_kind(admin_signed_in, clinic):
    audit_record(
        action=Action.DELETE,
        actor=member(Role.CLINICIAN, clinic),
        clinic=clinic,
        details={"why": "test"},
    )
    AuditEvent.objects.create(
        action=Action.DELETE, clinic=clinic, object_type="patients.Appointment", object_id="987654"
    )

    records = records_on_the_page(admin_signed_in.get(reverse("audit:trail")))

    assert "Appointment (no longer exists)" in records


def test_an_invitation_opened_without_signing_in_is_attributed_to_the_invitee(
    admin_signed_in, client, clinic, team_clinician, ana
):
    invitation = invitation_send(contact=ana, actor=team_clinician)
    visitor = client.__class__()  # not signed in: the invitee, from the email

    assert (
        visitor.get(reverse("networks:invitation", args=[invitation_token(invitation)])).status_code
        == 200
    )

    opened = AuditEvent.objects.get(action=Action.VIEW, object_id=str(invitation.pk))
    response = admin_signed_in.get(reverse("audit:trail"))
    who = {event.pk: who for event, who, *_ in response.context["rows"]}
    assert who[opened.pk] == "Invitee: Ana Lopez"
    assert "The system" not in response.content.decode()


def test_a_supporter_who_used_a_link_is_named(admin_signed_in, clinic, patient, ana):
    event = audit_record(
        action=Action.VIEW,
        clinic=clinic,
        patient=patient,
        target=patient,
        details={"via": "link", "contact": ana.pk},
    )

    response = admin_signed_in.get(reverse("audit:trail"))

    who = {row[0].pk: row[1] for row in response.context["rows"]}
    assert who[event.pk] == "Ana Lopez (Sibling), through a link in a message"


@pytest.mark.parametrize("people", [2, 12])
def test_naming_the_targets_costs_the_same_queries_for_few_or_many_rows(
    admin_signed_in, django_assert_max_num_queries, clinic, team_clinician, people
):
    for number in range(people):
        patient = PatientFactory(clinic=clinic)
        contact = contact_add(
            patient=patient,
            actor=team_clinician,
            name=f"Helper {number}",
            relationship=Relationship.FRIEND,
            email=f"helper{number}@example.org",
        )
        invitation_send(contact=contact, actor=team_clinician)
        audit_record(
            action=Action.VIEW, actor=team_clinician, clinic=clinic, target=patient, patient=patient
        )

    # Nine today: the trail's own reads (tests/audit/test_trail.py) and one query per kind of
    # record on the page (contacts, invitations with their contact, patients); 12 rows of each
    # would cost 36 more if each were named by its own query.
    with django_assert_max_num_queries(11):
        response = admin_signed_in.get(reverse("audit:trail"))

    records = records_on_the_page(response)
    assert f"Support contact: Helper {people - 1} (Friend)" in records
    assert f"Invitation to Helper {people - 1}" in records
