"""The reminder planner and `reminders_tick`: who is reminded, at which local time, and once."""

import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coping.models import CheckIn
from networks.models import ContactStatus, HelpKind, HelpStatus, HelpTask, Relationship
from networks.services import consent_grant, consent_revoke, contact_add
from notifications.models import ContactOptOut, Notification, NotificationPreference
from patients.models import Alert, AlertKind, Appointment, AppointmentKind, Patient, PatientStatus
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
SIGNED_AT = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def tick(at: str) -> str:
    out = StringIO()
    call_command("reminders_tick", "--at", at, stdout=out)
    return out.getvalue()


def counts(output: str) -> tuple[int, int]:
    match = re.fullmatch(r"planned=(\d+) skipped=(\d+)\n", output)
    assert match, output
    return int(match[1]), int(match[2])


def grant(contact, person, scopes):
    with time_machine.travel(SIGNED_AT, tick=False):
        return consent_grant(
            contact=contact,
            actor=person,
            scopes=scopes,
            purpose="To support me",
            signed_name="Jordan Rivera",
            signature_method="in_app",
            expires_on_event="discharge",
        )


def add_contact(patient, actor, name, *, email="", phone="", status=ContactStatus.ACTIVE, **extra):
    contact = contact_add(
        patient=patient, actor=actor, name=name, relationship=Relationship.FRIEND, email=email
    )
    contact.status = status
    contact.phone = phone
    for key, value in extra.items():
        setattr(contact, key, value)
    contact.save()
    return contact


def rows(kind):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_key", "channel"))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- milestones --------------------------------------------------------------------------------


@pytest.fixture
def network(patient, person, contact, supporter, team_clinician):
    """A 30-day milestone on Friday 2026-03-20 (heads-up 3 days before, on the 17th), and a
    network: Pat (linked, Los Angeles), Sam (no account: the patient's New York zone) and four who
    must not hear of it."""
    Patient.objects.filter(pk=patient.pk).update(recovery_start=date(2026, 2, 18))
    patient.refresh_from_db()
    supporter.time_zone = "America/Los_Angeles"
    supporter.save()
    team_clinician.time_zone = "America/New_York"
    team_clinician.save()
    grant(contact, person, ["milestones"])
    sam = add_contact(patient, team_clinician, "Sam Lee", email="sam@example.org")
    grant(sam, person, ["milestones", "appointments"])
    revoked = add_contact(patient, team_clinician, "Rae Revoked", email="rae@example.org")
    with time_machine.travel(SIGNED_AT, tick=False):
        consent_revoke(consent=grant(revoked, person, ["milestones"]), actor=person)
    removed = add_contact(patient, team_clinician, "Rem Oved", email="rem@example.org")
    grant(removed, person, ["milestones"])
    removed.status = ContactStatus.REMOVED
    removed.save()
    paused = add_contact(patient, team_clinician, "Pia Paused", email="pia@example.org")
    grant(paused, person, ["milestones"])
    paused.status = ContactStatus.PAUSED
    paused.save()
    add_contact(patient, team_clinician, "Una Consented", email="una@example.org")
    other_scope = add_contact(patient, team_clinician, "Otto Other", email="otto@example.org")
    grant(other_scope, person, ["help_tasks"])
    return {"pat": contact, "sam": sam}


def test_heads_up_reaches_only_consented_active_supporters_at_nine_in_their_zone(patient, network):
    pat, sam = network["pat"], network["sam"]

    # 9:00 in New York on the 17th (EDT): Sam, whose zone is the patient's.
    planned, skipped = counts(tick("2026-03-17T13:00:00Z"))
    heads_up = rows("milestone_heads_up")
    assert [row.recipient_contact_id for row in heads_up] == [sam.pk]
    assert heads_up[0].due_at == utc("2026-03-17T13:00:00Z")
    assert heads_up[0].occurrence == f"milestone:{patient.pk}:30d:2026-03-20"
    # revoked, paused, unconsented and other-scope contacts were held back by a rule
    assert planned == 1 and skipped == 4

    # 9:00 in Los Angeles: Pat.
    counts(tick("2026-03-17T16:00:00Z"))
    assert {row.recipient_contact_id for row in rows("milestone_heads_up")} == {sam.pk, pat.pk}
    pat_row = Notification.objects.get(kind="milestone_heads_up", recipient_contact=pat)
    assert pat_row.due_at == utc("2026-03-17T16:00:00Z")

    # minimal disclosure: no clinic name, no label of the milestone, the weekday, the link
    for row in rows("milestone_heads_up"):
        assert row.subject == "A milestone to celebrate soon"
        assert "Harbor" not in row.subject + row.body and "Friday" in row.body
        assert "Jordan" in row.body
    # Pat has joined: the page itself. Sam has no sign-in yet: a link to their invitation.
    assert f"/support/{patient.pk}/" in pat_row.body
    sam_row = Notification.objects.get(kind="milestone_heads_up", recipient_contact=sam)
    assert "/join/supporter/" in sam_row.body and "/support/" not in sam_row.body


