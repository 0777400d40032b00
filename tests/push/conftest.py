"""Web Push tests: VAPID keys made for the run (py_vapid), a local push service standing in for
the browser's (tests/push/standin.py), and a person in recovery whose phone subscribed."""

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from notifications.models import PushSubscription
from notifications.services import push_subscribe
from tests.push.standin import PushService, b64encode

SUBJECT = "mailto:push-tests@recoveryhub.example"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def vapid_pair() -> tuple[str, str]:
    """A VAPID key pair as the settings hold it: the public point and the raw private key."""
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64encode(public), b64encode(private)


@pytest.fixture
def vapid(settings) -> dict[str, str]:
    public, private = vapid_pair()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = SUBJECT
    settings.WEB_PUSH_ALLOW_HTTP_ENDPOINTS = True  # the stand-in is plain HTTP on 127.0.0.1
    return {"public": public, "private": private}


@pytest.fixture
def push_service(vapid) -> Iterator[PushService]:
    with PushService() as service:
        service.expect(public_key=vapid["public"], subject=SUBJECT)
        yield service


def subscribe(service: PushService, user: object, device: str = "phone") -> PushSubscription:
    """The browser `device` of `user` subscribes, as push.js does."""
    browser = service.browser(device)
    return push_subscribe(
        user=user,
        endpoint=service.endpoint(device),
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
        user_agent=ANDROID_CHROME,
    )


@pytest.fixture
def phone(push_service, person) -> PushSubscription:
    """The person in recovery's phone, subscribed."""
    return subscribe(push_service, person)
