"""The engagement API: the help button and "I'm on it", celebration messages, digest settings
and the escalation ladder, each calling the page's service."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from audit.models import Action, AuditEvent
from engagement.celebrations import digest
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    DigestSubscription,
    HelpAcknowledgement,
    HelpRequest,
    LadderPolicy,
    PatientEngagement,
)
from engagement.models import HelpRequestRecipient as Asked
from networks.models import Consent
from networks.services import consent_revoke
from patients.models import Alert, AlertKind, AlertStatus, Patient
from tests.api_rest.conftest import as_user, grant, ids
from tests.engagement.conftest import add_supporter
from tests.factories import (
    CelebrationMessageFactory,
    HelpRequestFactory,
    LadderFactory,
    LadderStepFactory,
    PatientFactory,
    member,
)

pytestmark = pytest.mark.django_db

ME_HELP = "/api/v1/me/help-requests/"
UTC = ZoneInfo("UTC")


def patient_url(patient: Patient, rest: str) -> str:
    return f"/api/v1/patients/{patient.pk}/{rest}"


@pytest.fixture
def asked(contact):
    """Pat shares the coping plan (and check-in summaries): the help button can ask them."""
    grant(contact, ["coping_plan", "checkin_summary", "milestones"])
    return contact


# --- The help button --------------------------------------------------------------------------


def test_the_help_button_asks_the_chosen_supporter_and_alerts_the_care_team(patient, person, asked):
    response = as_user(person).post(ME_HELP, {"contacts": [asked.pk]}, format="json")

    assert response.status_code == 201, response.content
    help_request = HelpRequest.objects.get(patient=patient)
    assert response.json()["id"] == help_request.pk
    assert response.json()["newly_asked"] == [asked.pk]
    assert list(help_request.recipients.values_list("contact_id", flat=True)) == [asked.pk]
    alert = Alert.objects.get(pk=help_request.alert_id)
    assert alert.kind == AlertKind.HELP_REQUESTED and alert.status == AlertStatus.OPEN
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(help_request.pk), patient=patient
    ).exists()


def test_a_second_press_within_minutes_reuses_the_request_and_messages_nobody_twice(
    patient, person, asked
):
    api = as_user(person)
    first = api.post(ME_HELP, {"contacts": [asked.pk]}, format="json")

    again = api.post(ME_HELP, {"contacts": [asked.pk]}, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["reused"] is True
    assert again.json()["newly_asked"] == []
    assert HelpRequest.objects.filter(patient=patient).count() == 1


def test_the_help_page_lists_who_can_be_asked(patient, person, asked, contact):
    response = as_user(person).get("/api/v1/me/help/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["askable"]] == [asked.pk]
    assert response.json()["crisis_plan"]["local_emergency_number"]


@pytest.mark.parametrize(
    ("contacts", "field"), [(["1"], "contacts.0"), ([987654], "contacts.0"), ({}, "contacts")]
)
def test_a_bad_choice_of_people_is_a_400_naming_the_field(patient, person, asked, contacts, field):
    response = as_user(person).post(ME_HELP, {"contacts": contacts}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not HelpRequest.objects.exists()


def test_someone_who_cannot_see_the_plan_cannot_be_asked(patient, person, contact):
    response = as_user(person).post(ME_HELP, {"contacts": [contact.pk]}, format="json")

    assert response.status_code == 400
    assert "contacts.0" in response.json()


def test_only_the_person_presses_their_help_button(patient, team_clinician, supporter, asked):
    for user in (team_clinician, supporter):
        api = as_user(user)
        assert api.post(ME_HELP, {"contacts": []}, format="json").status_code == 404
        assert api.get(ME_HELP).status_code == 404
    assert not HelpRequest.objects.exists()


def test_a_request_of_someone_else_is_a_404(clinic, patient, person):
    theirs = HelpRequestFactory(patient=PatientFactory(clinic=clinic))

    assert as_user(person).get(f"{ME_HELP}{theirs.pk}/").status_code == 404


def test_the_list_of_requests_costs_the_same_for_2_and_8(
    patient, person, asked, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            row = HelpRequestFactory(patient=patient, created_by=person)
            Asked.objects.create(request=row, contact=asked)

    api = as_user(person)
    add(2)
    with django_assert_max_num_queries(12) as small:
        assert len(ids(api.get(ME_HELP))) == 2
    add(6)
    # membership, patient, count, page, recipients, acknowledgements, audit: never per row
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(api.get(ME_HELP))) == 8


def test_a_bad_filter_value_is_a_400(patient, person):
    response = as_user(person).get(f"{ME_HELP}?asked_after=yesterday")

    assert response.status_code == 400 and "asked_after" in response.json()


# --- "I'm on it" --------------------------------------------------------------------------------


@pytest.fixture
def help_request(patient, person, asked) -> HelpRequest:
    as_user(person).post(ME_HELP, {"contacts": [asked.pk]}, format="json")
    return HelpRequest.objects.get(patient=patient)


def on_it(help_request: HelpRequest) -> str:
    return patient_url(help_request.patient, f"help-requests/{help_request.pk}/on-it/")


def supporter_on_it(help_request: HelpRequest) -> str:
    patient_id = help_request.patient_id
    return f"/api/v1/supporter/patients/{patient_id}/help-requests/{help_request.pk}/on-it/"


def test_the_care_team_says_it_is_on_it_once_and_the_alert_is_acknowledged(
    team_clinician, help_request
):
    api = as_user(team_clinician)

    first = api.post(on_it(help_request))
    second = api.post(on_it(help_request))

    assert first.status_code == 201 and first.json()["is_new"] is True
    assert second.status_code == 200 and second.json()["is_new"] is False
    assert (
        HelpAcknowledgement.objects.filter(request=help_request, user=team_clinician).count() == 1
    )
    help_request.alert.refresh_from_db()
    assert help_request.alert.status == AlertStatus.ACKNOWLEDGED


def test_staff_on_it_is_for_the_care_team_only(
    clinic_admin, colleague, outside_clinician, supporter, help_request
):
    assert as_user(clinic_admin).post(on_it(help_request)).status_code == 403
    for user in (colleague, outside_clinician, supporter):
        assert as_user(user).post(on_it(help_request)).status_code == 404
    assert not HelpAcknowledgement.objects.exists()


def test_the_supporter_asked_says_they_are_on_it(supporter, asked, help_request):
    response = as_user(supporter).post(supporter_on_it(help_request))

    assert response.status_code == 201
    row = Asked.objects.get(request=help_request, contact=asked)
    assert row.acknowledged_at is not None


def test_a_supporter_not_asked_gets_a_404(patient, help_request):
    other = add_supporter(patient, "Sam Lee", "sam@example.org")
    grant(other, ["coping_plan"])

    assert as_user(other.user).post(supporter_on_it(help_request)).status_code == 404


def test_after_the_plan_stops_being_shared_on_it_is_a_400(supporter, asked, help_request):
    consent = Consent.objects.get(contact=asked)
    consent_revoke(consent=consent, actor=asked.patient.user, reason="Changed my mind")

    response = as_user(supporter).post(supporter_on_it(help_request))

    assert response.status_code == 400
    assert not HelpAcknowledgement.objects.exists()


# --- Celebrations -------------------------------------------------------------------------------


@pytest.fixture
def clock():
    """Monday 2026-03-16, noon in New York: Jordan's 30 days are on Friday the 20th."""
    moment = datetime(2026, 3, 16, 16, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


DAY = date(2026, 3, 20)


@pytest.fixture
def milestone_patient(clock, patient) -> Patient:
    Patient.objects.filter(pk=patient.pk).update(recovery_start=date(2026, 2, 18))
    patient.refresh_from_db()
    return patient


@pytest.fixture
def note(milestone_patient, asked) -> CelebrationMessage:
    return CelebrationMessageFactory(
        contact=asked, milestone_key="30d", milestone_date=DAY, message="So proud of you."
    )


def review(note: CelebrationMessage) -> str:
    return patient_url(note.patient, f"celebrations/{note.pk}/review/")


def test_the_person_approves_a_message_they_read(person, note):
    response = as_user(person).post(
        review(note), {"decision": "approve", "seen": digest(note.message)}, format="json"
    )

    assert response.status_code == 200, response.content
    note.refresh_from_db()
    assert note.status == CelebrationStatus.APPROVED and note.reviewed_by == person


def test_a_message_changed_after_it_was_read_is_not_approved(team_clinician, note):
    response = as_user(team_clinician).post(
        review(note), {"decision": "approve", "seen": digest("other words")}, format="json"
    )

    assert response.status_code == 400
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING


def test_a_review_without_a_decision_is_a_400_naming_it(person, note):
    response = as_user(person).post(review(note), {"seen": "x"}, format="json")

    assert response.status_code == 400 and "decision" in response.json()


def test_reviewing_is_for_the_person_and_the_care_team(
    clinic_admin, colleague, outsider, supporter, note
):
    body = {"decision": "approve", "seen": digest(note.message)}

    assert as_user(clinic_admin).post(review(note), body, format="json").status_code == 403
    for user in (colleague, outsider, supporter):
        assert as_user(user).post(review(note), body, format="json").status_code == 404
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING


def test_the_care_team_lists_messages_with_the_fingerprint_to_review(
    team_clinician, clinic_admin, note
):
    url = patient_url(note.patient, "celebrations/?status=pending")

    for user in (team_clinician, clinic_admin):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert response.json()["results"][0]["seen"] == digest(note.message)
    assert (
        as_user(team_clinician).get(patient_url(note.patient, "celebrations/?status=x")).status_code
        == 400
    )


def test_a_supporter_writes_a_message_for_a_coming_milestone(supporter, milestone_patient, asked):
    url = f"/api/v1/supporter/patients/{milestone_patient.pk}/celebrations/"
    body = {"milestone_key": "30d", "milestone_date": "2026-03-20", "message": "Proud of you."}

    created = as_user(supporter).post(url, body, format="json")
    rewritten = as_user(supporter).post(url, {**body, "message": "So proud."}, format="json")

    assert created.status_code == 201 and rewritten.status_code == 200
    note = CelebrationMessage.objects.get(contact=asked)
    assert note.message == "So proud." and note.status == CelebrationStatus.PENDING
    listed = as_user(supporter).get(url)
    assert ids(listed) == [note.pk]
    milestones = as_user(supporter).get(url + "milestones/").json()["milestones"]
    assert milestones[0]["key"] == "30d" and milestones[0]["message"]["id"] == note.pk


def test_a_day_that_is_not_a_milestone_is_a_400(supporter, milestone_patient, asked):
    url = f"/api/v1/supporter/patients/{milestone_patient.pk}/celebrations/"
    body = {"milestone_key": "30d", "milestone_date": "2026-03-21", "message": "Proud of you."}

    response = as_user(supporter).post(url, body, format="json")

    assert response.status_code == 400 and "message" in response.json()
    assert not CelebrationMessage.objects.exists()


def test_without_the_milestones_consent_the_supporter_finds_nothing(
    supporter, milestone_patient, contact
):
    grant(contact, ["coping_plan"])
    url = f"/api/v1/supporter/patients/{milestone_patient.pk}/celebrations/"
    body = {"milestone_key": "30d", "milestone_date": "2026-03-20", "message": "Hi"}

    assert as_user(supporter).get(url).status_code == 404
    assert as_user(supporter).post(url, body, format="json").status_code == 404


# --- Digests ------------------------------------------------------------------------------------


def test_a_supporter_sets_their_weekly_digest(supporter, patient, contact):
    url = f"/api/v1/supporter/patients/{patient.pk}/digest/"

    response = as_user(supporter).put(
        url, {"enabled": True, "weekday": 2, "send_time": "07:30"}, format="json"
    )

    assert response.status_code == 200, response.content
    subscription = DigestSubscription.objects.get(contact=contact)
    assert (subscription.weekday, subscription.send_time) == (2, time(7, 30))
    assert response.json()["send_time"] == "07:30"


def test_a_day_that_is_not_a_weekday_is_a_400(supporter, patient, contact):
    url = f"/api/v1/supporter/patients/{patient.pk}/digest/"

    response = as_user(supporter).put(
        url, {"enabled": True, "weekday": 9, "send_time": "25:00"}, format="json"
    )

    assert response.status_code == 400
    assert {"weekday", "send_time"} <= set(response.json())


def test_a_supporter_of_someone_else_finds_no_digest(clinic, supporter, contact):
    stranger = PatientFactory(clinic=clinic)

    url = f"/api/v1/supporter/patients/{stranger.pk}/digest/"
    assert as_user(supporter).get(url).status_code == 404


def test_the_person_chooses_what_digests_hold(patient, person):
    response = as_user(person).put("/api/v1/me/digests/", {"digest_mode": "summary"}, format="json")
    bad = as_user(person).put("/api/v1/me/digests/", {"digest_mode": "all"}, format="json")

    assert response.status_code == 200
    assert PatientEngagement.objects.get(patient=patient).digest_mode == "summary"
    assert bad.status_code == 400 and "digest_mode" in bad.json()


# --- The escalation ladder ----------------------------------------------------------------------


def test_the_care_team_records_reaching_out_once(patient, team_clinician, clinic_admin):
    step = LadderStepFactory(ladder=LadderFactory(patient=patient))
    url = patient_url(patient, f"ladder/steps/{step.pk}/reached-out/")

    assert as_user(clinic_admin).post(url).status_code == 403
    first = as_user(team_clinician).post(url)
    second = as_user(team_clinician).post(url)

    assert first.json()["first"] is True and second.json()["first"] is False
    step.refresh_from_db()
    assert step.acted_by_user == team_clinician and step.acted_at is not None
    ladder = as_user(team_clinician).get(patient_url(patient, "ladder/")).json()
    assert ladder["is_open"] is True and ladder["steps"][0]["id"] == step.pk


def test_a_closed_ladder_takes_no_more_steps(patient, team_clinician):
    ladder = LadderFactory(patient=patient, closed_at=timezone.now())
    step = LadderStepFactory(ladder=ladder)

    response = as_user(team_clinician).post(
        patient_url(patient, f"ladder/steps/{step.pk}/reached-out/")
    )

    assert response.status_code == 400
    step.refresh_from_db()
    assert step.acted_at is None


def test_a_step_of_another_clinic_is_a_404(patient, outside_clinician, other_clinic):
    theirs = LadderStepFactory(ladder=LadderFactory(patient__clinic=other_clinic))

    url = patient_url(theirs.ladder.patient, f"ladder/steps/{theirs.pk}/reached-out/")
    assert as_user(outside_clinician).post(url).status_code == 404


def test_the_person_chooses_who_may_be_asked_to_reach_out(patient, person, asked, clinic_admin):
    url = patient_url(patient, "reach-out-person/")

    response = as_user(person).put(url, {"contact": asked.pk}, format="json")

    assert response.status_code == 200, response.content
    assert PatientEngagement.objects.get(patient=patient).ladder_contact == asked
    assert as_user(clinic_admin).put(url, {"contact": None}, format="json").status_code == 403


def test_someone_without_checkin_summaries_cannot_be_chosen(patient, person, contact):
    grant(contact, ["milestones"])

    response = as_user(person).put(
        patient_url(patient, "reach-out-person/"), {"contact": contact.pk}, format="json"
    )

    assert response.status_code == 400 and "contact" in response.json()


def test_the_clinic_admin_sets_the_ladder_and_the_days_must_climb(clinic, clinic_admin, clinician):
    url = "/api/v1/clinic/ladder-policy/"
    body = {"enabled": True, "supporter_after_days": 5, "clinician_after_days": 8}

    saved = as_user(clinic_admin).put(url, body, format="json")
    too_early = as_user(clinic_admin).put(
        url, {**body, "supporter_after_days": clinic.missed_checkin_days}, format="json"
    )

    assert saved.status_code == 200
    policy = LadderPolicy.objects.get(clinic=clinic)
    assert (policy.supporter_after_days, policy.clinician_after_days) == (5, 8)
    assert too_early.status_code == 400 and "supporter_after_days" in too_early.json()
    assert as_user(clinician).get(url).status_code == 404
    assert as_user(member("patient", clinic)).put(url, body, format="json").status_code == 404
