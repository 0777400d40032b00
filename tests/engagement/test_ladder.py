"""The escalation ladder for missed check-ins, through the real planner (`reminders_tick`).

Jordan (New York) last checked in on Sunday 2026-03-01. With the defaults, day 2 is reached on
Wednesday the 4th (the 2nd and 3rd missed: the nudge from 9:00 EST = 14:00 UTC), day 4 on Friday
the 6th (the chosen supporter), day 6 on Sunday the 8th, the day clocks go forward (the
clinician's task from 9:00 EDT = 13:00 UTC).
"""

import re
from datetime import date, datetime
from io import StringIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from audit.models import AuditEvent
from coping.models import CheckIn
from coping.services import checkin_submit
from engagement import ladder as ladder_module
from engagement.models import ActionLink, Ladder, LadderPolicy, LadderStep, PatientEngagement, Rung
from networks.models import ReachOut
from networks.services import consent_revoke
from notifications.models import ContactOptOut, Notification, Status
from notifications.outbox import dispatch_due
from patients.models import Alert, AlertKind, CareTeamMember, Patient, PatientStatus
from tests.engagement.conftest import add_supporter, grant

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
SETUP = "2026-02-01T12:00:00Z"
DAY2_BEFORE, DAY2 = "2026-03-04T13:59:00Z", "2026-03-04T14:00:00Z"  # 8:59 / 9:00 EST
DAY4_BEFORE, DAY4 = "2026-03-06T13:59:00Z", "2026-03-06T14:00:00Z"
DAY6_BEFORE, DAY6 = "2026-03-08T12:59:00Z", "2026-03-08T13:00:00Z"  # 8:59 / 9:00 EDT

# Words that would tell a supporter why they are asked, or anything clinical.
TELLING = re.compile(
    r"miss|check.?in|recover|clinic|treat|relapse|setback|alcohol|drug|substance|opioid|"
    r"counsel|therap|diagnos|care team|alert|quiet|worr|harbor|rivera",
    re.IGNORECASE,
)


def tick(at: str, *, send: bool = True) -> str:
    """The minute tick as it runs at `at`, then the outbox sends what is due (the test's
    transaction never commits, so on-commit dispatch does not fire: dispatch_due stands in)."""
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("reminders_tick", "--at", at, stdout=out)
        if send:
            dispatch_due()
    return out.getvalue()


def planned(output: str) -> int:
    return int(re.match(r"planned=(\d+)", output)[1])


def steps(patient: Patient) -> list[str]:
    return list(
        LadderStep.objects.filter(ladder__patient=patient)
        .order_by("pk")
        .values_list("rung", flat=True)
    )


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


def choose(patient: Patient, contact) -> None:
    PatientEngagement.objects.update_or_create(
        patient=patient, defaults={"ladder_contact": contact}
    )


@pytest.fixture
def quiet(patient, contact):
    """Jordan, with the program since February, last check-in on 2026-03-01, and Pat chosen
    for the supporter rung with check-in summaries shared."""
    Patient.objects.filter(pk=patient.pk).update(
        created_at=datetime(2026, 2, 1, tzinfo=UTC), status=PatientStatus.ACTIVE
    )
    patient.refresh_from_db()
    with time_machine.travel(SETUP, tick=False):
        grant(contact, ["checkin_summary"])
    choose(patient, contact)
    CheckIn.objects.create(
        patient=patient, local_date=date(2026, 3, 1), mood=6, craving=2, stress=3
    )
    return patient


def test_the_ladder_climbs_on_days_2_4_and_6_from_9_local_across_the_clock_change(
    quiet, contact, person, team_clinician
):
    tick(DAY2_BEFORE)
    assert not Ladder.objects.exists()

    tick(DAY2)
    (ladder,) = Ladder.objects.all()
    assert ladder.streak == "2026-03-01" and ladder.closed_at is None
    assert steps(quiet) == [Rung.NUDGE]
    assert Alert.objects.get().kind == AlertKind.MISSED_CHECKINS
    assert rows("missed_checkins")[0].recipient_user == person

    tick("2026-03-05T14:00:00Z")  # day 3: nothing new
    tick(DAY4_BEFORE)
    assert steps(quiet) == [Rung.NUDGE]

    tick(DAY4)
    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER]
    (ask,) = rows("ladder_supporter")
    assert ask.recipient_contact == contact and ask.status == Status.SENT
    assert ask.occurrence == f"ladder:{ladder.pk}:supporter"
    assert [m.to for m in mail.outbox if m.subject == ask.subject] == [["pat@example.org"]]
    assert not rows("ladder_task")

    tick(DAY6_BEFORE)  # 8:59 EDT (7:59 by the winter clock)
    assert not rows("ladder_task")
    tick(DAY6)  # 9:00 EDT: an hour earlier in UTC than the nudge was
    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN]
    task = LadderStep.objects.get(rung=Rung.CLINICIAN)
    assert task.assigned_to == team_clinician
    (message,) = rows("ladder_task")
    assert message.recipient_user == team_clinician and message.channel == "in_app"
    assert "Jordan Rivera" in message.subject and "6 days" in message.subject
    assert Alert.objects.count() == 1  # one alert per streak, the ladder adds none