def test_milestone_day_reaches_patient_care_team_and_consented_supporters(
    patient, network, person, team_clinician
):
    pat, sam = network["pat"], network["sam"]

    counts(tick("2026-03-20T13:00:00Z"))  # 9:00 in New York
    day = rows("milestone_day")
    assert {(row.recipient_key, row.channel) for row in day} == {
        (f"user:{person.pk}", "email"),
        (f"user:{team_clinician.pk}", "in_app"),
        (f"contact:{sam.pk}", "email"),
    }
    assert all(row.due_at == utc("2026-03-20T13:00:00Z") for row in day)
    patient_row = next(row for row in day if row.recipient_user_id == person.pk)
    assert "30 days" in patient_row.subject and patient_row.address == person.email

    counts(tick("2026-03-20T16:00:00Z"))  # 9:00 in Los Angeles
    assert Notification.objects.filter(kind="milestone_day", recipient_contact=pat).exists()
    assert Notification.objects.filter(kind="milestone_day").count() == 4


def test_supporter_messages_are_rendered_in_their_language(patient, network):
    sam = network["sam"]
    sam.language = "es"
    sam.save()

    tick("2026-03-17T13:00:00Z")

    row = Notification.objects.get(kind="milestone_heads_up", recipient_contact=sam)
    assert row.language == "es"
    assert "viernes" in row.body.lower() or "Friday" in row.body  # weekday in Spanish if compiled


def test_running_twice_plans_nothing_new(network):
    first = counts(tick("2026-03-17T13:00:00Z"))
    second = counts(tick("2026-03-17T13:00:00Z"))
    later = counts(tick("2026-03-17T13:30:00Z"))  # the same hour's window again

    assert first[0] == 1
    assert second == (0, first[1])  # nothing new; the rules still hold the same ones back
    assert later[0] == 0
    assert Notification.objects.filter(kind="milestone_heads_up").count() == 1


def test_a_discharged_patients_milestone_is_skipped(patient, network):
    Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.DISCHARGED)

    planned, skipped = counts(tick("2026-03-20T13:00:00Z"))

    assert not rows("milestone_day") and planned == 0 and skipped >= 3


# --- daily check-in reminder -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_day", "instant"),
    [
        ("2026-03-07", "2026-03-08T00:00:00Z"),  # EST, the evening before the spring change
        ("2026-03-08", "2026-03-08T23:00:00Z"),  # EDT from 2:00 that morning
        ("2026-03-09", "2026-03-09T23:00:00Z"),
        ("2026-10-31", "2026-10-31T23:00:00Z"),  # EDT, the evening before the autumn change
        ("2026-11-01", "2026-11-02T00:00:00Z"),  # EST from 2:00 that morning
        ("2026-11-02", "2026-11-03T00:00:00Z"),
    ],
)
def test_checkin_reminder_at_seven_pm_local_across_dst(patient, person, local_day, instant):
    earlier = (utc(instant) - timedelta(hours=1)).isoformat()
    tick(earlier)
    assert not rows("checkin_reminder")  # an hour before: not yet

    tick(instant)

    (row,) = rows("checkin_reminder")
    assert row.due_at == utc(instant)
    assert row.due_at.astimezone(patient.zone).hour == 19
    assert row.occurrence == f"checkin:{patient.pk}:{local_day}"
    assert row.recipient_user_id == person.pk and row.channel == "email"

    tick((utc(instant) + timedelta(minutes=59)).isoformat())  # a later minute of the window
    assert len(rows("checkin_reminder")) == 1


def test_checkin_reminder_skipped_when_already_checked_in(patient):
    CheckIn.objects.create(
        patient=patient, local_date=date(2026, 3, 8), mood=6, craving=2, stress=3
    )

    planned, skipped = counts(tick("2026-03-08T23:00:00Z"))

    assert not rows("checkin_reminder") and skipped == 1 and planned == 0


