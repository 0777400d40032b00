"""claim_slot, give_back_slot and swap_slot: the consent, the day, the capacity (one writer at a
time, so two people cannot overfill an occasion), the audit, and the note to the patient."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import Action, AuditEvent
from networks.help_calendar import claim_slot, give_back_slot, swap_slot
from networks.models import (
    ContactStatus,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    SupportContact,
)
from networks.services import (
    consent_revoke,
    contact_set_status,
    help_task_claim,
    help_task_create,
    help_task_release,
)
from notifications.models import Kind, Notification
from tests.help_calendar.conftest import grant, helper

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 3, 9)
WEDNESDAY = date(2027, 3, 10)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_supporter_takes_an_occasion_and_it_is_audited(ride, shared, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)

    assert (claim.task_id, claim.occurs_on, claim.contact_id, claim.active) == (
        ride.pk,
        TUESDAY,
        shared.pk,
        True,
    )
    event = AuditEvent.objects.get(object_type="networks.HelpSlotClaim", object_id=str(claim.pk))
    assert (event.action, event.actor, event.patient_id) == (
        Action.CREATE,
        supporter,
        ride.patient_id,
    )
    assert event.details["day"] == "2027-03-09"


def test_a_supporter_without_the_help_tasks_consent_cannot_take_one(ride, contact, supporter):
    with pytest.raises(ValidationError) as refused:
        claim_slot(task=ride, day=TUESDAY, contact=contact, actor=supporter)
    assert "not shared" in messages(refused.value)
    assert not HelpSlotClaim.objects.exists()


def test_a_revoked_consent_stops_the_next_claim(ride, shared, supporter, person):
    consent_revoke(consent=shared.consents.get(), actor=person)
    with pytest.raises(ValidationError):
        claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)


def test_a_paused_supporter_cannot_take_one(ride, shared, supporter, person):
    contact_set_status(contact=shared, status=ContactStatus.PAUSED, actor=person)
    with pytest.raises(ValidationError) as refused:
        claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    assert "not an active member" in messages(refused.value)


def test_a_day_that_is_not_an_occasion_is_refused(ride, shared, supporter):
    with pytest.raises(ValidationError) as refused:
        claim_slot(task=ride, day=WEDNESDAY, contact=shared, actor=supporter)
    assert "does not happen on that day" in messages(refused.value)


def test_a_day_past_the_series_end_is_refused(ride, shared, supporter):
    # 6 times: the 9, 11, 16, 18, 23 and 25 March; the 30th is past the end.
    with pytest.raises(ValidationError):
        claim_slot(task=ride, day=date(2027, 3, 30), contact=shared, actor=supporter)


def test_a_day_in_the_past_is_refused(patient, person, shared, supporter):
    daily = HelpTask.objects.create(
        patient=patient, kind="call", title="A call", due_on=date(2027, 3, 1), repeat="daily"
    )
    with pytest.raises(ValidationError) as refused:
        claim_slot(task=daily, day=date(2027, 3, 7), contact=shared, actor=supporter)
    assert "passed" in messages(refused.value)
    # Today (the patient's local day) is still open.
    claim_slot(task=daily, day=date(2027, 3, 8), contact=shared, actor=supporter)


def test_the_same_person_cannot_take_the_same_occasion_twice(ride, shared, supporter):
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    with pytest.raises(ValidationError) as refused:
        claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    assert "already taken this one" in messages(refused.value)


def test_a_full_occasion_is_refused(ride, shared, sam, supporter, patient, person):
    third = helper(patient, person, "Lee Tanaka")
    grant(third, person, ["help_tasks"])
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    claim_slot(task=ride, day=TUESDAY, contact=sam, actor=sam.user)

    with pytest.raises(ValidationError) as refused:
        claim_slot(task=ride, day=TUESDAY, contact=third, actor=None)
    assert "Enough people" in messages(refused.value)
    # Another day of the series still has room.
    claim_slot(task=ride, day=date(2027, 3, 11), contact=third, actor=None)


def test_another_patients_supporter_cannot_take_it(ride, clinic, person):
    from accounts.models import Role
    from tests.factories import PatientFactory, member

    owner = member(Role.PATIENT, clinic)
    elsewhere = PatientFactory(clinic=clinic, user=owner, legal_name="Jordan Rivera")
    stranger = helper(elsewhere, owner, "Robin Doe")
    grant(stranger, owner, ["help_tasks"])
    with pytest.raises(ValidationError):
        claim_slot(task=ride, day=TUESDAY, contact=stranger, actor=None)


@pytest.mark.django_db(transaction=True)
def test_two_connections_taking_the_last_place_at_once_leave_it_full_not_overfull(
    ride, shared, sam, patient, person
):
    """One place left; two supporters take it at the same moment on two connections: the lock
    on the task row makes the second count after the first commits, so exactly one gets it."""
    HelpTask.objects.filter(pk=ride.pk).update(people_needed=1)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def take(row: SupportContact) -> None:
        try:
            task = HelpTask.objects.get(pk=ride.pk)
            fresh = SupportContact.objects.select_related("patient").get(pk=row.pk)
            barrier.wait(timeout=10)
            claim_slot(task=task, day=TUESDAY, contact=fresh, actor=None)
            outcomes[row.pk] = "took"
        except ValidationError as error:
            outcomes[row.pk] = messages(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(row,)) for row in (shared, sam)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted([shared.pk, sam.pk])
    assert list(outcomes.values()).count("took") == 1
    assert "Enough people" in next(o for o in outcomes.values() if o != "took")
    assert HelpSlotClaim.objects.filter(occurs_on=TUESDAY, given_back_at__isnull=True).count() == 1


def test_claiming_locks_the_task_row(ride, shared, supporter, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    assert any("FOR UPDATE" in q["sql"] and "networks_helptask" in q["sql"] for q in queries)


def slot_notes() -> list[Notification]:
    return list(Notification.objects.filter(kind=Kind.HELP_SLOT_CHANGED))


CLINICAL = ("check-in", "setback", "craving", "mood", "diagnos", "medication", "PHQ", "relapse")


def test_giving_back_keeps_the_row_and_tells_the_patient(ride, shared, supporter, person):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)

    back = give_back_slot(claim=claim, actor=supporter)

    assert back.given_back_at is not None and HelpSlotClaim.objects.count() == 1
    notes = slot_notes()
    assert notes and {n.recipient_user_id for n in notes} == {person.pk}
    for note in notes:
        assert "Pat" in note.body and "A ride to group" in note.body
        assert "Rivera" not in note.body  # the first name only
        assert not any(word.lower() in note.body.lower() for word in CLINICAL)
    event = AuditEvent.objects.filter(object_id=str(claim.pk), action=Action.UPDATE).get()
    assert event.details == {"given_back": True}
    # The place is free again.
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)


def test_giving_back_twice_is_refused(ride, shared, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    give_back_slot(claim=claim, actor=supporter)
    with pytest.raises(ValidationError) as refused:
        give_back_slot(claim=claim, actor=supporter)
    assert "already given back" in messages(refused.value)


def test_a_patient_without_a_sign_in_gets_no_note(ride, shared, supporter, patient):
    type(patient).objects.filter(pk=patient.pk).update(user=None)
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    give_back_slot(claim=claim, actor=supporter)
    assert slot_notes() == []


def test_swapping_hands_the_occasion_over_and_tells_the_patient(ride, shared, sam, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)

    new = swap_slot(claim=claim, to_contact=sam, actor=supporter)

    claim.refresh_from_db()
    assert (claim.given_back_at is not None, claim.swapped_to_id) == (True, new.pk)
    assert (new.contact_id, new.occurs_on, new.active) == (sam.pk, TUESDAY, True)
    (body,) = {n.body for n in slot_notes()}
    assert "Sam" in body and "Pat" in body and "A ride to group" in body
    assert AuditEvent.objects.filter(object_id=str(new.pk), action=Action.CREATE).exists()


def test_swapping_to_someone_without_the_consent_is_refused(
    ride, shared, supporter, patient, person
):
    outsider = helper(patient, person, "Lee Tanaka")  # no consent
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)

    with pytest.raises(ValidationError) as refused:
        swap_slot(claim=claim, to_contact=outsider, actor=supporter)

    assert "to_contact_id" in refused.value.message_dict
    claim.refresh_from_db()
    assert claim.active and slot_notes() == []


def test_swapping_to_someone_who_already_has_it_is_refused(ride, shared, sam, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    claim_slot(task=ride, day=TUESDAY, contact=sam, actor=sam.user)
    with pytest.raises(ValidationError):
        swap_slot(claim=claim, to_contact=sam, actor=supporter)
    claim.refresh_from_db()
    assert claim.active


def test_removing_a_supporter_frees_their_coming_occasions(ride, shared, supporter, person):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    contact_set_status(contact=shared, status=ContactStatus.REMOVED, actor=person)
    claim.refresh_from_db()
    assert claim.given_back_at is not None


# --- A dated one-time task: the old claim buttons go through the calendar -----------------------


def test_claiming_a_dated_task_makes_its_day_claim_and_keeps_the_summary(
    patient, person, shared, supporter
):
    task = help_task_create(
        patient=patient, actor=person, kind="meal", title="Dinner", due_on=TUESDAY
    )

    help_task_claim(task=task, contact=shared)

    task.refresh_from_db()
    assert (task.status, task.claimed_by_id) == (HelpStatus.CLAIMED, shared.pk)
    assert HelpSlotClaim.objects.get().occurs_on == TUESDAY

    help_task_release(task=task, contact=shared)

    task.refresh_from_db()
    assert (task.status, task.claimed_by_id) == (HelpStatus.OPEN, None)
    assert HelpSlotClaim.objects.get().given_back_at is not None
    assert slot_notes()  # giving back a dated task tells the patient too


def test_a_series_is_not_claimed_whole(ride, shared):
    with pytest.raises(ValidationError) as refused:
        help_task_claim(task=ride, contact=shared)
    assert "help calendar" in messages(refused.value)
