"""/api/v1/webhooks/: the clinic admin's endpoints and delivery logs, the same services as the
pages; 404 for anyone else and for another clinic's endpoint; filters by status and event."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.factories import member
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_admin_adds_an_endpoint_and_sees_the_secret_once(clinic_admin, receiver):
    api = as_user(clinic_admin)

    created = api.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "events": ["alert.raised"], "description": "EHR"},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["alert.raised"]
    detail = api.get(f"/api/v1/webhooks/{body['id']}/").json()
    listed = api.get("/api/v1/webhooks/").json()
    assert "secret" not in detail and "secret_encrypted" not in detail
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(body["id"]), object_type="webhooks.WebhookEndpoint"
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://169.254.169.254/", "events": ["alert.raised"]}, "url"),
        ({"url": "http://ehr.example.org/", "events": ["alert.raised"]}, "url"),
        ({"url": "https://ehr.example.org/", "events": []}, "events"),
        ({"url": "https://ehr.example.org/", "events": ["ping"]}, "events.0"),
        ({"url": "https://ehr.example.org/", "events": "alert.raised"}, "events"),
        ({"events": ["alert.raised"]}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(clinic_admin, body, field):
    response = as_user(clinic_admin).post("/api/v1/webhooks/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not WebhookEndpoint.objects.exists()


def test_patch_changes_events_and_turns_off_and_delete_removes(clinic_admin, endpoint):
    api = as_user(clinic_admin)
    path = f"/api/v1/webhooks/{endpoint.pk}/"

    changed = api.patch(path, {"events": ["help.requested"], "active": False}, format="json")
    on = api.get("/api/v1/webhooks/", {"active": "true"}).json()["count"]
    off = api.get("/api/v1/webhooks/", {"active": "false"}).json()["count"]
    maybe = api.get("/api/v1/webhooks/", {"active": "maybe"})
    removed = api.delete(path)

    assert changed.status_code == 200
    assert changed.json()["events"] == ["help.requested"] and changed.json()["active"] is False
    assert (on, off) == (0, 1)
    assert maybe.status_code == 400 and "active" in maybe.json()
    assert removed.status_code == 204
    assert api.get(path).status_code == 404
    assert list(
        AuditEvent.objects.filter(object_id=str(endpoint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [Action.CREATE, Action.UPDATE, Action.DELETE]


def test_a_test_event_and_the_delivery_log_filtered_by_status_and_event(
    clinic_admin, endpoint, receiver, django_capture_on_commit_callbacks
):
    api = as_user(clinic_admin)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/webhooks/{endpoint.pk}/test/")

    log = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"
    failed = api.get(log, {"status": "failed"}).json()
    pings = api.get(log, {"event": "ping"}).json()
    none = api.get(log, {"status": "sent"}).json()
    bad = api.get(log, {"status": "lost"})

    assert sent.status_code == 202 and sent.json()["event"] == "ping"
    (row,) = failed["results"]
    assert row["id"] == sent.json()["id"] and row["attempts"] == 1
    assert row["last_status_code"] == 500 and row["next_attempt_at"]
    assert pings["count"] == 1 and none["count"] == 0
    assert bad.status_code == 400 and "status" in bad.json()
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_everyone_but_the_clinic_admin_gets_404(clinic, endpoint, role):
    api = as_user(member(role, clinic))

    assert api.get("/api/v1/webhooks/").status_code == 404
    assert api.post("/api/v1/webhooks/", {"url": 1}, format="json").status_code == 404
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert api.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_another_clinics_endpoint_is_404_like_one_that_does_not_exist(other_clinic, endpoint):
    api = as_user(member(Role.ADMIN, other_clinic))

    theirs = api.get(f"/api/v1/webhooks/{endpoint.pk}/")
    missing = api.get("/api/v1/webhooks/999999/")
    patched = api.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": False}, format="json")

    assert theirs.status_code == missing.status_code == patched.status_code == 404
    assert theirs.json() == missing.json()
    assert api.get("/api/v1/webhooks/").json()["results"] == []
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).active
