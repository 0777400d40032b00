"""The clinic admin's delivery log: scoped to the clinic, filtered, counted, retried."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from notifications import outbox
from notifications.models import Notification, Status
from tests.factories import member

pytestmark = pytest.mark.django_db

LOG = reverse("notifications:log")


def _row(clinic: object, n: int, **fields: object) -> Notification:
    data = {
        "kind": "checkin_reminder",
        "occurrence": f"o:{n}",
        "channel": "email",
        "recipient_key": f"user:{n}",
        "address": f"person{n}@example.org",
        "body": "Hi",
        "due_at": timezone.now(),
        "status": "sent",
        "clinic": clinic,
    } | fields
    return Notification.objects.create(**data)


def test_only_admins_of_the_clinic(client, clinic, clinician):
    client.force_login(clinician)
    assert client.get(LOG).status_code == 404
    client.logout()
    assert client.get(LOG).status_code == 302


def test_another_clinics_rows_never_show(client, clinic, other_clinic, clinic_admin):
    mine = _row(clinic, 1)
    theirs = _row(other_clinic, 2, address="secret@lakeside.org", status="failed")
    client.force_login(clinic_admin)

    response = client.get(LOG)

    assert list(response.context["page"].object_list) == [mine]
    assert b"secret@lakeside.org" not in response.content
    assert client.get(LOG, {"recipient": "lakeside"}).context["page"].paginator.count == 0
    assert client.post(reverse("notifications:retry", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.FAILED


def test_filters_and_counts(client, clinic, clinic_admin):
    now = timezone.now()
    _row(clinic, 1, status="failed", channel="sms", address="+15550001")
    _row(clinic, 2, status="failed", kind="milestone_day")
    _row(clinic, 3, status="sent", recipient_key="contact:77")
    _row(clinic, 4, status="skipped", due_at=now - timedelta(days=10))
    client.force_login(clinic_admin)

    def count(**params: str) -> int:
        return client.get(LOG, params).context["page"].paginator.count

    assert count() == 4
    assert count(status="failed") == 2
    assert count(channel="sms") == 1
    assert count(kind="milestone_day") == 1
    assert count(recipient="contact:7") == 1
    assert count(recipient="PERSON2@") == 1
    today = timezone.localdate().isoformat()
    assert count(date_from=today) == 3
    assert count(date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == 1
    counts = {v: c for v, _, c in client.get(LOG).context["status_counts"]}
    assert counts == {"pending": 0, "sending": 0, "sent": 1, "failed": 2, "skipped": 1}
    failed_only = client.get(LOG, {"status": "failed"}).context["status_counts"]
    assert sum(c for _, _, c in failed_only) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "exploded"}, "status"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"recipient": "x" * 200}, "recipient"),
    ],
)
def test_bad_filters_show_field_errors(client, clinic, clinic_admin, params, field):
    _row(clinic, 1)
    client.force_login(clinic_admin)
    response = client.get(LOG, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_retry_a_failed_row(
    client, clinic, clinic_admin, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(outbox, "queue_dispatch", lambda pk, channel: queued.append((pk, channel)))
    row = _row(
        clinic,
        1,
        channel="sms",
        status="failed",
        attempts=5,
        last_error="refused",
        due_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(clinic_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:retry", args=[row.pk]), {"next": f"{LOG}?status=failed"}
        )

    assert response.status_code == 302 and response["Location"] == f"{LOG}?status=failed"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 0
    assert abs((row.due_at - timezone.now()).total_seconds()) < 60
    assert queued == [(row.pk, "sms")]  # on the SMS queue
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(row.pk))
    assert event.actor == clinic_admin and event.clinic == clinic
    assert event.details["change"] == "notification_retry"


def test_retry_only_failed_rows_and_only_by_post(client, clinic, clinic_admin, monkeypatch):
    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(outbox, "queue_dispatch", lambda pk, channel: queued.append((pk, channel)))
    row = _row(clinic, 1, status="sent")
    client.force_login(clinic_admin)
    url = reverse("notifications:retry", args=[row.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == LOG
    row.refresh_from_db()
    assert row.status == Status.SENT and queued == []


def test_a_clinician_cannot_retry(client, clinic):
    row = _row(clinic, 1, status="failed")
    client.force_login(member(Role.CLINICIAN, clinic))
    assert client.post(reverse("notifications:retry", args=[row.pk])).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow(
    client, clinic, clinic_admin, size, django_assert_max_num_queries
):
    for n in range(size):
        _row(clinic, n, status="failed" if n % 2 else "sent")
    client.force_login(clinic_admin)
    # session, user, memberships, status counts, page count, page rows, audit event = 7;
    # one more for the navbar's unread badge
    with django_assert_max_num_queries(8):
        response = client.get(LOG, {"kind": "checkin_reminder"})
    assert len(response.context["page"].object_list) == size
