"""consented_scopes(): active, expired, revoked, superseded, missing; events; paused/removed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.consent import consented_scopes
from networks.models import Consent, ContactStatus, Scope
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
    grant(contact, person, [Scope.MILESTONES, Scope.HELP_TASKS])

    assert consented_scopes(contact) == {Scope.MILESTONES, Scope.HELP_TASKS}


def test_revocation_acts_immediately(contact, person):
    consent = grant(contact, person, [Scope.MILESTONES])

    consent_revoke(consent=consent, actor=person)

    assert consented_scopes(contact) == frozenset()


def test_a_new_consent_supersedes_and_never_edits(contact, person):
    first = grant(contact, person, [Scope.MILESTONES, Scope.COPING_PLAN])
    second = grant(contact, person, [Scope.APPOINTMENTS])

    first.refresh_from_db()
    assert first.superseded_by == second and first.scopes == [
        "coping_plan",
        "milestones",
    ]  # the stored value
    assert consented_scopes(contact) == {Scope.APPOINTMENTS}
    with pytest.raises(ValidationError):
        first.purpose = "changed"
        first.save()
    with pytest.raises(TypeError):
        Consent.objects.filter(pk=first.pk).update(scopes=[Scope.HELP_TASKS])


def test_an_expired_consent_grants_nothing(contact, person, patient):
    grant(
        contact,
        person,
        [Scope.MILESTONES],
        expires_on=patient.local_today() + timedelta(days=3),
        expires_on_event="",
    )

    assert consented_scopes(contact) == {Scope.MILESTONES}
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert consented_scopes(contact) == frozenset()


def test_discharge_ends_a_consent_that_ends_at_discharge(contact, person, patient):
    grant(contact, person, [Scope.MILESTONES])

    patient.status = "discharged"
    patient.save()

    assert consented_scopes(contact) == frozenset()


def test_paused_and_removed_contacts_see_nothing(contact, person, team_clinician):
    grant(contact, person, [Scope.MILESTONES])

    contact_set_status(contact=contact, status=ContactStatus.PAUSED, actor=team_clinician)
    assert consented_scopes(contact) == frozenset()
    contact_set_status(contact=contact, status=ContactStatus.ACTIVE, actor=team_clinician)
    assert consented_scopes(contact) == {Scope.MILESTONES}
    contact_set_status(contact=contact, status=ContactStatus.REMOVED, actor=team_clinician)
    assert consented_scopes(contact) == frozenset()
    assert contact.consents.get().revoked_at is not None


def test_a_consent_at_a_past_instant(contact, person):
    before = timezone.now()
    consent = grant(contact, person, [Scope.MILESTONES])
    consent_revoke(consent=consent, actor=person)

    assert consented_scopes(contact, at=before - timedelta(seconds=1)) == frozenset()
    assert consented_scopes(contact, at=consent.signed_at + timedelta(microseconds=1)) == {
        Scope.MILESTONES
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
    data = {"scopes": [Scope.MILESTONES]} | changes
    scopes = data.pop("scopes")

    with pytest.raises(ValidationError) as error:
        grant(contact, person, scopes, **data)

    assert field in error.value.message_dict
    assert not Consent.objects.exists()


def test_only_the_patient_signs_in_the_app_and_paper_needs_the_form(contact, team_clinician):
    with pytest.raises(ValidationError) as error:
        grant(contact, team_clinician, [Scope.MILESTONES])
    assert "signature_method" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        grant(contact, team_clinician, [Scope.MILESTONES], signature_method="paper")
    assert "paper_form" in error.value.message_dict

    paper = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed", "application/pdf")
    consent = grant(
        contact, team_clinician, [Scope.MILESTONES], signature_method="paper", paper_form=paper
    )

    assert consent.paper_form.name.endswith(".pdf")
    assert consented_scopes(contact) == {Scope.MILESTONES}


def test_the_one_rule_over_every_case(patient, person, team_clinician, django_assert_num_queries):
    """The consent rule (Consent.objects.in_force, through consented_scopes_of in one query
    and consented_scopes for one contact) over a matrix: each kind of consent, the patient's
    zone (the local day an expiry date is read in) and status (discharge ends some consents),
    and instants around an end date, also with all of them mixed in one call."""
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
    before_signing = timezone.now() - timedelta(days=1)
    grant(
        people["active"],
        person,
        [Scope.MILESTONES, Scope.HELP_TASKS],
        expires_on_event="",
        expires_on=today + timedelta(days=30),
    )
    consent_revoke(consent=grant(people["revoked"], person, [Scope.MILESTONES]), actor=person)
    grant(people["superseded"], person, [Scope.COPING_PLAN])
    grant(people["superseded"], person, [Scope.APPOINTMENTS])
    grant(
        people["ends_soon"],
        person,
        [Scope.CHECKIN_SUMMARY],
        expires_on_event="",
        expires_on=today + timedelta(days=1),
    )
    grant(people["at_discharge"], person, [Scope.MILESTONES])
    grant(people["paused"], person, [Scope.MILESTONES])
    contact_set_status(contact=people["paused"], status=ContactStatus.PAUSED, actor=team_clinician)

    in_tokyo, discharged = copy(patient), copy(patient)
    in_tokyo.time_zone = "Asia/Tokyo"
    discharged.status = "discharged"
    variants = {"new_york": patient, "tokyo": in_tokyo, "discharged": discharged}
    # Instants around the end of "ends_soon": 20:00 UTC on its last day is already the next
    # day in Tokyo, not in New York.
    last_day = today + timedelta(days=1)
    instants = {
        "before": before_signing,
        "now": timezone.now(),
        "last_noon": datetime.combine(last_day, time(12), tzinfo=UTC),
        "last_evening": datetime.combine(last_day, time(20), tzinfo=UTC),
        "after": datetime.combine(last_day + timedelta(days=1), time(12), tzinfo=UTC),
    }
    shared = frozenset({Scope.MILESTONES, Scope.HELP_TASKS})

    def expected(name: str, variant: str, when: str) -> frozenset:
        """The matrix, written out: what each contact may see."""
        if when == "before":
            return frozenset()  # nothing was signed yet
        ended = variant == "discharged"
        if name == "active":  # a date a month away, no event
            return shared
        if name == "superseded":  # the newer version only, until discharge
            return frozenset() if ended else frozenset({Scope.APPOINTMENTS})
        if name == "at_discharge":
            return frozenset() if ended else frozenset({Scope.MILESTONES})
        if name == "ends_soon":  # in force through its last day, in the patient's zone
            over = when == "after" or (when == "last_evening" and variant == "tokyo")
            return frozenset() if over else frozenset({Scope.CHECKIN_SUMMARY})
        return frozenset()  # none, revoked, paused

    names = list(people)
    for when, at in instants.items():
        groupings = [[variant] * len(people) for variant in variants]
        groupings.append([list(variants)[i % 3] for i in range(len(people))])  # mixed
        for grouping in groupings:
            contacts = []
            for name, variant in zip(names, grouping, strict=True):
                contact = copy(people[name])
                contact.patient = variants[variant]
                contacts.append(contact)
            with django_assert_num_queries(1):
                many = consented_scopes_of(contacts, at)
            for name, variant, contact in zip(names, grouping, contacts, strict=True):
                want = expected(name, variant, when)
                assert many[contact.pk] == want, (name, variant, when)
                assert consented_scopes(contact, at) == want, (name, variant, when)