def test_checkin_reminder_skipped_for_a_discharged_patient(patient):
    Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.DISCHARGED)

    _planned, skipped = counts(tick("2026-03-08T23:00:00Z"))

    assert not rows("checkin_reminder") and skipped == 1


def test_checkin_reminder_uses_the_preferred_language(patient):
    Patient.objects.filter(pk=patient.pk).update(preferred_language="es")

    tick("2026-03-08T23:00:00Z")

    assert rows("checkin_reminder")[0].language == "es"


def test_opted_out_people_are_skipped(patient, person, network):
    NotificationPreference.objects.create(user=person, paused=True)
    ContactOptOut.objects.create(contact=network["sam"], kind="milestone_heads_up")

    _planned, skipped = counts(tick("2026-03-08T23:00:00Z"))
    assert not rows("checkin_reminder") and skipped == 1
    planned, _skipped = counts(tick("2026-03-17T13:00:00Z"))
    assert not rows("milestone_heads_up") and planned == 0


def test_queries_do_not_grow_with_patients_who_are_due_or_not(patient, clinic):
    def queries_of_a_fresh_tick() -> int:
        Notification.objects.all().delete()
        return queries_of_a_second_tick()

    def queries_of_a_second_tick() -> int:
        with CaptureQueriesContext(connection) as captured:
            tick("2026-03-08T23:00:00Z")
        return len(captured)

    PatientFactory.create_batch(2, clinic=clinic, time_zone="Asia/Tokyo")
    few_not_due = queries_of_a_fresh_tick()
    PatientFactory.create_batch(20, clinic=clinic, time_zone="Asia/Tokyo")
    assert queries_of_a_fresh_tick() == few_not_due  # not due in Tokyo: no query per person

    PatientFactory.create_batch(
        2, clinic=clinic, time_zone="America/New_York", email="p@example.org"
    )
    few_due = queries_of_a_fresh_tick()
    assert Notification.objects.filter(kind="checkin_reminder").count() == 3
    few_again = queries_of_a_second_tick()
    PatientFactory.create_batch(
        20, clinic=clinic, time_zone="America/New_York", email="p@example.org"
    )
    assert queries_of_a_fresh_tick() == few_due  # 23 reminders, written in one insert
    assert Notification.objects.filter(kind="checkin_reminder").count() == 23
    assert queries_of_a_second_tick() == few_again  # nothing new to write, for 3 or 23


# --- missed check-ins --------------------------------------------------------------------------


def test_missed_checkins_raise_one_alert_per_streak(patient, clinic, person):
    clinic.missed_checkin_days = 2
    clinic.save()
    Patient.objects.filter(pk=patient.pk).update(created_at=utc("2026-02-01T12:00:00Z"))
    CheckIn.objects.create(
        patient=patient, local_date=date(2026, 3, 1), mood=6, craving=2, stress=3
    )

    tick("2026-03-04T13:00:00Z")  # 8:00 in New York: not yet
    assert not Alert.objects.exists()

    tick("2026-03-04T15:00:00Z")  # 10:00: the 2nd and 3rd were missed
    tick("2026-03-04T15:01:00Z")
    tick("2026-03-05T15:00:00Z")  # the same streak goes on
    (alert,) = Alert.objects.all()
    assert alert.kind == AlertKind.MISSED_CHECKINS and alert.source == "missed:2026-03-01"
    (note,) = rows("missed_checkins")
    assert note.recipient_user_id == person.pk and note.channel == "in_app"
    assert note.occurrence == f"missed:{patient.pk}:2026-03-01"

    CheckIn.objects.create(
        patient=patient, local_date=date(2026, 3, 5), mood=6, craving=2, stress=3
    )
    tick("2026-03-06T15:00:00Z")  # only one day missed since
    assert Alert.objects.count() == 1
    tick("2026-03-08T15:00:00Z")  # the 6th and 7th missed: a new streak
    assert Alert.objects.count() == 2 and len(rows("missed_checkins")) == 2


