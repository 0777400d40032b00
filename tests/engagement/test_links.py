"""One-action links: each does one thing, once, for one supporter, without signing in."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from engagement.links import make_link
from engagement.models import ActionLink, LinkAction
from networks.models import Encouragement, HelpStatus, HelpTask
from networks.services import consent_revoke, help_task_create
from tests.engagement.conftest import add_supporter, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(patient):
    return help_task_create(
        patient=patient, actor=patient.user, kind="ride", title="A ride to group on Thursday"
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def claim_link(contact, task) -> str:
    return path_of(make_link(LinkAction.CLAIM_TASK, contact=contact, target={"task": task.pk}))


def test_opening_shows_what_it_does_and_changes_nothing(client, contact, task):
    grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    page = client.get(url)
    assert page.status_code == 200
    assert "A ride to group on Thursday" in page.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN
    assert ActionLink.objects.get().used_at is None


def test_the_button_claims_once_and_a_second_use_is_a_clear_page(client, contact, task):
    grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    done = client.post(url)
    assert done.status_code == 200 and 'data-testid="action-done"' in done.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.CLAIMED and task.claimed_by == contact
    again = client.post(url)
    assert again.status_code == 410 and 'data-testid="link-used"' in again.content.decode()
    assert client.get(url).status_code == 410


def test_an_expired_link_does_nothing(client, contact, task):
    grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        page = client.post(url)
    assert page.status_code == 410 and 'data-testid="link-expired"' in page.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "x" + token,  # nonce changed, signature kept
        lambda token: token.split(":")[0],  # no signature at all
    ],
)
def test_a_tampered_link_does_nothing(client, contact, task, mangle):
    grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    token = url.rstrip("/").rsplit("/", 1)[1]
    page = client.post(url.replace(token, mangle(token)))
    assert page.status_code == 400 and 'data-testid="link-tampered"' in page.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN
    assert ActionLink.objects.get().used_at is None


def test_a_link_for_a_revoked_consent_does_nothing(client, patient, contact, task):
    consent = grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    consent_revoke(consent=consent, actor=patient.user)
    page = client.post(url)
    assert page.status_code == 410 and 'data-testid="link-not_shared"' in page.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN


def test_a_link_needs_its_own_scope_not_just_any(client, contact, task):
    grant(contact, ["milestones"])
    page = client.post(claim_link(contact, task))
    assert page.status_code == 410
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN


def test_a_failed_action_leaves_the_link_usable(client, patient, contact, task):
    grant(contact, ["help_tasks"])
    someone_else = add_supporter(patient, "Sam Lee", "sam@example.org")
    grant(someone_else, ["help_tasks"])
    url = claim_link(contact, task)
    HelpTask.objects.filter(pk=task.pk).update(status=HelpStatus.CLAIMED, claimed_by=someone_else)
    page = client.post(url)
    assert page.status_code == 200 and "just claimed" in page.content.decode()
    assert ActionLink.objects.get().used_at is None


def test_encouragement_link_shows_a_form_and_errors_keep_the_link(client, contact):
    grant(contact, ["milestones"])
    url = path_of(make_link(LinkAction.ENCOURAGE, contact=contact))
    empty = client.post(url, {"message": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert not Encouragement.objects.exists()
    sent = client.post(url, {"message": "Proud of you"})
    assert 'data-testid="action-done"' in sent.content.decode()
    assert Encouragement.objects.get().message == "Proud of you"
    assert client.post(url, {"message": "again"}).status_code == 410
    assert Encouragement.objects.count() == 1


def test_an_unknown_nonce_with_a_valid_signature_is_not_found(client, contact, task):
    grant(contact, ["help_tasks"])
    url = claim_link(contact, task)
    link = ActionLink.objects.get()
    link.delete()
    assert client.get(url).status_code == 404