def test_running_a_tick_twice_plans_nothing_new(quiet):
    for at in (DAY2, DAY4, DAY6):
        first = tick(at)
        before = (
            Notification.objects.count(),
            LadderStep.objects.count(),
            ActionLink.objects.count(),
            Alert.objects.count(),
        )
        again = tick(at)
        later = tick(at.replace(":00:00Z", ":30:00Z"))
        assert planned(first) >= 1 and planned(again) == 0 and planned(later) == 0
        assert before == (
            Notification.objects.count(),
            LadderStep.objects.count(),
            ActionLink.objects.count(),
            Alert.objects.count(),
        )
    assert Notification.objects.filter(kind__startswith="ladder_").count() == 2


def test_a_checkin_on_day_3_closes_the_ladder_and_nothing_more_happens(quiet, person):
    tick(DAY2)
    with time_machine.travel("2026-03-05T23:00:00Z", tick=False):  # 18:00 on day 3
        checkin_submit(patient=quiet, actor=person, mood=5, craving=3, stress=4)

    ladder = Ladder.objects.get()
    assert ladder.closed_at is not None and ladder.closed_reason == "checked in"
    for at in (DAY4, "2026-03-07T14:00:00Z"):
        tick(at)
    assert steps(quiet) == [Rung.NUDGE]
    assert not rows("ladder_supporter") and not rows("ladder_task")
    assert Ladder.objects.count() == 1


def test_a_checkin_entered_by_the_clinician_closes_it_too(quiet, team_clinician):
    tick(DAY4)
    with time_machine.travel("2026-03-06T20:00:00Z", tick=False):
        checkin_submit(patient=quiet, actor=team_clinician, mood=5, craving=3, stress=4)
    assert Ladder.objects.get().closed_reason == "checked in"


def test_a_planner_that_did_not_run_catches_up_in_order(quiet, contact, team_clinician):
    tick(DAY2)  # the nudge; then no tick at all until day 7
    tick("2026-03-09T13:30:00Z")  # 9:30 EDT on day 7

    ladder = Ladder.objects.get()
    taken = list(ladder.steps.order_by("pk"))
    assert [s.rung for s in taken] == [Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN]
    assert taken[1].taken_at == taken[2].taken_at  # both on the catch-up tick, in order
    assert len(rows("ladder_supporter")) == 1 and len(rows("ladder_task")) == 1


def test_catching_up_from_nothing_takes_every_rung_in_order(quiet):
    tick("2026-03-09T13:30:00Z")  # the first tick since the 1st

    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN]
    assert Alert.objects.count() == 1 and len(rows("missed_checkins")) == 1


def test_the_ladder_never_skips_a_rung_that_is_not_recorded(quiet):
    # A ladder whose first rung is missing (say, restored from a backup) does not climb.
    Ladder.objects.create(
        patient=quiet, streak="2026-03-01", opened_at=datetime(2026, 3, 4, 14, tzinfo=UTC)
    )

    tick("2026-03-09T13:30:00Z")

    assert steps(quiet) == []
    assert not rows("ladder_supporter") and not rows("ladder_task")


def test_a_supporter_without_checkin_summary_consent_is_not_asked(quiet, patient):
    sam = add_supporter(patient, "Sam Lee", "sam@example.org")
    with time_machine.travel(SETUP, tick=False):
        grant(sam, ["milestones", "help_tasks"])
    choose(quiet, sam)

    tick(DAY4)

    step = LadderStep.objects.get(rung=Rung.SUPPORTER)
    assert step.contact == sam and step.note == ladder_module.NOTE_NOT_SHARED
    assert not rows("ladder_supporter") and not ActionLink.objects.exists()


def test_nobody_chosen_means_nobody_is_asked(quiet):
    # Pat can see check-in summaries, but the person did not choose anyone: we do not choose
    # for them (being asked to reach out says something is up).
    PatientEngagement.objects.filter(patient=quiet).update(ladder_contact=None)

    tick(DAY6)

    step = LadderStep.objects.get(rung=Rung.SUPPORTER)
    assert step.contact is None and step.note == ladder_module.NOTE_NOBODY_CHOSEN
    assert not rows("ladder_supporter")
    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN]  # the ladder goes on


def test_an_opted_out_supporter_is_not_asked(quiet, contact):
    ContactOptOut.objects.create(contact=contact, kind="ladder_supporter")

    tick(DAY4)

    assert LadderStep.objects.get(rung=Rung.SUPPORTER).note == ladder_module.NOTE_OPTED_OUT
    assert not rows("ladder_supporter")


