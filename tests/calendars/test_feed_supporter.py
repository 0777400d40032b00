"""A supporter's private feed, parsed back with `icalendar`: the help tasks they claimed, the
consented milestones (an alarm the day before), the sessions and workshops they are invited
to, all busy and with no clinic or clinical detail; and a 404 as soon as the consent, the
contact or the sign-in ends."""

from datetime import date, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from accounts.models import Membership, Role
from calendars.models import CalendarFeed
from calendars.services import feed_ensure
from networks.models import ContactStatus, HelpStatus, Scope
from networks.services import consent_revoke, contact_set_status, help_task_create
from patients.models import PatientStatus
from tests.calendars.conftest import NOW, events_of, fetch, grant, parse
from tests.factories import AppointmentFactory, PatientFactory, SupportContactFactory, member

pytestmark = pytest.mark.django_db

# Words that would tell a reader of the supporter's calendar where or why: the clinic, the
# place, the kind of session and the clinical words of the rows behind the entries.
REVEALING = (
    "Harbor",
    "Recovery",
    "Center",
    "room",
    "therapy",
    "Dr.",
    "Lee",
    "opioid",
    "disorder",
    "workshop",
    "session",
    "Telehealth",
    "counsel",
)


def summaries(calendar: Calendar) -> list[str]:
    return [str(component["SUMMARY"]) for component in events_of(calendar)]


def text_of(response) -> str:
    return response.content.decode()


def test_the_feed_holds_tasks_milestones_and_sessions_as_busy_entries(supporter_feed, claimed_task):
    calendar = parse(fetch(supporter_feed))

    assert str(calendar["X-WR-CALNAME"]) == "Support calendar: Jordan"
    found = summaries(calendar)
    assert found.count("A ride on Thursday") == 1  # the task, in the person's own words
    assert found.count("Busy: support time") == 2  # the family session and the workshop
    assert found.count("Celebrate with Jordan") == 4  # 60, 90, 180 days and one year
    for component in events_of(calendar):
        assert str(component["TRANSP"]) == "OPAQUE"
        assert "LOCATION" not in component and "URL" not in component
    task = next(c for c in events_of(calendar) if str(c["SUMMARY"]) == "A ride on Thursday")
    assert task.decoded("DTSTART") == date(2026, 3, 12)


def test_nothing_names_the_clinic_or_the_care(supporter_feed):
    body = text_of(fetch(supporter_feed))

    for word in REVEALING:
        assert word.lower() not in body.lower(), word


def test_each_milestone_has_an_alarm_the_day_before(supporter_feed):
    calendar = parse(fetch(supporter_feed))

    milestones = [c for c in events_of(calendar) if str(c["SUMMARY"]) == "Celebrate with Jordan"]
    ninety = next(c for c in milestones if str(c["DESCRIPTION"]) == "90 days")
    assert ninety.decoded("DTSTART") == date(2026, 4, 1)
    (alarm,) = ninety.walk("VALARM")
    trigger = alarm.decoded("TRIGGER")
    assert trigger < timedelta(0) and -trigger < timedelta(days=1)  # on the day before
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert all(len(m.walk("VALARM")) == 1 for m in milestones)


def test_sessions_are_busy_with_the_real_times(supporter_feed, family_session):
    calendar = parse(fetch(supporter_feed))

    busy = [c for c in events_of(calendar) if str(c["SUMMARY"]) == "Busy: support time"]
    starts = sorted(c.decoded("DTSTART") for c in busy)
    assert starts[0] == family_session.starts_at
    assert starts[1] == NOW + timedelta(days=5)


def test_the_feed_answers_404_once_the_consent_is_revoked(supporter_feed, consent, person):
    before = parse(fetch(supporter_feed))
    assert len(events_of(before)) == 7

    consent_revoke(consent=consent, actor=person, reason="Taking a break")
    after = fetch(supporter_feed)

    assert after.status_code == 404
    assert b"BEGIN:VCALENDAR" not in after.content


def test_a_narrower_consent_narrows_the_feed_at_once(supporter_feed, contact, person):
    grant(contact, person, [Scope.HELP_TASKS])  # supersedes the consent to share everything

    calendar = parse(fetch(supporter_feed))

    assert summaries(calendar) == ["A ride on Thursday", "Busy: support time"]  # + the workshop


def test_without_the_milestones_scope_there_is_no_milestone(supporter_feed, contact, person):
    grant(contact, person, [Scope.APPOINTMENTS])

    found = summaries(parse(fetch(supporter_feed)))

    assert found == ["Busy: support time", "Busy: support time"]


@pytest.mark.parametrize("status", [ContactStatus.PAUSED, ContactStatus.REMOVED])
def test_a_paused_or_removed_contact_has_no_feed(supporter_feed, contact, person, status):
    contact_set_status(contact=contact, actor=person, status=status)

    assert fetch(supporter_feed).status_code == 404


def test_a_supporter_whose_sign_in_ended_has_no_feed(supporter_feed, supporter, clinic):
    Membership.objects.filter(user=supporter, organization=clinic).update(is_active=False)

    assert fetch(supporter_feed).status_code == 404


def test_a_discharge_ends_a_consent_that_ends_with_it(supporter_feed, patient):
    patient.status = PatientStatus.DISCHARGED
    patient.save(update_fields=["status"])

    assert fetch(supporter_feed).status_code == 404


def test_a_task_done_or_released_leaves_the_feed(supporter_feed, claimed_task):
    claimed_task.status = HelpStatus.DONE
    claimed_task.save(update_fields=["status"])

    assert "A ride on Thursday" not in summaries(parse(fetch(supporter_feed)))


