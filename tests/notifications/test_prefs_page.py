"""The preferences page: defaults, saving, field errors; and `wants()`."""

from datetime import time

import pytest
from django.urls import reverse

from accounts.models import Role
from notifications.models import NotificationPreference
from notifications.preferences import wants
from tests.factories import member

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def _post(**changes: object) -> dict:
    data = {"channels_checkin_reminder": ["email", "in_app"], "channels_heartbeat": ["in_app"]}
    return data | changes


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_defaults_are_email_and_in_app(clinic):
    me = member(Role.PATIENT, clinic)
    assert wants(me, "checkin_reminder", "email") and wants(me, "checkin_reminder", "in_app")
    assert not wants(me, "checkin_reminder", "sms")
    assert not NotificationPreference.objects.exists()


def test_page_shows_defaults_and_saves(client, clinic):
    me = member(Role.SUPPORTER, clinic)
    client.force_login(me)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"]["channels_milestone_day"].value() == ["email", "in_app"]

    response = client.post(
        URL,
        _post(
            channels_checkin_reminder=["sms"],
            quiet_hours_start="22:00",
            quiet_hours_end="07:00",
            unsubscribed_kinds=["milestone_day"],
        ),
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=me)
    assert preference.channels["checkin_reminder"] == ["sms"]
    assert preference.channels["milestone_heads_up"] == []
    assert (preference.quiet_hours_start, preference.quiet_hours_end) == (time(22), time(7))
    assert wants(me, "checkin_reminder", "sms") and not wants(me, "checkin_reminder", "email")
    assert not wants(me, "milestone_day", "in_app")  # unsubscribed
    assert wants(me, "heartbeat", "in_app")


def test_pause_stops_everything(client, clinic):
    me = member(Role.PATIENT, clinic)
    client.force_login(me)
    client.post(URL, _post(paused="on"))
    assert not wants(me, "checkin_reminder", "email")
    assert not wants(me, "heartbeat", "in_app")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"quiet_hours_start": "07:00", "quiet_hours_end": "07:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "25:99", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"channels_heartbeat": ["carrier-pigeon"]}, "channels_heartbeat"),
        ({"unsubscribed_kinds": ["spam"]}, "unsubscribed_kinds"),
    ],
)
def test_bad_input_shows_field_errors(client, clinic, data, field):
    me = member(Role.PATIENT, clinic)
    client.force_login(me)
    response = client.post(URL, _post(**data))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not NotificationPreference.objects.exists()


def test_a_user_without_a_clinic_may_edit_preferences(client):
    from tests.factories import UserFactory

    me = UserFactory()
    client.force_login(me)
    assert client.get(URL).status_code == 200


def test_a_supporter_sets_their_own_time_zone_and_quiet_hours_follow_it(client, clinic):
    from datetime import UTC, datetime

    from notifications.preferences import quiet_until

    me = member(Role.SUPPORTER, clinic, time_zone="America/New_York")
    client.force_login(me)
    assert client.get(URL).context["form"]["time_zone"].value() == "America/New_York"

    response = client.post(
        URL, _post(time_zone="Asia/Tokyo", quiet_hours_start="22:00", quiet_hours_end="07:00")
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert me.time_zone == "Asia/Tokyo"
    # 14:00 UTC is 23:00 in Tokyo (quiet until 07:00 there, 22:00 UTC), 09:00 in New York.
    assert quiet_until(me, datetime(2026, 1, 15, 14, tzinfo=UTC)) == datetime(
        2026, 1, 15, 22, tzinfo=UTC
    )


def test_a_person_in_recovery_moves_and_their_reminders_move_with_them(client, clinic):
    from audit.models import AuditEvent
    from tests.factories import PatientFactory

    me = member(Role.PATIENT, clinic, time_zone="America/New_York")
    record = PatientFactory(clinic=clinic, user=me, time_zone="America/New_York")
    client.force_login(me)

    client.post(URL, _post(time_zone="America/Denver"))

    record.refresh_from_db()
    assert record.time_zone == "America/Denver"
    event = AuditEvent.objects.get(patient=record, action="update")
    assert event.details == {
        "field": "time_zone",
        "from": "America/New_York",
        "to": "America/Denver",
    }


def test_a_blank_or_unknown_time_zone_changes_nothing(client, clinic):
    me = member(Role.SUPPORTER, clinic, time_zone="America/Chicago")
    client.force_login(me)

    assert client.post(URL, _post(time_zone="")).status_code == 302
    refused = client.post(URL, _post(time_zone="Mars/Olympus_Mons"))

    assert refused.status_code == 200 and refused.context["form"].errors["time_zone"]
    me.refresh_from_db()
    assert me.time_zone == "America/Chicago"
