"""The supporter's pages: exactly the consented sections, never anything clinical; personas;
query budgets."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.access import SESSION_KEY
from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.services import assessment_submit, checkin_submit, plan_save
from networks.consent import consented_scopes, contacts_sharing_now
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpStatus,
    HelpTask,
    ReachOut,
    Relationship,
    SupportContact,
)
from networks.services import (
    consent_grant,
    consent_revoke,
    contact_add,
    contact_set_status,
    encouragement_send,
    help_task_create,
    reach_out_log,
)
from patients.models import Appointment
from patients.services import appointment_create, note_create
from tests.factories import MembershipFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

SCOPES = ["milestones", "checkin_summary", "coping_plan", "appointments", "help_tasks"]
STATES = ["active", "expired", "revoked", "superseded", "missing"]

CLINICAL_NOTE = "Discussed a change of medication and the family conflict at length"
CHECKIN_NOTE = "Argued with my brother and nearly went to the bar"
PRIVATE_SIGN = "Stops answering messages from the care team"
PLAYBOOK = "Sit with me and take a walk; please do not lecture"
# What only a section's own scope may show: its heading and its distinctive content.
SECTION_CONTENT = {
    "milestones": ["Milestones coming up", "Time to celebrate"],
    "checkin_summary": ["How this week is going", "Could use extra support"],
    "coping_plan": [
        "Skipping meals and staying in bed",
        "Evening walk by the river",
        PLAYBOOK,
        "Call Pat first",
    ],
    "appointments": ["Sessions you are invited to", "Family session with Pat"],
    "help_tasks": ["How you can help this week", "Ride to the Thursday group"],
}
# Words and values of what a supporter never sees: notes, measures, answers, scores, alerts.
NEVER_SHOWN = [
    CLINICAL_NOTE,
    CHECKIN_NOTE,
    PRIVATE_SIGN,
    "PHQ",
    "score",
    "Score",
    "mood",
    "Mood",
    "craving",
    "Craving",
    "stress",
    "Stress",
    "moderately",
    "Moderately",
    "severe",
    "of 10",
    "4.5",
    "intensity",
    "diagnos",
    "Diagnos",
    "self-harm",
    "item 9",
    "in the check-in of",
]


def grant(contact, person, scopes, **extra):
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def page_of(client, patient) -> str:
    response = client.get(reverse("networks:supporter_patient", args=[patient.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seeded(patient, person, team_clinician, contact):
    """A patient with something in every section and clinical records a supporter never sees."""
    today = patient.local_today()
    patient.recovery_start = today - timedelta(days=57)  # 60 days in three days' time
    patient.save()
    contact.playbook_step = PLAYBOOK
    contact.save()
    plan_save(
        patient=patient,
        actor=person,
        content={
            "warning_signs": [
                {"text": "Skipping meals and staying in bed", "shareable": True},
                {"text": PRIVATE_SIGN, "shareable": False},
            ],
            "strategies": [
                {
                    "category": "physical_activity",
                    "text": "Evening walk by the river",
                    "shareable": True,
                }
            ],
            "triggers": [
                {
                    "category": "places",
                    "description": "Walking past the old bar",
                    "intensity": 4,
                    "how_i_manage": "Take the long way",
                    "shareable": True,
                }
            ],
            "crisis_plan": {
                "steps": ["Call Pat first"],
                "people": [],
                "include_988": True,
                "shareable": True,
            },
        },
    )
    now = timezone.now()
    for days_ago, (mood, craving, stress) in enumerate([(2, 9, 8), (3, 7, 7), (6, 3, 4)]):
        checkin_submit(
            patient=patient,
            actor=person,
            mood=mood,
            craving=craving,
            stress=stress,
            sleep_hours="4.5",
            note=CHECKIN_NOTE,
            at=now - timedelta(days=days_ago),
        )
    assessment_submit(patient=patient, instrument="phq9", answers=[2] * 9, actor=person)
    note_create(patient=patient, author=team_clinician, body=CLINICAL_NOTE)
    appointment = appointment_create(
        patient=patient,
        kind="family_therapy",
        title="Family session with Pat",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        actor=team_clinician,
    )
    appointment.network_attendees.add(contact)
    help_task_create(
        patient=patient, actor=team_clinician, kind="ride", title="Ride to the Thursday group"
    )
    return patient


def set_consent(state, scope, contact, person, patient):
    """Put the contact's consent for `scope` in `state`; returns the scopes then in force."""
    if state == "missing":
        return set()
    if state == "expired":
        grant(
            contact,
            person,
            [scope],
            expires_on=patient.local_today() + timedelta(days=3),
            expires_on_event="",
        )
        return set()
    consent = grant(contact, person, [scope])
    if state == "active":
        return {scope}
    if state == "revoked":
        consent_revoke(consent=consent, actor=person)
        return set()
    other = SCOPES[(SCOPES.index(scope) + 1) % len(SCOPES)]
    grant(contact, person, [other])  # superseded by a consent without `scope`
    return {other}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("scope", SCOPES)
