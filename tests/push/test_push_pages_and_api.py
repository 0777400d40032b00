"""The "This device" block of the notification settings, the subscribe and remove actions, and
their API twins: a person sees and removes only their own devices; bad input is a 400 naming
the field; without VAPID keys the page says push is not set up (never a 500)."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditEvent
from notifications.checks import vapid_keys_check
from notifications.models import PushSubscription
from notifications.push import endpoint_problem
from tests.factories import PushSubscriptionFactory, member
from tests.push.conftest import ANDROID_CHROME, subscribe

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 10, 18, tzinfo=UTC)
PAGE = reverse("notifications:preferences")
SUBSCRIBE = reverse("notifications:push_subscribe")
LIST = reverse("api:my-push-subscriptions")
KEY = reverse("api:push-vapid-public-key")


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(service: object, device: str = "phone") -> dict:
    browser = service.browser(device)
    return {
        "endpoint": service.endpoint(device),
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth_b64},
    }


# --- The page ----------------------------------------------------------------------------------


def test_the_page_offers_this_device_with_the_servers_key(client, vapid, person):
    client.force_login(person)
    page = client.get(PAGE).content.decode()
    assert f'data-push-key="{vapid["public"]}"' in page
    assert "Turn on notifications on this device" in page
    assert "/js/push." in page and "No device gets notifications yet." in page


def test_without_vapid_keys_the_page_says_push_is_not_set_up(client, person, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client.force_login(person)
    answer = client.get(PAGE)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "not set up on this server yet" in page and "data-push-key" not in page
    refused = client.post(SUBSCRIBE, data="{}", content_type="application/json")
    assert refused.status_code == 400


@time_machine.travel(AT, tick=False)
def test_subscribing_from_the_page_stores_the_device_and_lists_it(client, push_service, person):
    client.force_login(person)
    answer = client.post(
        SUBSCRIBE,
        data=json.dumps(body(push_service)),
        content_type="application/json",
        HTTP_USER_AGENT=ANDROID_CHROME,
    )
    assert answer.status_code == 201, answer.content
    device = PushSubscription.objects.get(user=person)
    assert device.device_label == "Chrome on Android"
    assert AuditEvent.objects.filter(actor=person, details__change="push_subscribe").exists()
    page = client.get(PAGE).content.decode()
    assert "Chrome on Android" in page
    assert reverse("notifications:push_revoke", args=[device.pk]) in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "https://127.0.0.1/push"}, "endpoint"),
        ({"endpoint": "https://10.0.0.8/push"}, "endpoint"),
        ({"endpoint": "https://push.clinic.internal/x"}, "endpoint"),
        ({"endpoint": "https://example.org/not-a-push-service"}, "endpoint"),
        ({"keys": {"p256dh": "bm90LWEta2V5", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "p256dh"),
        ({"keys": {"p256dh": None, "auth": "short"}}, "keys"),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_field(
    client, push_service, person, settings, change, field
):
    settings.WEB_PUSH_ALLOW_HTTP_ENDPOINTS = False  # the real rule, not the tests' stand-in
    data = {**body(push_service), **change}
    answer = api(person).post(LIST, data, format="json")
    assert answer.status_code == 400 and field in json.dumps(answer.json()), answer.json()
    client.force_login(person)
    page_answer = client.post(SUBSCRIBE, data=json.dumps(data), content_type="application/json")
    assert page_answer.status_code == 400
    assert not PushSubscription.objects.exists()


def test_the_page_action_refuses_what_is_not_json(client, vapid, person):
    client.force_login(person)
    for data in ("not json", "[1, 2]", '"text"'):
        answer = client.post(SUBSCRIBE, data=data, content_type="application/json")
        assert answer.status_code == 400


def test_a_browsers_push_service_is_accepted(settings):
    settings.WEB_PUSH_ALLOW_HTTP_ENDPOINTS = False
    assert endpoint_problem("https://fcm.googleapis.com/fcm/send/abc") == ""
    assert endpoint_problem("https://updates.push.services.mozilla.com/wpush/v2/x") == ""
    assert endpoint_problem("https://web.push.apple.com/QGx") == ""
    assert endpoint_problem("https://fcm.googleapis.com.evil.example/x") != ""
    assert endpoint_problem("https://user:pw@fcm.googleapis.com/x") != ""


@time_machine.travel(AT, tick=False)
def test_removing_a_device_takes_a_confirmation_and_is_audited(client, push_service, person):
    device = subscribe(push_service, person)
    client.force_login(person)
    page = client.get(PAGE).content.decode()
    assert "Yes, remove this device" in page  # inside <details>: a second step
    answer = client.post(reverse("notifications:push_revoke", args=[device.pk]))
    assert answer.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at == AT
    assert AuditEvent.objects.filter(actor=person, details__change="push_revoke").exists()
    after = client.get(PAGE).content.decode()
    assert "No device gets notifications yet." in after
    assert reverse("notifications:push_revoke", args=[device.pk]) not in after


def test_another_persons_device_is_a_404(client, person, clinic, other_clinic):
    theirs = PushSubscriptionFactory(user=member(Role.PATIENT, clinic))
    elsewhere = PushSubscriptionFactory(user=member(Role.SUPPORTER, other_clinic))
    client.force_login(person)
    for device in (theirs, elsewhere):
        assert (
            client.post(reverse("notifications:push_revoke", args=[device.pk])).status_code == 404
        )
        detail = reverse("api:my-push-subscription", args=[device.pk])
        assert api(person).delete(detail).status_code == 404
        device.refresh_from_db()
        assert device.revoked_at is None
    assert api(person).get(LIST).json()["results"] == []


# --- The API -----------------------------------------------------------------------------------


@time_machine.travel(AT, tick=False)
def test_the_api_subscribes_lists_and_removes(push_service, person):
    created = api(person).post(LIST, body(push_service), format="json", HTTP_USER_AGENT="")
    assert created.status_code == 201, created.json()
    device_id = created.json()["id"]
    assert created.json()["device_label"] == "A browser"

    listed = api(person).get(LIST).json()["results"]
    assert [row["id"] for row in listed] == [device_id] and listed[0]["active"] is True

    again = api(person).post(LIST, body(push_service), format="json")
    assert again.status_code == 201 and again.json()["id"] == device_id  # the same browser

    detail = reverse("api:my-push-subscription", args=[device_id])
    assert api(person).delete(detail).status_code == 204
    assert api(person).delete(detail).status_code == 204  # again: nothing changes
    assert api(person).get(LIST).json()["results"] == []


def test_the_api_gives_the_servers_key(vapid, person):
    assert api(person).get(KEY).json() == {"public_key": vapid["public"], "configured": True}


def test_the_api_says_when_push_is_not_set_up(person, settings):
    settings.VAPID_PUBLIC_KEY = ""
    assert api(person).get(KEY).json() == {"public_key": "", "configured": False}


def test_signed_out_nobody_subscribes(client, vapid):
    assert APIClient().get(LIST).status_code in (401, 403)
    answer = client.post(SUBSCRIBE, data="{}", content_type="application/json")
    assert answer.status_code == 302  # to the sign-in page


def test_the_device_list_costs_the_same_for_2_and_20(person, django_assert_max_num_queries):
    PushSubscriptionFactory.create_batch(2, user=person)
    with django_assert_max_num_queries(8) as few:  # session, user, count, page
        api(person).get(LIST)
    PushSubscriptionFactory.create_batch(18, user=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        api(person).get(LIST)


def test_the_settings_page_costs_the_same_for_2_and_20_devices(
    client, vapid, person, django_assert_max_num_queries
):
    client.force_login(person)
    PushSubscriptionFactory.create_batch(2, user=person)
    client.get(PAGE)
    with django_assert_max_num_queries(40) as few:  # the page and its navigation
        client.get(PAGE)
    PushSubscriptionFactory.create_batch(18, user=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


# --- The production check ----------------------------------------------------------------------


def test_the_deploy_check_warns_without_vapid_keys(settings):
    settings.DEBUG = False
    settings.VAPID_PUBLIC_KEY = ""
    assert [m.id for m in vapid_keys_check()] == ["notifications.W001"]
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = "set"
    settings.VAPID_SUBJECT = "someone"
    assert [m.id for m in vapid_keys_check()] == ["notifications.W002"]
    settings.VAPID_SUBJECT = "mailto:privacy@example.org"
    assert vapid_keys_check() == []
    call_command("check")  # the plain check (make test) stays quiet: deploy only
