"""The help button end to end, for real: the person presses, a Celery worker sends each chosen
supporter their own step over SMTP (aiosmtpd on localhost) once, the care team's alert and note
are there, the one-action link from the received email says "I'm on it", and the person's page
shows it."""

import re
from email import message_from_bytes
from urllib.parse import urlsplit

import pytest

from engagement.models import HelpAcknowledgement
from engagement.services import help_request_send
from notifications.models import Notification, Status
from patients.models import Alert, AlertKind, AlertSeverity
from tests.engagement.conftest import add_supporter, grant
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PAT_STEP = "Call me and just listen for ten minutes"
SAM_STEP = "Come over and take me for a walk by the river"


def _text_of(email) -> str:
    for part in email.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def test_the_right_supporters_get_their_own_step_once_and_the_link_says_on_it(
    tmp_path, settings, smtp_sink, client, patient, contact, team_clinician
):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    pat = contact
    pat.playbook_step = PAT_STEP
    pat.save()
    grant(pat, ["coping_plan"])
    sam = add_supporter(
        patient, "Sam Lee", "sam@example.org", account=False, playbook_step=SAM_STEP
    )
    grant(sam, ["coping_plan"])
    lee = add_supporter(patient, "Lee Park", "lee@example.org", playbook_step="Lee's step")
    grant(lee, ["milestones"])  # does not see the plan: never asked

    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        request = help_request_send(patient=patient, contacts=[pat, sam], actor=patient.user)
        again = help_request_send(patient=patient, contacts=[pat, sam], actor=patient.user)
        asks = Notification.objects.filter(kind="help_request")
        delivered = wait_for(
            lambda: asks.count() == 4 and not asks.exclude(status=Status.SENT).exists(), worker
        )
        log = (tmp_path / "worker.log").read_text()
        assert delivered, log[-3000:]
        received = [message_from_bytes(content) for _f, _to, content in inbox.messages]

        # Exactly pat and sam by email, once each, each with their own step only.
        assert sorted(m["To"] for m in received) == ["pat@example.org", "sam@example.org"]
        texts = {m["To"]: _text_of(m) for m in received}
        assert PAT_STEP in texts["pat@example.org"] and SAM_STEP not in texts["pat@example.org"]
        assert SAM_STEP in texts["sam@example.org"] and PAT_STEP not in texts["sam@example.org"]
        for email in received:
            assert "Harbor" not in email["Subject"] and "Rivera" not in email["Subject"]
            assert email["Subject"] == "Jordan is asking for you"
        assert again.pk == request.pk  # the second press reused the request: nothing twice

        # The care team: one high-severity alert, and the note in the app.
        alert = Alert.objects.get(patient=patient)
        assert (alert.kind, alert.severity) == (AlertKind.HELP_REQUESTED, AlertSeverity.HIGH)
        assert asks.get(recipient_user=team_clinician).status == Status.SENT

        # Pat follows the link in the email, without signing in, and says "I'm on it".
        link = re.search(r"https?://\S+/a/\S+/", texts["pat@example.org"]).group(0)
        page = client.get(urlsplit(link).path)
        assert page.status_code == 200 and PAT_STEP in page.content.decode()
        done = client.post(urlsplit(link).path)
        assert 'data-testid="action-done"' in done.content.decode()
        told = Notification.objects.filter(kind="help_acknowledged")
        assert wait_for(lambda: told.filter(status=Status.SENT).count() == 1, worker)

    assert HelpAcknowledgement.objects.get().contact == pat
    assert told.get().recipient_user == patient.user and told.get().body == "Pat is on it."
    assert not Notification.objects.filter(recipient_contact=lee).exists()

    # The person sees who is on it.
    client.force_login(patient.user)
    status = client.get(f"/my-recovery/help/{request.pk}/").content.decode()
    assert status.count('data-testid="on-it"') == 1 and "Pat Rivera" in status