def _quiet_people(clinic, count: int, clinician) -> list[Patient]:
    from patients.models import CareTeamMember, TeamRole

    people = PatientFactory.create_batch(
        count, clinic=clinic, time_zone="America/New_York", email="someone@example.org"
    )
    Patient.objects.filter(pk__in=[p.pk for p in people]).update(
        created_at=utc("2026-02-01T12:00:00Z")
    )
    for person_ in people:
        CareTeamMember.objects.create(
            patient=person_,
            clinician=clinician,
            is_primary=True,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            started_on=date(2026, 1, 1),
        )
        CheckIn.objects.create(
            patient=person_, local_date=date(2026, 3, 1), mood=5, craving=2, stress=3
        )
    return people


def test_many_new_streaks_at_once_take_the_same_queries_as_a_few(clinic, team_clinician):
    """At 9:00 in a zone many streaks can start together: each gets its ladder (with its first
    step), its alert (owned by the primary clinician) and its note, in a fixed number of
    queries."""
    from engagement.models import Ladder, LadderStep

    clinic.missed_checkin_days = 2
    clinic.save()

    def queries_for(count: int) -> int:
        Alert.objects.all().delete()
        Ladder.objects.all().delete()
        Notification.objects.all().delete()
        _quiet_people(clinic, count, team_clinician)
        with CaptureQueriesContext(connection) as captured:
            tick("2026-03-04T14:30:00Z")  # 9:30 in New York
        return len(captured)

    few = queries_for(2)
    assert queries_for(8) == few
    quiet = Patient.objects.filter(care_team__clinician=team_clinician).count()
    assert Alert.objects.filter(kind=AlertKind.MISSED_CHECKINS).count() == quiet == 10
    assert set(Alert.objects.values_list("owner_id", flat=True)) == {team_clinician.pk}
    assert Ladder.objects.count() == 10 and LadderStep.objects.filter(rung="nudge").count() == 10
    assert len(rows("missed_checkins")) == 10
    tick("2026-03-04T14:35:00Z")  # again: nothing new
    assert Alert.objects.count() == 10 and len(rows("missed_checkins")) == 10


def test_a_streak_taken_by_a_concurrent_run_leaves_the_others_to_this_one(
    clinic, team_clinician, monkeypatch
):
    """Another run opened one streak's ladder between this run's read and its write: the
    batch meets the unique key, and this run then takes the streaks one at a time, each once."""
    from engagement import ladder
    from engagement.models import Ladder

    clinic.missed_checkin_days = 2
    clinic.save()
    first, *_others = _quiet_people(clinic, 3, team_clinician)
    Ladder.objects.create(patient=first, streak="2026-03-01", opened_at=utc("2026-03-04T14:59:00Z"))
    monkeypatch.setattr(ladder, "ladders_opened", lambda streaks: set())  # the stale read

    tick("2026-03-04T15:00:00Z")

    assert Ladder.objects.count() == 3
    assert Alert.objects.filter(kind=AlertKind.MISSED_CHECKINS).count() == 3
    assert len(rows("missed_checkins")) == 3


def test_no_missed_checkins_alert_for_a_patient_new_to_the_program(patient):
    Patient.objects.filter(pk=patient.pk).update(created_at=utc("2026-03-03T12:00:00Z"))

    tick("2026-03-04T15:00:00Z")

    assert not Alert.objects.exists()


# --- appointments ------------------------------------------------------------------------------


def test_appointment_reminders_24h_and_1h_before_to_every_attendee(
    patient, person, team_clinician, network
):
    sam = network["sam"]
    sam.preferred_channel, sam.phone = "sms", "+15555550100"
    sam.save()
    unconsented = add_contact(patient, team_clinician, "Nia No", email="nia@example.org")
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=AppointmentKind.FAMILY,
        starts_at=utc("2026-03-10T15:00:00Z"),
        ends_at=utc("2026-03-10T16:00:00Z"),
    )
    appointment.staff_attendees.add(team_clinician)
    appointment.network_attendees.add(sam, unconsented, network["pat"])

    tick("2026-03-09T14:30:00Z")
    assert not rows("appointment_24h")
    _planned, skipped = counts(tick("2026-03-09T15:00:00Z"))
    day_before = rows("appointment_24h")
    assert {(row.recipient_key, row.channel) for row in day_before} == {
        (f"user:{person.pk}", "email"),
        (f"user:{team_clinician.pk}", "in_app"),
        (f"contact:{sam.pk}", "sms"),
    }
    assert all(row.due_at == utc("2026-03-09T15:00:00Z") for row in day_before)
    assert skipped >= 2  # Nia has no consent, Pat's consent does not cover appointments
    sms = next(row for row in day_before if row.channel == "sms")
    assert sms.address == "+15555550100" and sms.subject == ""
    assert "therapy" not in sms.body.lower() and "Harbor" not in sms.body

    tick("2026-03-10T13:30:00Z")
    assert not rows("appointment_1h")
    tick("2026-03-10T14:00:00Z")
    hour_before = rows("appointment_1h")
    assert len(hour_before) == 3
    assert all(row.due_at == utc("2026-03-10T14:00:00Z") for row in hour_before)


