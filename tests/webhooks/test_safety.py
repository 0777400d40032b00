"""Where a webhook may go: HTTPS to public addresses only, refused at registration and again
before each send (the name resolved then), unless WEBHOOKS_ALLOW_INSECURE_HOSTS lists the host."""

import pytest
from django.core.exceptions import ValidationError

from webhooks import delivery
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.safety import UnsafeAddress, check_url, target_for_send
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

REFUSED = [
    "https://10.1.2.3/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://localhost/hooks",
    "https://localhost.:8443/hooks",
    "https://127.0.0.1/hooks",
    "https://[::1]/hooks",
    "https://[::ffff:10.0.0.1]/hooks",
    "https://192.168.1.20/hooks",
    "https://172.16.0.5/hooks",
    "https://100.64.0.1/hooks",
    "https://0.0.0.0/hooks",
    "https://printer.local/hooks",
    "https://db.internal/hooks",
    "https://api.localhost/hooks",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_loopback_or_link_local_address_is_refused_at_registration(
    clinic, clinic_admin, url
):
    with pytest.raises(ValidationError) as refused:
        endpoint_create(clinic=clinic, actor=clinic_admin, url=url, events=["alert.raised"])

    assert "Private, local and internal addresses" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://ehr.example.org/hooks", "must start with https://"),
        ("ftp://ehr.example.org/hooks", "must start with https://"),
        ("https://user:pw@ehr.example.org/hooks", "Leave names and passwords out"),
        ("https://", "Enter a valid address"),
        ("https://ehr.example.org:99999/", "Enter a valid address"),
    ],
)
def test_only_plain_https_addresses_are_accepted(clinic, clinic_admin, url, message):
    with pytest.raises(ValidationError) as refused:
        endpoint_create(clinic=clinic, actor=clinic_admin, url=url, events=["alert.raised"])

    assert message in refused.value.message_dict["url"][0]


def test_a_public_address_is_accepted(clinic, clinic_admin):
    endpoint, secret = endpoint_create(
        clinic=clinic,
        actor=clinic_admin,
        url="https://93.184.215.14/hooks",
        events=["alert.raised"],
    )

    assert endpoint.url == "https://93.184.215.14/hooks" and secret.startswith("whsec_")


def test_plain_http_to_loopback_needs_the_allow_list(settings, clinic, clinic_admin):
    url = "http://127.0.0.1:8123/hooks"
    with pytest.raises(ValidationError):
        endpoint_create(clinic=clinic, actor=clinic_admin, url=url, events=["alert.raised"])

    settings.WEBHOOKS_ALLOW_INSECURE_HOSTS = ["127.0.0.1"]
    endpoint, _secret = endpoint_create(
        clinic=clinic, actor=clinic_admin, url=url, events=["alert.raised"]
    )

    assert endpoint.pk
    with pytest.raises(UnsafeAddress):  # the allow-list is per host: localhost is not 127.0.0.1
        check_url("http://localhost:8123/hooks")


def test_the_address_is_checked_again_before_each_send(settings, endpoint, receiver):
    """Registered while allowed; by the send the allow-list no longer holds it: nothing goes
    out, and the delivery stops at once (trying again cannot make the address public)."""
    settings.WEBHOOKS_ALLOW_INSECURE_HOSTS = []
    (row,) = delivery.record_for(
        [endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint)
    )

    assert delivery.send_one(row.pk) == "gave_up"

    row.refresh_from_db()
    assert row.status == "gave_up" and row.last_error == "The address must start with https://."
    assert receiver.received == []


@pytest.mark.parametrize("host", ["10.0.0.7", "169.254.169.254", "localhost", "127.0.0.1"])
def test_a_private_address_saved_around_the_checks_is_never_called(settings, endpoint, host):
    settings.WEBHOOKS_ALLOW_INSECURE_HOSTS = []
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"https://{host}/hooks")
    (row,) = delivery.record_for(
        [endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint)
    )

    assert delivery.send_one(row.pk) == "gave_up"

    row.refresh_from_db()
    assert row.last_error == "Private, local and internal addresses cannot receive webhooks."


def test_a_name_is_resolved_at_send_time_and_every_address_must_be_public(settings):
    with pytest.raises(UnsafeAddress):
        target_for_send("https://localhost/hooks")  # by name: resolves to loopback
    settings.WEBHOOKS_ALLOW_INSECURE_HOSTS = ["localhost"]
    target = target_for_send("http://localhost:8123/a?b=c")
    assert (target.host, target.port, target.path) == ("localhost", 8123, "/a?b=c")
    assert target.address in ("127.0.0.1", "::1")


def test_a_name_that_does_not_resolve_is_tried_again_later():
    with pytest.raises(ConnectionError):
        target_for_send("https://no-such-host.invalid/hooks")
