"""The person's own feed: their appointments with plain titles and the place; a cancelled one
leaves; the feed ends with their sign-in."""

from datetime import timedelta

import pytest

from accounts.models import Membership
from patients.models import AppointmentStatus
from tests.calendars.conftest import NOW, events_of, fetch, parse
from tests.factories import AppointmentFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_the_person_sees_their_appointments_plainly(patient_feed, own_appointment):
    calendar = parse(fetch(patient_feed))

    assert str(calendar["X-WR-CALNAME"]) == "My appointments"
    (entry,) = events_of(calendar)
    assert str(entry["SUMMARY"]) == "Counseling"
    assert str(entry["LOCATION"]) == "Room 2"
    assert entry.decoded("DTSTART") == own_appointment.starts_at
    assert entry.decoded("DTEND") == own_appointment.ends_at
    assert str(entry["TRANSP"]) == "OPAQUE"
    assert "Harbor" not in fetch(patient_feed).content.decode()


def test_an_untitled_appointment_shows_its_kind_and_a_video_link(patient_feed, patient):
    AppointmentFactory(
        patient=patient,
        kind="telehealth",
        title="",
        location="",
        video_url="https://video.example.org/room/1",
        starts_at=NOW + timedelta(days=4),
        ends_at=NOW + timedelta(days=4, hours=1),
    )

    entries = events_of(parse(fetch(patient_feed)))

    video = next(e for e in entries if str(e["SUMMARY"]) == "Telehealth")
    assert str(video["URL"]) == "https://video.example.org/room/1"


def test_cancelled_and_other_peoples_appointments_are_not_in_it(patient_feed, patient, clinic):
    AppointmentFactory(patient=patient, title="Moved", status=AppointmentStatus.CANCELLED)
    AppointmentFactory(patient=PatientFactory(clinic=clinic), title="Someone else's")

    assert [str(e["SUMMARY"]) for e in events_of(parse(fetch(patient_feed)))] == ["Counseling"]


def test_the_feed_ends_with_the_persons_sign_in(patient_feed, person, clinic):
    Membership.objects.filter(user=person, organization=clinic).update(is_active=False)

    assert fetch(patient_feed).status_code == 404


def test_a_record_unlinked_from_its_sign_in_has_no_feed(patient_feed, patient):
    patient.user = None
    patient.save(update_fields=["user"])

    assert fetch(patient_feed).status_code == 404


def test_reading_the_feed_costs_the_same_with_many_appointments(
    patient_feed, patient, django_assert_max_num_queries, pinned
):
    # The feed, the owner's sign-in, the appointments and the stamp of the read.
    with django_assert_max_num_queries(4):
        fetch(patient_feed)
    for day in range(30):
        AppointmentFactory(patient=patient, starts_at=NOW + timedelta(days=day + 2))
    pinned.shift(timedelta(minutes=11))

    with django_assert_max_num_queries(4):
        response = fetch(patient_feed)

    assert len(events_of(parse(response))) == 31