def test_cancelled_appointments_are_not_reminded(patient):
    Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=AppointmentKind.INDIVIDUAL,
        starts_at=utc("2026-03-10T15:00:00Z"),
        ends_at=utc("2026-03-10T16:00:00Z"),
        status="cancelled",
    )

    tick("2026-03-09T15:00:00Z")

    assert not rows("appointment_24h")


# --- help tasks --------------------------------------------------------------------------------


def test_help_task_reminder_the_day_before_at_nine_in_the_supporters_zone(
    patient, person, contact, supporter
):
    supporter.time_zone = "America/Los_Angeles"
    supporter.save()
    grant(contact, person, ["help_tasks"])
    task = HelpTask.objects.create(
        patient=patient,
        kind=HelpKind.RIDE,
        title="Ride to the methadone clinic",
        due_on=date(2026, 3, 12),
        status=HelpStatus.CLAIMED,
        claimed_by=contact,
    )

    tick("2026-03-11T15:00:00Z")
    assert not rows("help_task_due")
    tick("2026-03-11T16:00:00Z")  # 9:00 PDT

    (row,) = rows("help_task_due")
    assert row.recipient_contact_id == contact.pk and row.due_at == utc("2026-03-11T16:00:00Z")
    assert row.occurrence == f"help_task:{task.pk}:2026-03-12"
    assert "methadone" not in (row.subject + row.body).lower()


def test_help_task_reminder_needs_the_help_tasks_scope(patient, person, contact):
    grant(contact, person, ["milestones"])
    HelpTask.objects.create(
        patient=patient,
        kind=HelpKind.MEAL,
        title="Dinner",
        due_on=date(2026, 3, 12),
        status=HelpStatus.CLAIMED,
        claimed_by=contact,
    )

    _planned, skipped = counts(tick("2026-03-11T09:00:00Z"))  # 9:00 in the supporter's UTC

    assert not rows("help_task_due") and skipped == 1


# --- assessments -------------------------------------------------------------------------------


def test_assessments_due_today_at_ten_to_patient_and_primary_clinician(
    patient, person, team_clinician
):
    Patient.objects.filter(pk=patient.pk).update(created_at=utc("2026-03-01T12:00:00Z"))

    tick("2026-03-01T15:00:00Z")  # 10:00 EST on the first day: every instrument is due

    due = rows("assessment_due")
    assert {(row.recipient_key, row.channel) for row in due} == {
        (f"user:{person.pk}", "in_app"),
        (f"user:{team_clinician.pk}", "in_app"),
    }
    tick("2026-03-02T15:00:00Z")  # overdue, but not newly due
    assert len(rows("assessment_due")) == 2


# --- the command -------------------------------------------------------------------------------


def test_command_prints_one_line(patient):
    output = tick("2026-03-08T23:00:00Z")

    assert re.fullmatch(r"planned=\d+ skipped=\d+\n", output)


def test_command_defaults_to_now(patient):
    out = StringIO()
    with time_machine.travel(datetime(2026, 3, 8, 23, 0, tzinfo=UTC), tick=False):
        call_command("reminders_tick", stdout=out)

    assert counts(out.getvalue())[0] >= 1
    assert rows("checkin_reminder")[0].due_at == utc("2026-03-08T23:00:00Z")


# --- supporters' reach-out cadence -------------------------------------------------------------


def test_reach_out_reminder_on_the_supporters_own_cadence(patient, person, team_clinician):
    from datetime import time as clock

    # Sundays at 19:00 New York time (EST in December: 00:00 UTC on Monday).
    keen = add_contact(
        patient,
        team_clinician,
        "Keen",
        email="keen@example.org",
        reach_out_weekday=6,
        reach_out_time=clock(19, 0),
    )
    silent = add_contact(
        patient,
        team_clinician,
        "Silent",
        email="silent@example.org",
        reach_out_weekday=6,
        reach_out_time=clock(19, 0),
    )
    grant(keen, person, ["milestones"])  # any consent in force; Silent has none

    tick("2026-12-06T00:00:00Z")  # Saturday 19:00 local: not the day
    assert rows("reach_out_reminder") == []
    tick("2026-12-07T00:00:00Z")  # Sunday 19:00 local

    sent = rows("reach_out_reminder")
    assert [row.recipient_key for row in sent] == [f"contact:{keen.pk}"]
    assert sent[0].due_at == utc("2026-12-07T00:00:00Z")
    assert silent.pk not in [row.recipient_contact_id for row in sent]


