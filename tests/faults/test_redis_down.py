"""Redis down while people use the app: pages and check-ins work, messages wait in the outbox,
/healthz says so, and everything goes out once when Redis returns.

The app of this process (broker and cache) and a real Celery worker use a throwaway
redis-server on a spare port (tests/faults/redis_server.py), which the test kills and starts
again on the same port; email goes to a real SMTP server on localhost (aiosmtpd)."""

import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from coping.models import CheckIn
from engagement.models import HelpRequest
from notifications.models import Notification, Status
from notifications.outbox import sweep
from notifications.tasks import sweep_outbox
from recovery_hub.celery import app
from tests.engagement.conftest import add_supporter, grant
from tests.factories import sign_in_through_form
from tests.faults.redis_server import RedisServer
from tests.faults.redis_server import throwaway_redis as throwaway_redis  # the fixture
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A request that queues several messages with the broker down must not wait a broker timeout
# for each of them.
SLOWEST_REQUEST_SECONDS = 6.0  # one broker timeout (2 s) and the page; one per message was 8 s
SHARED = ("REDIS_URL", "CELERY_BROKER_URL", "CACHES")


def _use_broker(url: str) -> None:
    """The Celery app of this process sends to `url` from now on (its pools are rebuilt)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def app_on_throwaway_redis(throwaway_redis: RedisServer, settings) -> Iterator[RedisServer]:
    """Broker and cache of this process on the throwaway Redis, as in production (one Redis
    for both); messages are handed to a worker, not sent in this process."""
    url = throwaway_redis.url()
    before = {name: getattr(django_settings, name) for name in SHARED}
    cache = before["CACHES"]["default"]
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    if before["REDIS_URL"] and cache.get("LOCATION") == before["REDIS_URL"]:
        settings.CACHES = {**before["CACHES"], "default": {**cache, "LOCATION": url}}
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    _use_broker(url)
    try:
        yield throwaway_redis
    finally:
        # Back on the run's own Redis before the shared fixtures clean up (they run after).
        for name, value in before.items():
            setattr(settings, name, value)
        _use_broker(before["CELERY_BROKER_URL"])


def _form(**values: object) -> dict[str, object]:
    return {
        "mood": 6,
        "craving": 3,
        "stress": 4,
        "sleep_hours": "7",
        "used_since_last": "no",
        "use_details": "",
        "note": "A hard morning, a better afternoon.",
    } | values


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    answer = call(*args, **kwargs)
    return answer, time.monotonic() - started


def test_redis_down_then_back(
    app_on_throwaway_redis, smtp_sink, client, patient, person, team_clinician, tmp_path, caplog
):
    redis_server = app_on_throwaway_redis
    controller, inbox = smtp_sink
    pat = add_supporter(patient, "Pat Rivera", "pat@example.org", playbook_step="Call me")
    sam = add_supporter(patient, "Sam Lee", "sam@example.org", account=False)
    for contact in (pat, sam):
        grant(contact, ["coping_plan"])

    redis_server.stop()

    # The person signs in, checks in and presses the help button: all work, nothing waits
    # for the broker.
    signed_in = sign_in_through_form(client, person.email)
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    home, _seconds = _timed(client.get, reverse("patients:patient_home"))
    assert home.status_code == 200
    checked_in, _seconds = _timed(client.post, reverse("coping:my_checkin"), _form())
    assert checked_in.status_code == 302, checked_in.content.decode()[:2000]
    assert CheckIn.objects.filter(patient=patient).count() == 1
    caplog.clear()
    asked, help_seconds = _timed(
        client.post, reverse("engagement:my_help"), {"contacts": [pat.pk, sam.pk]}
    )
    assert asked.status_code == 302, asked.content.decode()[:2000]
    assert HelpRequest.objects.filter(patient=patient).exists()
    planned = Notification.objects.filter(patient=patient)
    assert planned.count() >= 3  # Pat, Sam and the care team at least
    assert not planned.exclude(status=Status.PENDING).exists()  # waiting in the outbox
    assert help_seconds < SLOWEST_REQUEST_SECONDS, f"{help_seconds:.1f} s with the broker down"
    # The broker was tried once for the four messages; the others went straight to the outbox.
    tried = [r for r in caplog.records if r.getMessage().startswith("broker unavailable")]
    assert len(tried) == 1, [r.getMessage() for r in tried]

    # The clinician opens the caseload and the chart.
    client.logout()
    signed_in = sign_in_through_form(client, team_clinician.email)
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    assert client.get(reverse("patients:caseload")).status_code == 200
    assert client.get(reverse("patients:chart", args=[patient.pk])).status_code == 200

    # The health check names what is down.
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["down"] == ["broker"]
    assert health.json()["database"] == "ok"

    assert sweep() == 0  # still down: the sweep queues nothing and breaks nothing
    assert not planned.exclude(status=Status.PENDING).exists()

    # Redis comes back on the same port; a worker starts and the sweep sends everything once.
    redis_server.start()
    assert client.get(reverse("healthz")).status_code == 200
    env = {
        "REDIS_URL": redis_server.url(),
        "CELERY_BROKER_URL": redis_server.url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        sweep_outbox.apply_async()
        delivered = wait_for(lambda: not planned.exclude(status=Status.SENT).exists(), worker)
        log = (tmp_path / "worker.log").read_text()
        assert delivered, log[-3000:]
        # A second sweep finds nothing left to send.
        sweep_outbox.apply_async()
        assert wait_for(lambda: "sweep_outbox" in log_after_second_sweep(tmp_path), worker)

    ids = Counter(message_from_bytes(content)["Message-ID"] for _f, _to, content in inbox.messages)
    emailed = planned.filter(channel="email")
    assert sorted(ids) == sorted(row.message_id for row in emailed)
    assert set(ids.values()) == {1}, ids  # each email once
    assert set(planned.values_list("attempts", flat=True)) == {1}


def log_after_second_sweep(tmp_path) -> str:
    """The worker's log lines about the sweep, once it has run twice."""
    lines = [
        line
        for line in (tmp_path / "worker.log").read_text().splitlines()
        if "sweep_outbox" in line and "succeeded" in line
    ]
    return "\n".join(lines) if len(lines) >= 2 else ""
