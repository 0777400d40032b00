"""consented_scopes(): active, expired, revoked, superseded, missing; events; paused/removed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.consent import consented_scopes
from networks.models import Consent, ContactStatus
from networks.services import consent_grant, consent_revoke, contact_set_status

pytestmark = pytest.mark.django_db


def grant(contact, person, scopes, **extra):
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def test_no_consent_means_nothing(contact):
    assert consented_scopes(contact) == frozenset()


def test_an_active_consent_grants_exactly_its_scopes(contact, person):
    grant(contact, person, ["milestones", "help_tasks"])

    assert consented_scopes(contact) == {"milestones", "help_tasks"}


def test_revocation_acts_immediately(contact, person):
    consent = grant(contact, person, ["milestones"])

    consent_revoke(consent=consent, actor=person)

    assert consented_scopes(contact) == frozenset()


def test_a_new_consent_supersedes_and_never_edits(contact, person):
    first = grant(contact, person, ["milestones", "coping_plan"])
    second = grant(contact, person, ["appointments"])

    first.refresh_from_db()
    assert first.superseded_by == second and first.scopes == ["coping_plan", "milestones"]
    assert consented_scopes(contact) == {"appointments"}
    with pytest.raises(ValidationError):
        first.purpose = "changed"
        first.save()
    with pytest.raises(TypeError):
        Consent.objects.filter(pk=first.pk).update(scopes=["help_tasks"])


def test_an_expired_consent_grants_nothing(contact, person, patient):
    grant(
        contact,
        person,
        ["milestones"],
        expires_on=patient.local_today() + timedelta(days=3),
        expires_on_event="",
    )

    assert consented_scopes(contact) == {"milestones"}
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert consented_scopes(contact) == frozenset()


def test_discharge_ends_a_consent_that_ends_at_discharge(contact, person, patient):
    grant(contact, person, ["milestones"])

    patient.status = "discharged"
    patient.save()

    assert consented_scopes(contact) == frozenset()


def test_paused_and_removed_contacts_see_nothing(contact, person, team_clinician):
    grant(contact, person, ["milestones"])

    contact_set_status(contact=contact, status=ContactStatus.PAUSED, actor=team_clinician)
    assert consented_scopes(contact) == frozenset()
    contact_set_status(contact=contact, status=ContactStatus.ACTIVE, actor=team_clinician)
    assert consented_scopes(contact) == {"milestones"}
    contact_set_status(contact=contact, status=ContactStatus.REMOVED, actor=team_clinician)
    assert consented_scopes(contact) == frozenset()
    assert contact.consents.get().revoked_at is not None


def test_a_consent_at_a_past_instant(contact, person):
    before = timezone.now()
    consent = grant(contact, person, ["milestones"])
    consent_revoke(consent=consent, actor=person)

    assert consented_scopes(contact, at=before - timedelta(seconds=1)) == frozenset()
    assert consented_scopes(contact, at=consent.signed_at + timedelta(microseconds=1)) == {
        "milestones"
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["diagnosis"]}, "scopes"),
        ({"purpose": " "}, "purpose"),
        ({"signed_name": ""}, "signed_name"),
        ({"expires_on_event": ""}, "expires_on"),
        ({"signature_method": "fax"}, "signature_method"),
    ],
)
def test_bad_consent_input_saves_nothing(contact, person, changes, field):
    data = {"scopes": ["milestones"]} | changes
    scopes = data.pop("scopes")

    with pytest.raises(ValidationError) as error:
        grant(contact, person, scopes, **data)

    assert field in error.value.message_dict
    assert not Consent.objects.exists()


def test_only_the_patient_signs_in_the_app_and_paper_needs_the_form(contact, team_clinician):
    with pytest.raises(ValidationError) as error:
        grant(contact, team_clinician, ["milestones"])
    assert "signature_method" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        grant(contact, team_clinician, ["milestones"], signature_method="paper")
    assert "paper_form" in error.value.message_dict

    paper = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed", "application/pdf")
    consent = grant(
        contact, team_clinician, ["milestones"], signature_method="paper", paper_form=paper
    )

    assert consent.paper_form.name.endswith(".pdf")
    assert consented_scopes(contact) == {"milestones"}


def test_many_contacts_at_once_agree_with_one_at_a_time(
    patient, person, team_clinician, django_assert_num_queries
):
    """consented_scopes_of() (one query, for a planner tick) gives each contact exactly what
    consented_scopes() gives it, whatever the patient's zone (the local day an expiry date is
    read in) or status (discharge ends some consents), also with both mixed in one call."""
    from copy import copy
    from datetime import UTC, datetime, time

    from networks.consent import consented_scopes_of
    from networks.services import contact_add

    today = patient.local_today()
    people = {}
    for name in ("none", "active", "revoked", "superseded", "ends_soon", "at_discharge", "paused"):
        people[name] = contact_add(
            patient=patient,
            actor=team_clinician,
            name=name.title(),
            relationship="friend",
            email=f"{name}@example.org",
        )
        people[name].status = ContactStatus.ACTIVE
        people[name].save()
    grant(
        people["active"],
        person,
        ["milestones", "help_tasks"],
        expires_on_event="",
        expires_on=today + timedelta(days=30),
    )
    consent_revoke(consent=grant(people["revoked"], person, ["milestones"]), actor=person)
    grant(people["superseded"], person, ["coping_plan"])
    grant(people["superseded"], person, ["appointments"])
    grant(
        people["ends_soon"],
        person,
        ["checkin_summary"],
        expires_on_event="",
        expires_on=today + timedelta(days=1),
    )
    grant(people["at_discharge"], person, ["milestones"])
    grant(people["paused"], person, ["milestones"])
    contact_set_status(contact=people["paused"], status=ContactStatus.PAUSED, actor=team_clinician)

    in_tokyo, discharged = copy(patient), copy(patient)
    in_tokyo.time_zone = "Asia/Tokyo"
    discharged.status = "discharged"
    variants = [patient, in_tokyo, discharged]
    # Instants around the end of "ends_soon": 20:00 UTC on its last day is already the next
    # day in Tokyo, not in New York.
    last_day = today + timedelta(days=1)
    instants = [
        timezone.now() - timedelta(days=1),
        timezone.now(),
        datetime.combine(last_day, time(12), tzinfo=UTC),
        datetime.combine(last_day, time(20), tzinfo=UTC),
        datetime.combine(last_day + timedelta(days=1), time(12), tzinfo=UTC),
    ]

    seen = set()
    for at in instants:
        groupings = [[variant] * len(people) for variant in variants]
        groupings.append([variants[i % 3] for i in range(len(people))])  # mixed in one call
        for grouping in groupings:
            contacts = []
            for contact, its_patient in zip(people.values(), grouping, strict=True):
                contact = copy(contact)
                contact.patient = its_patient
                contacts.append(contact)
            with django_assert_num_queries(1):
                many = consented_scopes_of(contacts, at)
            for contact in contacts:
                one = consented_scopes(contact, at)
                assert many[contact.pk] == one, (contact.name, contact.patient.time_zone, at)
                seen.add((contact.name, one))
    # The cases differ: the matrix is not all-empty or all-alike.
    assert ("Active", frozenset({"milestones", "help_tasks"})) in seen
    assert ("Ends_Soon", frozenset({"checkin_summary"})) in seen
    assert ("Ends_Soon", frozenset()) in seen
    assert ("At_Discharge", frozenset()) in seen
    assert ("At_Discharge", frozenset({"milestones"})) in seen
    assert ("Superseded", frozenset({"appointments"})) in seen
    assert {one for name, one in seen if name in ("None", "Revoked", "Paused")} == {frozenset()}