def test_a_consent_revoked_after_planning_skips_the_message(quiet, contact):
    tick(DAY4, send=False)
    (ask,) = rows("ladder_supporter")
    assert ask.status == Status.PENDING
    with time_machine.travel("2026-03-06T14:05:00Z", tick=False):
        consent_revoke(consent=contact.consents.get(), actor=quiet.user, reason="changed my mind")
        dispatch_due()
    ask.refresh_from_db()
    assert ask.status == Status.SKIPPED


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_the_supporter_message_never_says_why(quiet, contact, channel):
    contact.preferred_channel, contact.phone = channel, "+15555550100"
    contact.save()

    tick(DAY4)

    (ask,) = rows("ladder_supporter")
    assert ask.channel == channel
    text = f"{ask.subject} {ask.body}"
    assert "Jordan" in text and "Pat" in text
    assert not TELLING.search(text), TELLING.search(text)
    assert "/a/" in ask.body  # the one-action link
    assert ask.subject == "" if channel == "sms" else ask.subject


def test_the_reached_out_link_records_the_act_once_without_signing_in(client, quiet, contact):
    tick(DAY4)
    (ask,) = rows("ladder_supporter")
    path = urlsplit(ask.link).path

    with time_machine.travel("2026-03-06T15:00:00Z", tick=False):
        page = client.get(path)
        assert page.status_code == 200 and "Jordan" in page.content.decode()
        assert not LadderStep.objects.filter(acted_at__isnull=False).exists()
        done = client.post(path)
        again = client.post(path)

    assert done.status_code == 200 and 'data-testid="action-done"' in done.content.decode()
    assert again.status_code == 410
    step = LadderStep.objects.get(rung=Rung.SUPPORTER)
    assert step.acted_by_contact == contact and step.acted_at is not None
    (reach_out,) = ReachOut.objects.all()
    assert (reach_out.channel, reach_out.happened_on) == ("message", date(2026, 3, 6))
    assert (
        AuditEvent.objects.filter(
            object_type="engagement.LadderStep", object_id=str(step.pk)
        ).count()
        == 1
    )


def test_the_link_does_nothing_once_check_in_summaries_are_no_longer_shared(client, quiet, contact):
    tick(DAY4)
    path = urlsplit(rows("ladder_supporter")[0].link).path
    with time_machine.travel("2026-03-06T15:00:00Z", tick=False):
        consent_revoke(consent=contact.consents.get(), actor=quiet.user, reason="changed my mind")
        page = client.post(path)
    assert page.status_code == 410
    assert not LadderStep.objects.filter(acted_at__isnull=False).exists()
    assert not ReachOut.objects.exists()


def test_discharge_closes_the_ladder_at_the_next_tick(quiet):
    tick(DAY2)
    Patient.objects.filter(pk=quiet.pk).update(status=PatientStatus.DISCHARGED)

    tick(DAY4)

    ladder = Ladder.objects.get()
    assert ladder.closed_reason == "no longer active in the program"
    assert steps(quiet) == [Rung.NUDGE] and not rows("ladder_supporter")


def test_the_clinics_policy_sets_the_days(quiet, clinic):
    LadderPolicy.objects.create(clinic=clinic, supporter_after_days=3, clinician_after_days=5)

    tick("2026-03-05T14:00:00Z")  # day 3
    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER]
    tick("2026-03-07T14:00:00Z")  # day 5
    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN]


def test_a_clinic_without_the_ladder_keeps_the_alert_only(quiet, clinic):
    LadderPolicy.objects.create(clinic=clinic, enabled=False)

    tick(DAY6)

    assert not Ladder.objects.exists()
    assert Alert.objects.count() == 1 and len(rows("missed_checkins")) == 1


def test_turning_the_ladder_off_closes_the_open_ones(quiet, clinic):
    tick(DAY2)
    LadderPolicy.objects.create(clinic=clinic, enabled=False)

    tick(DAY4)

    assert Ladder.objects.get().closed_reason == "the clinic turned the ladder off"
    assert steps(quiet) == [Rung.NUDGE]


def test_no_primary_clinician_is_recorded_on_the_step(quiet):
    CareTeamMember.objects.filter(patient=quiet).update(is_primary=False)

    tick(DAY6)

    step = LadderStep.objects.get(rung=Rung.CLINICIAN)
    assert step.assigned_to is None and step.note == ladder_module.NOTE_NO_PRIMARY
    assert not rows("ladder_task")


def test_a_person_who_never_checked_in_counts_from_the_day_they_joined(patient, contact):
    Patient.objects.filter(pk=patient.pk).update(created_at=datetime(2026, 3, 1, 17, tzinfo=UTC))
    with time_machine.travel(SETUP, tick=False):
        grant(contact, ["checkin_summary"])
    choose(patient, contact)

    tick(DAY2)
    assert Ladder.objects.get().streak == "never"
    tick(DAY4)
    assert steps(patient) == [Rung.NUDGE, Rung.SUPPORTER]


def test_an_alert_raised_before_the_ladder_existed_still_gets_its_ladder(quiet, clinic):
    Alert.objects.create(
        clinic=clinic,
        patient=quiet,
        kind=AlertKind.MISSED_CHECKINS,
        message="No check-ins for 2 days.",
        source="missed:2026-03-01",
    )

    tick(DAY4)

    assert steps(quiet) == [Rung.NUDGE, Rung.SUPPORTER]
    assert LadderStep.objects.get(rung=Rung.NUDGE).note == ladder_module.NOTE_ALERTED_EARLIER
    assert Alert.objects.count() == 1 and not rows("missed_checkins")