def test_supporter_subjects_and_texts_never_name_the_clinic_or_treatment(clinic):
    """Over every kind the planner writes for supporters, with the seeded demo network."""
    from recovery_hub.demo import seed_demo

    seed_demo(clinics=1, patients=6, seed=3)
    for hour in range(0, 24 * 8, 1):
        at = datetime(2026, 11, 26, tzinfo=UTC) + timedelta(hours=hour)
        tick(at.isoformat())
    supporter_rows = Notification.objects.filter(recipient_contact__isnull=False)
    assert supporter_rows.exists()
    forbidden = [
        "Demo Recovery Clinic",
        "clinic",
        "Clinic",
        "PHQ",
        "GAD",
        "relapse",
        "alcohol",
        "opioid",
        "treatment",
        "therapy",
        "counsel",
        "diagnos",
    ]
    for row in supporter_rows:
        visible = row.subject + (" " + row.body if row.channel == "sms" else "")
        for word in forbidden:
            assert word not in visible, (row.kind, word, visible)


# --- the SQL prefilters at their edges (the planner reads only who may be due) ----------------


def test_a_start_on_29_february_is_celebrated_on_the_28th_in_a_common_year(patient, person):
    Patient.objects.filter(pk=patient.pk).update(recovery_start=date(2024, 2, 29))

    tick("2025-02-28T14:30:00Z")  # 9:00 EST is 14:00 UTC

    (row,) = [r for r in rows("milestone_day") if r.recipient_key == f"user:{person.pk}"]
    assert row.occurrence == f"milestone:{patient.pk}:1y:2025-02-28"
    assert row.due_at == utc("2025-02-28T14:00:00Z")


def test_a_ten_year_anniversary_is_found(patient, person):
    Patient.objects.filter(pk=patient.pk).update(recovery_start=date(2016, 7, 4))

    tick("2026-07-04T13:30:00Z")  # 9:00 EDT is 13:00 UTC

    assert [
        r.occurrence for r in rows("milestone_day") if r.recipient_key == f"user:{person.pk}"
    ] == [f"milestone:{patient.pk}:10y:2026-07-04"]


def test_a_supporter_in_tokyo_is_reminded_at_their_time_across_midnight(
    patient, person, contact, supporter
):
    """The patient is in New York; the supporter's account says Tokyo. Their cadence is Monday
    at 00:15 Tokyo time, which is Sunday 15:15 UTC: a window that spans two local days."""
    from datetime import time as clock

    supporter.time_zone = "Asia/Tokyo"
    supporter.save()
    contact.reach_out_weekday = 0  # Monday
    contact.reach_out_time = clock(0, 15)
    contact.save()
    grant(contact, person, ["milestones"])

    tick("2026-12-06T14:50:00Z")  # Sunday 23:50 in Tokyo: not yet
    assert rows("reach_out_reminder") == []
    tick("2026-12-06T15:40:00Z")  # Monday 00:40 in Tokyo (still Sunday 10:40 in New York)

    (row,) = rows("reach_out_reminder")
    assert row.recipient_contact_id == contact.pk
    assert row.due_at == utc("2026-12-06T15:15:00Z")
    assert row.occurrence == f"reach_out:{contact.pk}:2026-12-07"


def test_a_checkin_reminder_at_a_chosen_time_on_the_night_clocks_go_back(patient):
    """1:30 happens twice in New York on 1 November 2026; the first one (EDT) is the one."""
    from datetime import time as clock

    Patient.objects.filter(pk=patient.pk).update(checkin_reminder_time=clock(1, 30))

    tick("2026-11-01T05:45:00Z")  # 1:45 EDT

    (row,) = rows("checkin_reminder")
    assert row.due_at == utc("2026-11-01T05:30:00Z")
    tick("2026-11-01T06:45:00Z")  # 1:45 EST: the same local day, nothing new
    assert len(rows("checkin_reminder")) == 1