def test_consent_matrix_shows_exactly_the_granted_sections(
    client, seeded, contact, person, supporter, scope, state
):
    expected = set_consent(state, scope, contact, person, seeded)

    later = timezone.now() + timedelta(days=5 if state == "expired" else 0)
    with time_machine.travel(later, tick=False):
        client.force_login(supporter)  # sessions are short; sign in on the day of the visit
        assert consented_scopes(contact) == expected
        html = page_of(client, seeded)

    for section in SCOPES:
        assert (f'data-testid="section-{section}"' in html) == (section in expected), section
        for text in SECTION_CONTENT[section]:
            assert (text in html) == (section in expected), (section, text)
    for text in NEVER_SHOWN:
        assert text not in html, text
    assert 'data-testid="redisclosure"' in html
    if expected:
        assert 'data-testid="encouragement"' in html and 'data-testid="reach-outs"' in html
    else:
        assert "Jordan has invited you to their support network" in html
        assert 'data-testid="encouragement"' not in html
        assert 'data-testid="reach-outs"' not in html


def test_everything_shared_still_shows_nothing_clinical(client, seeded, contact, person, supporter):
    grant(contact, person, SCOPES)
    client.force_login(supporter)

    pages = [
        page_of(client, seeded),
        client.get(reverse("networks:supporter_home")).content.decode(),
    ]

    html = pages[0]
    for section in SCOPES:
        assert f'data-testid="section-{section}"' in html
    assert 'data-testid="celebrate"' in html and "60 days" in html
    assert "Take the long way" in html  # a shared trigger, without its intensity
    for page in pages:
        for text in NEVER_SHOWN:
            assert text not in page, text
        assert page.rstrip().count('data-testid="redisclosure"') == 1
        assert "Rivera" not in page.split('id="main-content"')[1]  # first name only


def test_the_weekly_summary_is_words_and_an_arrow_for_screen_readers(
    client, seeded, contact, person, supporter
):
    grant(contact, person, ["checkin_summary"])
    client.force_login(supporter)

    html = page_of(client, seeded)

    assert '<span aria-hidden="true">↘</span>' in html
    assert '<span class="visually-hidden">Trend: going down.</span>' in html
    assert "This week has been harder. A little extra support would help." in html


def test_the_page_writes_a_view_audit_event(client, patient, contact, person, supporter):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)

    page_of(client, patient)

    event = AuditEvent.objects.filter(action=Action.VIEW, actor=supporter).get()
    assert event.patient_id == patient.pk and event.clinic_id == patient.clinic_id
    assert (event.object_type, event.object_id) == ("networks.SupportContact", str(contact.pk))


def test_a_revocation_applies_on_the_very_next_request(client, patient, contact, person, supporter):
    consent = grant(contact, person, ["milestones"])
    client.force_login(supporter)
    assert 'data-testid="section-milestones"' in page_of(client, patient)

    consent_revoke(consent=consent, actor=person)

    assert 'data-testid="section-milestones"' not in page_of(client, patient)


