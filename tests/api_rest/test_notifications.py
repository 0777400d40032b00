"""The notifications API: a person's inbox and preferences, the clinic admin's delivery log and
retry."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import Action, AuditEvent
from notifications.models import Channel, Kind, Notification, NotificationPreference, Status
from tests.api_rest.conftest import as_user, ids
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/me/notifications/"
PREFERENCES = "/api/v1/me/notification-preferences/"
LOG = "/api/v1/notifications/log/"
NOW = datetime(2026, 5, 4, 14, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def in_app(user, **fields) -> Notification:
    fields = {"status": Status.SENT, "sent_at": NOW, **fields}
    return NotificationFactory(recipient_user=user, channel=Channel.IN_APP, **fields)


def test_the_inbox_marks_one_then_all_read(person):
    first, second = in_app(person), in_app(person)
    api = as_user(person)

    one = api.post(f"{INBOX}{first.pk}/read/")
    count = api.get(f"{INBOX}unread-count/")
    unread = api.get(f"{INBOX}?unread=true")
    everything = api.post(f"{INBOX}read-all/")

    assert one.status_code == 200 and one.json()["read_at"]
    assert count.json() == {"unread": 1}
    assert ids(unread) == [second.pk]
    assert everything.json() == {"marked": 1}
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    first.refresh_from_db()
    assert first.read_at == NOW


def test_someone_elses_notification_is_a_404(person, supporter):
    theirs = in_app(supporter)

    assert as_user(person).post(f"{INBOX}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert ids(as_user(person).get(INBOX)) == []


def test_email_and_pending_rows_are_not_in_the_inbox(person):
    NotificationFactory(recipient_user=person)  # an email
    in_app(person, status=Status.PENDING)

    assert ids(as_user(person).get(INBOX)) == []


def test_a_bad_filter_value_is_a_400(person):
    response = as_user(person).get(f"{INBOX}?unread=maybe-not")

    assert response.status_code == 400 and "unread" in response.json()


def test_the_inbox_costs_the_same_for_2_and_12(person, django_assert_max_num_queries):
    api = as_user(person)
    for _ in range(2):
        in_app(person)
    with django_assert_max_num_queries(6) as small:
        assert len(ids(api.get(INBOX))) == 2
    for _ in range(10):
        in_app(person)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(api.get(INBOX))) == 12


# --- Preferences ------------------------------------------------------------------------------


PREFS = {
    "paused": False,
    "quiet_hours_start": "22:00",
    "quiet_hours_end": "07:00",
    "urgent_in_quiet_hours": True,
    "unsubscribed_kinds": ["digest"],
    "channels": {"checkin_reminder": ["sms"]},
    "time_zone": "America/Chicago",
}


def test_a_person_saves_their_preferences(supporter):
    response = as_user(supporter).put(PREFERENCES, PREFS, format="json")

    assert response.status_code == 200, response.content
    preference = NotificationPreference.objects.get(user=supporter)
    assert (preference.quiet_hours_start, preference.quiet_hours_end) == (time(22), time(7))
    assert preference.unsubscribed_kinds == ["digest"]
    assert preference.channels["checkin_reminder"] == ["sms"]
    assert preference.channels["digest"] == ["email", "in_app"]  # kinds not named keep theirs
    supporter.refresh_from_db()
    assert supporter.time_zone == "America/Chicago"
    assert as_user(supporter).get(PREFERENCES).json()["quiet_hours_start"] == "22:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quiet_hours_end": None}, "quiet_hours_end"),
        ({"quiet_hours_end": "22:00"}, "quiet_hours_end"),
        ({"unsubscribed_kinds": ["spam"]}, "unsubscribed_kinds.0"),
        ({"channels": {"nonsense": ["email"]}}, "channels"),
        ({"channels": {"digest": ["pigeon"]}}, "channels.digest.0"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"paused": "no"}, "paused"),
    ],
)
def test_bad_preferences_are_a_400_naming_the_field(person, change, field):
    response = as_user(person).put(PREFERENCES, {**PREFS, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not NotificationPreference.objects.filter(user=person).exists()


# --- The delivery log -------------------------------------------------------------------------


def test_the_admin_reads_the_log_and_sends_a_failed_message_again(
    clinic, clinic_admin, patient, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(clinic=clinic, patient=patient, status=Status.FAILED, attempts=3)
    sent = NotificationFactory(clinic=clinic, status=Status.SENT, kind=Kind.DIGEST)

    listed = as_user(clinic_admin).get(f"{LOG}?status=failed")
    with django_capture_on_commit_callbacks():
        retried = as_user(clinic_admin).post(f"{LOG}{failed.pk}/retry/")
    not_failed = as_user(clinic_admin).post(f"{LOG}{sent.pk}/retry/")

    assert ids(listed) == [failed.pk]
    assert AuditEvent.objects.filter(action=Action.LIST, details__list="notifications_log").exists()
    assert retried.status_code == 200
    failed.refresh_from_db()
    assert failed.attempts == 0 and failed.due_at == NOW
    assert not_failed.status_code == 400


def test_the_log_is_the_clinic_admins_alone(clinic, other_clinic, team_clinician, outsider, person):
    ours = NotificationFactory(clinic=clinic, status=Status.FAILED)

    for user in (team_clinician, person):
        assert as_user(user).get(LOG).status_code == 404
        assert as_user(user).post(f"{LOG}{ours.pk}/retry/").status_code == 404
    assert ids(as_user(outsider).get(LOG)) == []
    assert as_user(outsider).post(f"{LOG}{ours.pk}/retry/").status_code == 404
    ours.refresh_from_db()
    assert ours.status == Status.FAILED


def test_a_bad_log_filter_is_a_400(clinic_admin):
    response = as_user(clinic_admin).get(f"{LOG}?due_from=tomorrow&channel=pigeon")

    assert response.status_code == 400
    assert {"due_from", "channel"} <= set(response.json())


def test_the_log_costs_the_same_for_2_and_12(clinic, clinic_admin, django_assert_max_num_queries):
    api = as_user(clinic_admin)
    NotificationFactory.create_batch(2, clinic=clinic)
    with django_assert_max_num_queries(10) as small:
        assert len(ids(api.get(LOG))) == 2
    NotificationFactory.create_batch(10, clinic=clinic)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(api.get(LOG))) == 12
