"""The four events, heard through the lower apps' signals, each posted once with ids, times and
links only: never a note, an answer, a mood, a substance, a name or an alert's text."""

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from coping.models import CheckIn
from coping.services import checkin_submit
from engagement.services import help_request_send
from networks.services import consent_grant, consent_revoke
from patients.models import Alert, AlertKind, Patient, PatientStatus
from patients.services import alert_raise
from tests.factories import member
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create, endpoint_set_active, endpoint_update

pytestmark = pytest.mark.django_db

CLINICAL = ["whiskey", "the bar", "argued with my brother", "Jordan", "Rivera", "Craving"]


def bodies(receiver, event: str) -> list[dict]:
    return [got.json for got in receiver.received if got.headers["X-RecoveryHub-Event"] == event]


def test_a_checkin_with_use_and_a_note_sends_ids_only(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin, _created = checkin_submit(
            patient=patient,
            actor=person,
            mood=2,
            craving=9,
            stress=8,
            used_since_last=True,
            use_details="whiskey at the bar",
            note="I argued with my brother",
        )

    events = sorted(got.headers["X-RecoveryHub-Event"] for got in receiver.received)
    assert events == ["alert.raised", "alert.raised", "checkin.recorded"]  # craving, use
    raw = b" ".join(got.body for got in receiver.received).decode()
    for text in CLINICAL + [a.message for a in Alert.objects.filter(patient=patient)]:
        assert text not in raw
    for key in ("mood", "craving", "stress", "note", "use_details", "answers", "message", "kind"):
        assert f'"{key}"' not in raw
    (sent,) = bodies(receiver, "checkin.recorded")
    assert sent["data"] == {
        "patient_id": patient.pk,
        "checkin_id": checkin.pk,
        "local_date": checkin.local_date.isoformat(),
    }
    alerts = {body["data"]["alert_id"]: body for body in bodies(receiver, "alert.raised")}
    assert set(alerts) == set(Alert.objects.filter(patient=patient).values_list("pk", flat=True))
    for body in alerts.values():
        assert set(body["data"]) == {"patient_id", "alert_id", "severity"}
        assert body["links"]["alerts"].endswith(f"/api/v1/alerts/?patient_id={patient.pk}")


def test_an_alert_is_sent_once_per_alert(
    patient, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = alert_raise(
            patient=patient, kind=AlertKind.OTHER, message="Said they feel unsafe", source="x:1"
        )
        again = alert_raise(
            patient=patient, kind=AlertKind.OTHER, message="Said they feel unsafe", source="x:1"
        )

    assert first is not None and again is None
    (body,) = bodies(receiver, "alert.raised")
    assert body["data"] == {"patient_id": patient.pk, "alert_id": first.pk, "severity": "medium"}
    assert "unsafe" not in json.dumps(body)


def test_the_help_button_sends_help_requested_and_its_alert(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        help_request = help_request_send(patient=patient, contacts=[], actor=person)
    with django_capture_on_commit_callbacks(execute=True):  # a second press reuses it
        help_request_send(patient=patient, contacts=[], actor=person)

    (body,) = bodies(receiver, "help.requested")
    assert body["data"] == {
        "patient_id": patient.pk,
        "help_request_id": help_request.pk,
        "alert_id": help_request.alert_id,
    }
    assert [b["data"]["alert_id"] for b in bodies(receiver, "alert.raised")] == [
        help_request.alert_id
    ]


def test_a_consent_granted_then_revoked_sends_two_changes(
    patient, person, contact, endpoint, clinic_admin, receiver, django_capture_on_commit_callbacks
):
    endpoint_update(endpoint=endpoint, actor=clinic_admin, events=["consent.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        consent = consent_grant(
            contact=contact,
            actor=person,
            scopes=["milestones"],
            purpose="To support my recovery from alcohol use",
            signed_name="Jordan Rivera",
            signature_method="in_app",
            expires_on_event="discharge",
        )
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(consent=consent, actor=person, reason="We had a falling out")

    changes = bodies(receiver, "consent.changed")
    assert [body["data"]["change"] for body in changes] == ["granted", "revoked"]
    assert changes[1]["data"] == {
        "patient_id": patient.pk,
        "contact_id": contact.pk,
        "consent_id": consent.pk,
        "change": "revoked",
    }
    assert changes[1]["links"]["consents"].endswith(f"/api/v1/contacts/{contact.pk}/consents/")
    raw = json.dumps(changes)
    assert "alcohol" not in raw and "falling out" not in raw and "Pat" not in raw
    assert [got.headers["X-RecoveryHub-Event"] for got in receiver.received] == [
        "consent.changed",
        "consent.changed",
    ]  # the endpoint hears only what it subscribed to


def test_another_clinics_endpoint_and_an_endpoint_turned_off_hear_nothing(
    patient,
    person,
    other_clinic,
    receiver,
    clinic_admin,
    endpoint,
    django_capture_on_commit_callbacks,
):
    other_admin = member("admin", other_clinic)
    endpoint_create(
        clinic=other_clinic, actor=other_admin, url=receiver.url, events=["checkin.recorded"]
    )
    endpoint_set_active(endpoint=endpoint, actor=clinic_admin, active=False)

    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)

    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_missed_checkins_raised_by_the_planner_in_bulk_are_each_sent(
    patient, endpoint, receiver, django_capture_on_commit_callbacks
):
    """engagement's missed check-ins rule raises its alerts with one insert; each is sent."""
    Patient.objects.filter(pk=patient.pk).update(
        created_at=datetime(2026, 2, 1, tzinfo=UTC), status=PatientStatus.ACTIVE
    )
    CheckIn.objects.create(
        patient=patient, local_date=date(2026, 3, 1), mood=6, craving=2, stress=3
    )
    at = "2026-03-04T15:00:00Z"  # 10:00 in New York, three days without a check-in
    with (
        time_machine.travel(at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("reminders_tick", "--at", at, stdout=StringIO())

    alert = Alert.objects.get(patient=patient, kind=AlertKind.MISSED_CHECKINS)
    (body,) = bodies(receiver, "alert.raised")
    assert body["data"] == {"patient_id": patient.pk, "alert_id": alert.pk, "severity": "medium"}
