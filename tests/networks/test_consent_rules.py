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


def test_the_one_rule_over_every_case(
    clinic, patient, person, team_clinician, django_assert_num_queries
):
    """The consent rule (networks.models.in_force_rule) over a matrix: seven kinds of consent,
    the patient's zone (the local day an expiry date is read in) and status (discharge ends
    some consents), and six instants (before signing, while every first version is in force,
    now, and around an end date), through each of the rule's paths, one query each:

    - contacts=: consented_scopes_of for many contacts (also with zones and statuses mixed in
      one call) and consented_scopes for one;
    - patients=: Consent.objects.in_force(at, patients=[patient]), as the services ask
      whether a consent can still be changed;
    - with_in_force(): the per-consent `in_force` flag the network page (patients=) and the
      API's consent state (contacts=) read;
    - everyone_on=day: the clinic-wide report (consents_in_force_now), travelled to each
      instant.

    `held` is the rule's answer (the scopes of a contact's consents in force); `expected` is
    what the contact may see: the same, except that a paused contact sees nothing while its
    consent stays in force (whether a contact is active is consented_scopes's concern, not
    the rule's; the report counts only active contacts' consents).

    Intended difference: the report reads every end date against the clinic's today (here
    America/New_York) instead of each patient's, and discharge from the stored status. So
    for a patient in Tokyo, a consent ending on a day stays counted until the clinic's
    midnight: at "last_evening" the report still counts "ends_soon", which the patient's own
    paths have ended. That is the only case where the report differs from the table."""
    from copy import copy
    from datetime import UTC, datetime, time

    from networks.consent import consented_scopes_of
    from networks.services import contact_add
    from patients.models import Patient
    from reports.definitions.network import consents_in_force_now
    from reports.filters import clinic_today

    today = patient.local_today()
    signing = timezone.now() - timedelta(minutes=2)
    people = {}
    with time_machine.travel(signing, tick=False):  # every first version, in force at once
        for name in (
            "none",
            "active",
            "revoked",
            "superseded",
            "ends_soon",
            "at_discharge",
            "paused",
        ):
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
            [Scope.MILESTONES, Scope.HELP_TASKS],
            expires_on_event="",
            expires_on=today + timedelta(days=30),
        )
        revoked = grant(people["revoked"], person, [Scope.MILESTONES])
        grant(people["superseded"], person, [Scope.COPING_PLAN])
        grant(
            people["ends_soon"],
            person,
            [Scope.CHECKIN_SUMMARY],
            expires_on_event="",
            expires_on=today + timedelta(days=1),
        )
        grant(people["at_discharge"], person, [Scope.MILESTONES])
        grant(people["paused"], person, [Scope.MILESTONES])
    consent_revoke(consent=revoked, actor=person)
    grant(people["superseded"], person, [Scope.APPOINTMENTS])
    contact_set_status(contact=people["paused"], status=ContactStatus.PAUSED, actor=team_clinician)
    consents = Consent.objects.filter(patient=patient)
    assert consents.count() == 7

    in_tokyo, discharged = copy(patient), copy(patient)
    in_tokyo.time_zone = "Asia/Tokyo"
    discharged.status = "discharged"
    variants = {"new_york": patient, "tokyo": in_tokyo, "discharged": discharged}
    # Instants around the end of "ends_soon": 20:00 UTC on its last day is already the next
    # day in Tokyo, not in New York.
    last_day = today + timedelta(days=1)
    instants = {
        "before": signing - timedelta(days=1),
        "signed": signing + timedelta(minutes=1),  # before the revocation and the new version
        "now": timezone.now(),
        "last_noon": datetime.combine(last_day, time(12), tzinfo=UTC),
        "last_evening": datetime.combine(last_day, time(20), tzinfo=UTC),
        "after": datetime.combine(last_day + timedelta(days=1), time(12), tzinfo=UTC),
    }
    shared = frozenset({Scope.MILESTONES, Scope.HELP_TASKS})

    def held(name: str, variant: str, when: str) -> frozenset:
        """The matrix, written out: the scopes of each contact's consents in force."""
        if when == "before" or name == "none":
            return frozenset()  # nothing signed yet, or ever
        if name == "active":  # a date a month away, no event
            return shared
        if name == "ends_soon":  # in force through its last day, in the patient's zone
            over = when == "after" or (when == "last_evening" and variant == "tokyo")
            return frozenset() if over else frozenset({Scope.CHECKIN_SUMMARY})
        if variant == "discharged":  # every other consent ends at discharge
            return frozenset()
        if name == "revoked":  # revoked right after "signed"
            return frozenset({Scope.MILESTONES}) if when == "signed" else frozenset()
        if name == "superseded":  # the first version, then only the newer one
            return frozenset({Scope.COPING_PLAN if when == "signed" else Scope.APPOINTMENTS})
        return frozenset({Scope.MILESTONES})  # at_discharge, paused

    def expected(name: str, variant: str, when: str) -> frozenset:
        """What each contact may see: a paused contact nothing, though its consent holds."""
        return frozenset() if name == "paused" else held(name, variant, when)

    def by_contact(rows) -> dict[int, frozenset]:
        """{contact id: the scopes of these (contact id, scopes) rows}, for every contact."""
        found = {contact.pk: set() for contact in people.values()}
        for contact_id, scopes in rows:
            found[contact_id].update(scopes)
        return {pk: frozenset(scopes) for pk, scopes in found.items()}

    def flagged(queryset) -> tuple[int, dict[int, frozenset]]:
        """How many consents with_in_force() read, and the scopes of those it flags."""
        rows = list(queryset.values_list("contact_id", "scopes", "in_force"))
        return len(rows), by_contact((pk, scopes) for pk, scopes, in_force in rows if in_force)

    names = list(people)
    for when, at in instants.items():
        for variant, as_patient in variants.items():
            with django_assert_num_queries(1):  # the services: can this consent change?
                rows = Consent.objects.in_force(at, patients=[as_patient])
                by_rule = by_contact(rows.values_list("contact_id", "scopes"))
            with django_assert_num_queries(1):  # the network page
                read, on_page = flagged(consents.with_in_force(at, patients=[as_patient]))
            assert read == 7  # every consent, each with its flag
            for name in names:
                want = held(name, variant, when)
                assert by_rule[people[name].pk] == want, ("patients=", name, variant, when)
                assert on_page[people[name].pk] == want, ("page", name, variant, when)
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
            with django_assert_num_queries(1):  # the API's consent state
                read, in_api = flagged(consents.with_in_force(at, contacts=contacts))
            assert read == 7
            for name, variant, contact in zip(names, grouping, contacts, strict=True):
                want = expected(name, variant, when)
                assert many[contact.pk] == want, (name, variant, when)
                assert consented_scopes(contact, at) == want, (name, variant, when)
                assert in_api[contact.pk] == held(name, variant, when), ("api", name, variant, when)

    # The clinic-wide report reads the stored patient: store each variant in turn.
    stored = {
        "new_york": {},
        "tokyo": {"time_zone": "Asia/Tokyo"},
        "discharged": {"status": "discharged"},
    }
    differs = set()
    for variant, fields in stored.items():
        as_before = {"time_zone": patient.time_zone, "status": patient.status}
        Patient.objects.filter(pk=patient.pk).update(**(as_before | fields))
        for when, at in instants.items():
            with time_machine.travel(at, tick=False), django_assert_num_queries(1):
                rows = consents_in_force_now(clinic, clinic_today(clinic))
                counted = by_contact(rows.values_list("contact_id", "scopes"))
            # Dates read in the clinic's day: as for a patient in the clinic's zone.
            as_in_clinic = "discharged" if variant == "discharged" else "new_york"
            for name in names:
                seen = counted[people[name].pk]
                if seen != expected(name, variant, when):
                    differs.add((name, variant, when))
                assert seen == expected(name, as_in_clinic, when), ("report", name, variant, when)
    assert differs == {("ends_soon", "tokyo", "last_evening")}