def test_another_supporters_task_and_sessions_are_not_in_it(
    supporter_feed, patient, person, clinic
):
    other = SupportContactFactory(patient=patient, status=ContactStatus.ACTIVE)
    grant(other, person, [Scope.HELP_TASKS, Scope.APPOINTMENTS])
    task = help_task_create(patient=patient, actor=person, kind="meal", title="Soup on Sunday")
    task.claimed_by, task.status = other, HelpStatus.CLAIMED
    task.save()
    AppointmentFactory(patient=patient).network_attendees.add(other)

    found = summaries(parse(fetch(supporter_feed)))

    assert "Soup on Sunday" not in found and found.count("Busy: support time") == 2


def test_a_made_up_or_malformed_token_is_a_404(supporter_feed):
    assert fetch("/calendar/feed/" + "0" * 64 + ".ics").status_code == 404
    assert fetch("/calendar/feed/short.ics").status_code == 404
    assert fetch(f"/calendar/feed/{supporter_feed.token[:-1]}x.ics").status_code == 404


def test_a_head_request_answers_like_a_get(supporter_feed):

    response = Client().head(f"/calendar/feed/{supporter_feed.token}.ics")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")


def test_a_read_is_stamped_and_not_cached(supporter_feed):
    response = fetch(supporter_feed)

    supporter_feed.refresh_from_db()
    assert supporter_feed.last_fetched_at == NOW
    assert "no-store" in response["Cache-Control"]


def test_the_database_alone_does_not_hold_the_url(supporter_feed):
    row = CalendarFeed.objects.filter(pk=supporter_feed.pk).values().get()

    assert supporter_feed.token not in {str(value) for value in row.values()}
    assert row["token_hash"] != supporter_feed.token


def test_reading_the_feed_costs_the_same_with_many_entries(
    supporter_feed, patient, person, contact, django_assert_max_num_queries, pinned
):
    # The feed, the consent rule, the owner's sign-in, then one query each for the tasks, the
    # help calendar's times taken, the sessions and the workshops, and the stamp of the read:
    # 8, whatever the entries.
    with django_assert_max_num_queries(8):
        few = fetch(supporter_feed)
    for day in range(20):
        task = help_task_create(
            patient=patient,
            actor=person,
            kind="call",
            title=f"Call {day}",
            due_on=date(2026, 3, 11) + timedelta(days=day),
        )
        task.claimed_by, task.status = contact, HelpStatus.CLAIMED
        task.save()
        AppointmentFactory(
            patient=patient, starts_at=NOW + timedelta(days=day + 1)
        ).network_attendees.add(contact)
    pinned.shift(timedelta(minutes=11))  # past the stamp's interval: the stamp is written

    with django_assert_max_num_queries(8):
        many = fetch(supporter_feed)

    assert len(events_of(parse(many))) == len(events_of(parse(few))) + 40


def test_a_supporter_of_two_people_has_a_feed_for_each(supporter, person, clinic, contact):
    sam = member(Role.PATIENT, clinic)
    other_patient = PatientFactory(clinic=clinic, legal_name="Sam Ortiz", user=sam)
    other_contact = SupportContactFactory(
        patient=other_patient, user=supporter, status=ContactStatus.ACTIVE
    )
    grant(contact, person, [Scope.MILESTONES])
    grant(other_contact, sam, [Scope.HELP_TASKS])

    mine = feed_ensure(patient=contact.patient, contact=contact, actor=supporter)
    theirs = feed_ensure(patient=other_patient, contact=other_contact, actor=supporter)

    assert mine.token != theirs.token
    assert "Jordan" in str(parse(fetch(mine))["X-WR-CALNAME"])
    assert "Sam" in str(parse(fetch(theirs))["X-WR-CALNAME"])


def test_help_calendar_occasions_taken_are_timed_entries_until_given_back(
    patient, person, contact, supporter, consent
):
    """A weekly ride on the help calendar: each Tuesday the supporter took is its own entry at
    the time window (in the patient's zone); a time given back leaves the feed."""
    from datetime import UTC, datetime, time

    from networks.help_calendar import claim_slot, give_back_slot
    from networks.models import Repeat

    ride = help_task_create(
        patient=patient,
        actor=person,
        kind="ride",
        title="Ride to group",
        due_on=date(2026, 3, 10),
        repeat=Repeat.WEEKLY,
        weekdays=[1],
        repeat_count=6,
        starts_at=time(17),
        ends_at=time(18),
        people_needed=2,
    )
    first = claim_slot(task=ride, day=date(2026, 3, 17), contact=contact, actor=supporter)
    claim_slot(task=ride, day=date(2026, 3, 24), contact=contact, actor=supporter)
    feed = feed_ensure(patient=patient, contact=contact, actor=supporter)

    rides = [c for c in events_of(parse(fetch(feed))) if str(c["SUMMARY"]) == "Ride to group"]
    starts = sorted(c.decoded("DTSTART").astimezone(UTC) for c in rides)
    # 17:00 in New York (EDT from 8 March): 21:00 UTC.
    assert starts == [
        datetime(2026, 3, 17, 21, tzinfo=UTC),
        datetime(2026, 3, 24, 21, tzinfo=UTC),
    ]
    assert all(c.decoded("DTEND") - c.decoded("DTSTART") == timedelta(hours=1) for c in rides)

    give_back_slot(claim=first, actor=supporter)
    rides = [c for c in events_of(parse(fetch(feed))) if str(c["SUMMARY"]) == "Ride to group"]
    assert [c.decoded("DTSTART").date() for c in rides] == [date(2026, 3, 24)]
