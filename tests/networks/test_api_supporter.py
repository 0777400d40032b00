"""/api/v1/supporter/patients/: what a supporter sees, built from supporter_view only. For each
scope and each consent state, exactly the granted keys are present (an ungranted one is absent,
not null); clinical notes, check-in notes and numbers, assessment scores and answers never
appear; non-supporters get 404."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from coping.plan import empty_plan
from coping.services import assessment_submit, checkin_submit, plan_save
from networks.consent import ALL_SCOPES
from networks.models import HelpTask, ReachOut, SupportContact
from networks.services import (
    consent_grant,
    consent_revoke,
    contact_set_status,
    help_task_claim,
    help_task_create,
)
from patients.models import Patient
from patients.services import note_create
from tests.factories import (
    AppointmentFactory,
    MembershipFactory,
    PatientFactory,
    SetbackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/supporter/patients/"
SCOPES = sorted(ALL_SCOPES)
SCOPE_KEYS = {
    "milestones": {"milestones", "celebrate"},
    "checkin_summary": {"checkin_summary"},
    "coping_plan": {"coping_plan"},
    "appointments": {"appointments"},
    "help_tasks": {"help_tasks"},
    "care_team_messages": {"care_team_messages"},  # messaging: where to write to the team
    "updates": {"updates"},  # the updates the person shared with this supporter
}
ALWAYS = {"patient", "scopes"}
NOTICE = "redisclosure_notice"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def grant(contact: SupportContact, person: User, scopes: list[str], **extra: object):
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def keys_for(scopes: set[str]) -> set[str]:
    keys = set(ALWAYS)
    for scope in scopes:
        keys |= SCOPE_KEYS[scope]
    return keys | {NOTICE} if scopes else keys


def only_row(api: APIClient) -> dict:
    response = api.get(URL)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    return row


def another_scope(scope: str) -> str:
    return SCOPES[(SCOPES.index(scope) + 1) % len(SCOPES)]


# --- The consent matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(
    "state", ["active", "expired", "revoked", "superseded", "ended_at_discharge", "missing"]
)
def test_exactly_the_granted_keys_are_present(person, patient, supporter, contact, scope, state):
    api = as_user(supporter)
    travel_days = 0
    if state == "active":
        grant(contact, person, [scope])
        expected = {scope}
    elif state == "expired":
        grant(
            contact,
            person,
            [scope],
            expires_on_event="",
            expires_on=patient.local_today() + timedelta(days=3),
        )
        travel_days, expected = 5, set()
    elif state == "revoked":
        consent_revoke(consent=grant(contact, person, [scope]), actor=person)
        expected = set()
    elif state == "superseded":
        # A newer consent without the scope replaces the one with it.
        grant(contact, person, [scope])
        grant(contact, person, [another_scope(scope)])
        expected = {another_scope(scope)}
    elif state == "ended_at_discharge":
        grant(contact, person, [scope])
        patient.status = "discharged"
        patient.save()
        expected = set()
    else:
        expected = set()

    with time_machine.travel(timezone.now() + timedelta(days=travel_days)):
        row = only_row(api)

    assert set(row) == keys_for(expected)
    assert row["scopes"] == sorted(expected)
    assert row["patient"] == {"id": patient.pk, "first_name": "Jordan"}
    for absent in SCOPE_KEYS[scope] - keys_for(expected):
        assert absent not in row  # absent, not null


def test_the_expired_consent_was_in_force_before_its_date(person, patient, supporter, contact):
    grant(
        contact,
        person,
        ["milestones"],
        expires_on_event="",
        expires_on=patient.local_today() + timedelta(days=3),
    )

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert only_row(as_user(supporter))["scopes"] == ["milestones"]


def test_every_scope_granted_gives_every_key(person, supporter, contact):
    grant(contact, person, SCOPES)

    assert set(only_row(as_user(supporter))) == keys_for(set(SCOPES))


def test_no_consent_gives_the_patient_and_empty_scopes_only(supporter, contact):
    assert only_row(as_user(supporter)) == {
        "patient": {"id": contact.patient_id, "first_name": "Jordan"},
        "scopes": [],
    }


def test_a_paused_supporter_sees_nothing(person, team_clinician, supporter, contact):
    grant(contact, person, SCOPES)
    contact_set_status(contact=contact, status="paused", actor=team_clinician)

    assert only_row(as_user(supporter))["scopes"] == []


# --- What each section holds ------------------------------------------------------------------


@pytest.fixture
def seeded(patient: Patient, person: User, team_clinician: User, contact: SupportContact):
    """Distinctive private data the supporter must never see, beside what they may see."""
    patient.recovery_start = patient.local_today() - timedelta(days=28)  # 30 days in 2 days
    patient.save()
    note_create(patient=patient, author=team_clinician, body="CLINICAL-NOTE-QZX talked about DUI")
    checkin_submit(
        patient=patient,
        actor=person,
        mood=3,
        craving=9,
        stress=8,
        sleep_hours=Decimal("3.7"),
        used_since_last=True,
        use_details="USE-DETAILS-QZX",
        note="CHECKIN-NOTE-QZX rough night",
    )
    assessment_submit(patient=patient, actor=person, instrument="phq9", answers=[3] * 9)
    SetbackFactory(patient=patient, what_happened="SETBACK-QZX at the party")
    plan = empty_plan()
    plan["strategies"] = [
        {"category": "physical_activity", "text": "Walk around the block", "shareable": True}
    ]
    private_trigger = {
        "category": "places",
        "description": "PRIVATE-TRIGGER-QZX the bar",
        "intensity": 4,
        "how_i_manage": "Avoid it",
        "shareable": False,
    }
    plan["triggers"] = [private_trigger]
    plan["crisis_plan"]["steps"] = ["PRIVATE-CRISIS-QZX"]
    plan_save(patient=patient, content=plan, actor=person)
    invited = AppointmentFactory(
        patient=patient,
        title="Family session",
        location="Room 4",
        video_url="https://video.example.org/family",
    )
    invited.network_attendees.add(contact)
    AppointmentFactory(patient=patient, title="PRIVATE-APPT-QZX individual session")
    task = help_task_create(patient=patient, actor=person, kind="ride", title="Ride to group")
    ReachOut.objects.create(
        contact=contact,
        patient=patient,
        channel="call",
        happened_on=patient.local_today(),
        note="REACHOUT-NOTE-QZX",
    )
    contact.playbook_step = "Sit with me and make tea."
    contact.save()
    return {"appointment": invited, "task": task}


PRIVATE_TEXT = (
    "CLINICAL-NOTE-QZX",
    "DUI",
    "CHECKIN-NOTE-QZX",
    "USE-DETAILS-QZX",
    "SETBACK-QZX",
    "PRIVATE-TRIGGER-QZX",
    "PRIVATE-CRISIS-QZX",
    "PRIVATE-APPT-QZX",
    "REACHOUT-NOTE-QZX",
    "3.7",
    "Rivera",  # the legal surname: a supporter gets the first name only
    "1990-05-17",  # date of birth
    "severe",  # the PHQ-9 band
)
PRIVATE_KEYS = {
    "mood",
    "craving",
    "stress",
    "sleep_hours",
    "used_since_last",
    "use_details",
    "note",
    "notes",
    "body",
    "answers",
    "total",
    "score",
    "band_score",
    "instrument",
    "flags",
    "what_happened",
    "mrn",
    "legal_name",
    "date_of_birth",
    "days_checked_in",
    "intensity",
    "purpose",
    "signed_name",
}


def all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def test_the_supporter_json_never_holds_clinical_or_check_in_data(
    person, patient, supporter, contact, seeded
):
    grant(contact, person, SCOPES)

    response = as_user(supporter).get(URL)

    text = response.content.decode()
    for private in (*PRIVATE_TEXT, patient.mrn):
        assert private not in text, private
    assert all_keys(json.loads(text)) & PRIVATE_KEYS == set()


def test_each_section_holds_what_was_shared(person, patient, supporter, contact, seeded):
    grant(contact, person, SCOPES)

    row = only_row(as_user(supporter))

    today = patient.local_today()
    assert row["milestones"][0] == {"label": "30 days", "date": str(today + timedelta(days=2))}
    assert row["celebrate"] == row["milestones"][0]
    summary = row["checkin_summary"]
    assert set(summary) == {"band", "label", "sentence"}
    assert summary["band"] == "extra_support"  # reported use and a heavy PHQ-9, in words only
    plan = row["coping_plan"]
    assert plan["playbook_step"] == "Sit with me and make tea."
    assert [s["key"] for s in plan["sections"]] == ["strategies"]
    assert [i["text"] for i in plan["sections"][0]["items"]] == ["Walk around the block"]
    (appointment,) = row["appointments"]
    assert set(appointment) == {"kind", "title", "starts_at", "location", "video_url"}
    assert (appointment["title"], appointment["location"]) == ("Family session", "Room 4")
    assert [t["title"] for t in row["help_tasks"]["open"]] == ["Ride to group"]
    assert row["help_tasks"]["mine"] == []
    assert "42 CFR Part 2" in row[NOTICE]

    help_task_claim(task=seeded["task"], contact=contact)
    tasks = only_row(as_user(supporter))["help_tasks"]
    assert (tasks["open"], [t["id"] for t in tasks["mine"]]) == ([], [seeded["task"].pk])


def test_no_milestone_this_week_is_a_null_celebrate(person, patient, supporter, contact):
    patient.recovery_start = patient.local_today() - timedelta(days=40)  # 60 days in 20 days
    patient.save()
    grant(contact, person, ["milestones"])

    row = only_row(as_user(supporter))

    assert row["celebrate"] is None
    assert [m["label"] for m in row["milestones"]] == ["60 days", "90 days"]


def test_the_view_is_audited_per_patient(person, patient, supporter, contact):
    grant(contact, person, ["milestones"])

    as_user(supporter).get(URL)

    event = AuditEvent.objects.get(action=Action.VIEW, patient=patient, actor=supporter)
    assert event.details == {"api": "supporter-patients", "scopes": ["milestones"]}
    assert event.clinic_id == patient.clinic_id


# --- Who reaches it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["person", "team_clinician", "clinic_admin", "clinician"])
def test_anyone_but_a_supporter_gets_404(request, contact, who):
    assert as_user(request.getfixturevalue(who)).get(URL).status_code == 404


def test_a_user_with_no_clinic_gets_404(contact):
    assert as_user(UserFactory()).get(URL).status_code == 404


def test_the_clinic_header_chooses_among_a_supporters_clinics(
    other_clinic, person, supporter, contact, team_clinician
):
    grant(contact, person, ["milestones"])
    MembershipFactory(user=supporter, organization=other_clinic, role=Role.SUPPORTER)
    elsewhere = PatientFactory(clinic=other_clinic, legal_name="Alex Kim")
    SupportContact.objects.create(
        patient=elsewhere,
        name="Pat",
        relationship="friend",
        email="pat@example.org",
        user=supporter,
        status="active",
    )
    api = as_user(supporter)

    harbor = api.get(URL, HTTP_X_CLINIC="harbor").json()["results"]
    lakeside = api.get(URL, HTTP_X_CLINIC="lakeside").json()["results"]

    assert [(r["patient"]["first_name"], r["scopes"]) for r in harbor] == [
        ("Jordan", ["milestones"])
    ]
    assert [(r["patient"]["first_name"], r["scopes"]) for r in lakeside] == [("Alex", [])]
    assert api.get(URL, HTTP_X_CLINIC="nowhere").status_code == 404


def test_a_removed_supporter_no_longer_sees_the_patient(person, team_clinician, supporter, contact):
    grant(contact, person, SCOPES)
    contact_set_status(contact=contact, status="removed", actor=team_clinician)

    assert as_user(supporter).get(URL).json()["results"] == []


@pytest.mark.parametrize("rows", [3, 50])
def test_the_view_keeps_a_constant_number_of_queries(
    person, patient, supporter, contact, rows, django_assert_max_num_queries
):
    grant(contact, person, SCOPES)
    plan_save(patient=patient, content=empty_plan(), actor=person)
    HelpTask.objects.bulk_create(
        HelpTask(patient=patient, kind="meal", title=f"Meal {n}") for n in range(rows)
    )
    for n in range(rows):
        AppointmentFactory(
            patient=patient, starts_at=timezone.now() + timedelta(days=1, hours=n)
        ).network_attendees.add(contact)

    # Per person supported (one here), whatever the number of tasks and sessions: memberships,
    # count, page of contacts; then supporter_view: consents in force, check-ins, recent heavy
    # assessments, current plan version, sessions, tasks, reach-outs, the updates shared with
    # them (updates' section); and the audit insert.
    with django_assert_max_num_queries(12):
        row = only_row(as_user(supporter))

    assert len(row["help_tasks"]["open"]) == rows
    assert len(row["appointments"]) == min(rows, 10)  # the selector shows the next ten
