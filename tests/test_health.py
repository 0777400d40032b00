import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_names_each_dependency_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


@override_settings(
    # Nothing listens on port 1: an unreachable broker, without touching the machine's Redis.
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    CELERY_BROKER_TRANSPORT_OPTIONS={},
)
def test_healthz_reports_an_unreachable_broker_as_503(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "down"
    assert body["database"] == "ok"
    assert body["down"] == ["broker"]


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