# --- Supporter home ---------------------------------------------------------------------------


def test_home_links_to_a_sharing_patient_and_only_names_an_inviting_one(
    client, clinic, patient, contact, person, supporter, team_clinician
):
    grant(contact, person, ["milestones"])
    quiet = PatientFactory(clinic=clinic, legal_name="Morgan Lee")
    SupportContact.objects.create(
        patient=quiet,
        name="Pat Rivera",
        relationship="friend",
        status=ContactStatus.ACTIVE,
        user=supporter,
    )
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_home")).content.decode()

    assert reverse("networks:supporter_patient", args=[patient.pk]) in html
    assert "Morgan has invited you to their support network" in html
    assert reverse("networks:supporter_patient", args=[quiet.pk]) not in html
    assert "Lee" not in html and "Rivera" not in html.split('id="main-content"')[1]
    assert 'data-testid="redisclosure"' in html


def test_home_decides_like_consented_scopes(clinic, patient, contact, person, supporter):
    """The home asks every contact at once; the answer must be consented_scopes()'s."""
    others = []
    for state in STATES:
        other = PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic))
        row = contact_add(
            patient=other,
            actor=other.user,
            name="Pat",
            relationship="friend",
            email="pat@example.org",
        )
        SupportContact.objects.filter(pk=row.pk).update(user=supporter, status="active")
        row.refresh_from_db()
        set_consent(state, "milestones", row, other.user, other)
        others.append(row)
    paused = others[0]
    contact_set_status(contact=paused, status=ContactStatus.PAUSED, actor=paused.patient.user)
    contacts = [*others, contact]

    for travel in (0, 5):
        at = timezone.now() + timedelta(days=travel)
        assert contacts_sharing_now(contacts, at) == {
            c.pk for c in contacts if consented_scopes(c, at)
        }


# --- Personas ---------------------------------------------------------------------------------


def test_another_supporter_of_the_same_patient_sees_only_their_own_step_and_log(
    client, clinic, patient, contact, person, supporter, team_clinician
):
    sibling = member(Role.SUPPORTER, clinic, full_name="Sam Rivera")
    theirs = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Rivera",
        relationship=Relationship.SIBLING,
        email="sam@example.org",
        playbook_step="Text me a silly photo",
    )
    SupportContact.objects.filter(pk=theirs.pk).update(user=sibling, status="active")
    theirs.refresh_from_db()
    contact.playbook_step = PLAYBOOK
    contact.save()
    for row in (contact, theirs):
        grant(row, person, ["coping_plan"])
    today = patient.local_today()
    reach_out_log(contact=contact, channel="call", happened_on=today, note="Pat called on Sunday")
    reach_out_log(contact=theirs, channel="visit", happened_on=today, note="Sam came for lunch")

    client.force_login(sibling)
    html = page_of(client, patient)

    assert "Text me a silly photo" in html and "Sam came for lunch" in html
    assert PLAYBOOK not in html and "Pat called on Sunday" not in html


def test_a_supporter_of_another_patient_gets_404(client, clinic, patient, contact):
    stranger = member(Role.SUPPORTER, clinic)
    other = PatientFactory(clinic=clinic)
    SupportContact.objects.create(
        patient=other, name="X", relationship="friend", status=ContactStatus.ACTIVE, user=stranger
    )
    task = HelpTask.objects.create(patient=patient, kind="ride", title="Ride")
    client.force_login(stranger)

    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 404
    claim = reverse("networks:task_claim", args=[patient.pk, task.pk])
    assert client.post(claim).status_code == 404
    # Their own patient's id with somebody else's task: still 404.
    assert client.post(reverse("networks:task_claim", args=[other.pk, task.pk])).status_code == 404
    send = reverse("networks:encouragement_send", args=[patient.pk])
    assert client.post(send, {"message": "hi"}).status_code == 404
    assert not Encouragement.objects.exists()


