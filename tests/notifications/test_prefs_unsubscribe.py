"""One-click unsubscribe without signing in: confirm, POST, RFC 8058, tampered links."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from networks.models import Relationship
from networks.services import contact_add
from notifications.models import ContactOptOut, Notification, NotificationPreference
from notifications.preferences import contact_wants, unsubscribe_token, unsubscribe_url, wants

pytestmark = pytest.mark.django_db


def _row(**fields: object) -> Notification:
    data = {
        "kind": "milestone_day",
        "occurrence": "o:1",
        "channel": "email",
        "recipient_key": "x:1",
        "address": "x@example.org",
        "body": "Hi",
        "due_at": timezone.now(),
    } | fields
    return Notification.objects.create(**data)


def _url(row: Notification) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(row.pk)])


def test_the_token_is_the_agreed_signature(person):
    row = _row(recipient_user=person)
    token = signing.dumps({"n": row.pk}, salt="notifications.unsubscribe")
    assert unsubscribe_url(row).endswith(f"/notifications/unsubscribe/{token}/")
    assert unsubscribe_url(row).startswith("http")


def test_get_only_asks_to_confirm(client, person):
    row = _row(recipient_user=person)
    response = client.get(_url(row))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert not NotificationPreference.objects.exists()


def test_post_unsubscribes_the_user_from_the_kind(person):
    row = _row(recipient_user=person)
    client = Client(enforce_csrf_checks=True)  # signed out, no CSRF token: the link is enough
    response = client.post(_url(row))
    assert response.status_code == 200
    assert b"You will no longer get these. Undo from your preferences." in response.content
    assert NotificationPreference.objects.get(user=person).unsubscribed_kinds == ["milestone_day"]
    assert not wants(person, "milestone_day", "email")
    assert wants(person, "checkin_reminder", "email")
    client.post(_url(row))  # twice is harmless
    assert NotificationPreference.objects.get(user=person).unsubscribed_kinds == ["milestone_day"]


def test_rfc8058_one_click_post(person):
    row = _row(recipient_user=person)
    response = Client(enforce_csrf_checks=True).post(
        _url(row),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not wants(person, "milestone_day", "in_app")


def test_a_contact_without_an_account_is_opted_out(patient, team_clinician):
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Lee",
        relationship=Relationship.FRIEND,
        email="sam@example.org",
    )
    assert contact.user_id is None
    row = _row(recipient_contact=contact, kind="milestone_heads_up", address="sam@example.org")
    response = Client().post(_url(row))
    assert response.status_code == 200
    assert ContactOptOut.objects.filter(contact=contact, kind="milestone_heads_up").exists()
    assert not contact_wants(contact, "milestone_heads_up")
    assert contact_wants(contact, "milestone_day")


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_or_stale_links_show_a_clear_page(client, person, method):
    row = _row(recipient_user=person)
    token = unsubscribe_token(row.pk)
    forged = signing.dumps({"n": row.pk}, salt="something-else")
    for bad in (token[:-2] + "xx", forged, "nonsense", signing.dumps({"n": "1"}, salt="x")):
        url = reverse("notifications:unsubscribe", args=[bad])
        response = getattr(client, method)(url)
        assert response.status_code == 400
        assert b"not valid" in response.content
    gone = _url(row)
    row.delete()
    assert getattr(client, method)(gone).status_code == 400
    assert not NotificationPreference.objects.exists()