def test_another_clinic_gets_404(client, clinic, other_clinic, patient, contact, person, supporter):
    grant(contact, person, ["milestones"])
    MembershipFactory(user=supporter, organization=other_clinic, role=Role.SUPPORTER)
    client.force_login(supporter)
    session = client.session
    session[SESSION_KEY] = other_clinic.pk
    session.save()

    # Acting in the other clinic, this clinic's patient does not exist.
    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 404
    assert (
        reverse("networks:supporter_patient", args=[patient.pk])
        not in client.get(reverse("networks:supporter_home")).content.decode()
    )

    outsider = member(Role.SUPPORTER, other_clinic)
    client.force_login(outsider)
    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 404


def test_a_removed_contact_gets_404(client, patient, contact, person, supporter, team_clinician):
    grant(contact, person, ["milestones", "help_tasks"])
    contact_set_status(contact=contact, status=ContactStatus.REMOVED, actor=team_clinician)
    client.force_login(supporter)

    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 404
    home = client.get(reverse("networks:supporter_home")).content.decode()
    assert "Jordan" not in home


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.ADMIN])
def test_other_roles_get_404(client, clinic, patient, contact, role):
    client.force_login(member(role, clinic))

    assert client.get(reverse("networks:supporter_home")).status_code == 404
    assert client.get(reverse("networks:supporter_patient", args=[patient.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, patient):
    response = client.get(reverse("networks:supporter_patient", args=[patient.pk]))

    assert response.status_code == 302 and reverse("account_login") in response.url


# --- Encouragement and reach-outs -------------------------------------------------------------


def test_encouragement_is_sent_and_the_patient_sees_it_with_a_first_name(
    client, patient, contact, person, supporter
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)

    response = client.post(
        reverse("networks:encouragement_send", args=[patient.pk]),
        {"message": "  Proud of you, every single day.  "},
    )

    assert response.status_code == 302
    assert Encouragement.objects.get().message == "Proud of you, every single day."
    client.force_login(person)
    home = client.get(reverse("patients:patient_home")).content.decode()
    assert "Proud of you, every single day." in home
    assert "Pat," in home and "Pat Rivera" not in home


def test_the_patient_home_shows_the_latest_five_and_not_hidden_ones(
    client, patient, contact, person, supporter, team_clinician
):
    from networks.services import encouragement_hide

    grant(contact, person, ["milestones"])
    notes = [encouragement_send(contact=contact, message=f"Note number {n}") for n in range(7)]
    encouragement_hide(encouragement=notes[-1], actor=team_clinician)
    client.force_login(person)

    home = client.get(reverse("patients:patient_home")).content.decode()

    assert home.count('data-testid="encouragement-note"') == 5
    assert "Note number 6" not in home and "Note number 5" in home and "Note number 0" not in home


@pytest.mark.parametrize(
    ("message", "error"),
    [("x" * 281, "Keep it under 280 characters"), ("   ", "Write a few words first.")],
)
def test_bad_encouragement_shows_its_error_and_saves_nothing(
    client, patient, contact, person, supporter, message, error
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)

    response = client.post(
        reverse("networks:encouragement_send", args=[patient.pk]), {"message": message}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Encouragement.objects.exists()


def test_encouragement_without_any_consent_is_refused(client, patient, contact, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("networks:encouragement_send", args=[patient.pk]),
        {"message": "Thinking of you"},
        follow=True,
    )

    assert response.status_code == 200
    assert "This is not shared with you." in response.content.decode()
    assert not Encouragement.objects.exists()


def test_a_reach_out_is_logged_with_a_note_for_the_care_team(
    client, patient, contact, person, supporter
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)
    html = page_of(client, patient)
    assert "Only the care team sees this." in html

    day = patient.local_today() - timedelta(days=1)
    response = client.post(
        reverse("networks:reach_out_log", args=[patient.pk]),
        {"channel": "visit", "happened_on": day.isoformat(), "note": "Brought soup"},
    )

    assert response.status_code == 302
    entry = ReachOut.objects.get()
    assert (entry.contact, entry.channel, entry.happened_on, entry.note) == (
        contact,
        "visit",
        day,
        "Brought soup",
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"channel": "carrier_pigeon", "happened_on": "2024-01-01"}, "Select a valid choice"),
        ({"channel": "call", "happened_on": ""}, "Give the date."),
        ({"channel": "call", "happened_on": "FUTURE"}, "The date cannot be in the future."),
    ],
)
def test_a_bad_reach_out_shows_its_error_and_saves_nothing(
    client, patient, contact, person, supporter, data, error
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)
    if data["happened_on"] == "FUTURE":
        data = data | {"happened_on": (patient.local_today() + timedelta(days=5)).isoformat()}

    response = client.post(reverse("networks:reach_out_log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ReachOut.objects.exists()


# --- Query budgets ----------------------------------------------------------------------------


def _consent_rows(contacts, recorded_by, scopes):
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(
            patient=c.patient,
            clinic=c.patient.clinic,
            contact=c,
            scopes=scopes,
            purpose="support",
            expires_on_event="discharge",
            signature_method="in_app",
            signed_name="x",
            signed_at=now,
            recorded_by=recorded_by,
        )
        for c in contacts
    )


@pytest.mark.parametrize("size", [3, 50])
def test_home_query_count_does_not_grow(
    client, clinic, supporter, team_clinician, django_assert_max_num_queries, size
):
    patients = [PatientFactory(clinic=clinic) for _ in range(size)]
    contacts = SupportContact.objects.bulk_create(
        SupportContact(
            patient=p, name="Pat", relationship="friend", status="active", user=supporter
        )
        for p in patients
    )
    _consent_rows(contacts[::2], team_clinician, ["milestones"])
    client.force_login(supporter)

    # session, user, memberships (middleware); contacts with patients; consents in force of
    # every contact (one UNION query); the audit event; a little room.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("networks:supporter_home"))

    html = response.content.decode()
    assert html.count('data-testid="support-card"') == len(contacts[::2])
    assert html.count('data-testid="support-card-invited"') == size - len(contacts[::2])


@pytest.mark.parametrize("size", [3, 50])
def test_patient_page_query_count_does_not_grow(
    client,
    patient,
    contact,
    person,
    supporter,
    team_clinician,
    django_assert_max_num_queries,
    size,
):
    grant(contact, person, SCOPES)
    HelpTask.objects.bulk_create(
        HelpTask(
            patient=patient,
            kind="meal",
            title=f"Meal {n}",
            created_by=team_clinician,
            status=HelpStatus.CLAIMED if n % 2 else HelpStatus.OPEN,
            claimed_by=contact if n % 2 else None,
        )
        for n in range(size)
    )
    today = patient.local_today()
    ReachOut.objects.bulk_create(
        ReachOut(contact=contact, patient=patient, channel="call", happened_on=today)
        for _ in range(size)
    )
    Encouragement.objects.bulk_create(
        Encouragement(patient=patient, contact=contact, message="hi") for _ in range(size)
    )
    starts = timezone.now() + timedelta(days=1)
    for n in range(min(size, 10)):
        appointment = Appointment.objects.create(
            clinic=patient.clinic,
            patient=patient,
            kind="family_therapy",
            title=f"S{n}",
            starts_at=starts + timedelta(hours=n),
            ends_at=starts + timedelta(hours=n, minutes=50),
        )
        appointment.network_attendees.add(contact)
    client.force_login(supporter)

    # session, user, memberships; the contact; consents in force; check-ins and recent
    # assessments (summary); the plan version; appointments; tasks; reach-outs; the messages
    # they sent; the audit event; setbacks they were told about (consents, notices) and this
    # month's wellbeing check-in: sixteen; then one each for the engagement blocks (open help
    # requests, coming milestones' celebration messages, the digest subscription): nineteen,
    # plus a little room.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("networks:supporter_patient", args=[patient.pk]))

    html = response.content.decode()
    assert html.count('data-testid="open-task"') + html.count('data-testid="my-task"') == size
    assert html.count('data-testid="sent-encouragement"') == min(size, 5)  # newest five
