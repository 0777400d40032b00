"""The clinic admin's webhook pages under /clinic/webhooks/: listed in the admin's menu, the
secret shown once, events changed, turned off, removed after a confirmation, a test event,
the delivery log (query count flat); 404 for everyone else and for another clinic's endpoint;
every change audited without the secret."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.navigation import nav_links
from audit.models import Action, AuditEvent
from tests.factories import member
from webhooks import delivery
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

LIST = "/clinic/webhooks/"


def test_the_admins_menu_links_the_webhooks_page(admin_signed_in):
    assert "webhooks:endpoints" in [item.url_name for item in nav_links(Role.ADMIN)]
    response = admin_signed_in.get(LIST)
    assert response.status_code == 200
    assert f'href="{LIST}"' in response.content.decode()


def test_adding_an_endpoint_shows_the_secret_once_and_audits_without_it(
    admin_signed_in, clinic, receiver
):
    response = admin_signed_in.post(
        "/clinic/webhooks/new/",
        {"url": receiver.url, "description": "EHR", "events": ["alert.raised", "help.requested"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/webhooks/{endpoint.pk}/created/"

    shown = admin_signed_in.get(response["Location"])
    again = admin_signed_in.get(response["Location"])

    page = shown.content.decode()
    secret = shown.context["secret"]
    assert secret.startswith("whsec_") and secret in page
    assert "no-store" in shown["Cache-Control"]
    assert again.status_code == 302 and secret not in again.content.decode()
    assert endpoint.events == ["alert.raised", "help.requested"] and endpoint.active
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="webhooks.WebhookEndpoint")
    assert event.clinic == clinic and event.object_id == str(endpoint.pk)
    assert secret not in str(event.details) and event.details["url"] == receiver.url


def test_a_private_address_is_refused_on_the_form(admin_signed_in):
    response = admin_signed_in.post(
        "/clinic/webhooks/new/", {"url": "https://10.0.0.8/hooks", "events": ["alert.raised"]}
    )

    assert response.status_code == 400
    assert "Private, local and internal addresses" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_editing_turning_off_and_removing_are_audited(admin_signed_in, endpoint):
    edit = admin_signed_in.post(
        f"/clinic/webhooks/{endpoint.pk}/edit/",
        {"url": endpoint.url, "description": "EHR", "events": ["consent.changed"]},
    )
    off = admin_signed_in.post(f"/clinic/webhooks/{endpoint.pk}/active/", {"active": "0"})
    confirm = admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/delete/")
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()  # the GET only asks
    removed = admin_signed_in.post(f"/clinic/webhooks/{endpoint.pk}/delete/")

    assert edit.status_code == off.status_code == removed.status_code == 302
    assert "Remove the endpoint?" in confirm.content.decode()
    assert not WebhookEndpoint.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="webhooks.WebhookEndpoint")
        .order_by("pk")
        .values_list("action", "details")
    )
    assert [action for action, _details in actions] == [
        Action.CREATE,
        Action.UPDATE,
        Action.UPDATE,
        Action.DELETE,
    ]
    assert actions[1][1]["changed"] == {"events": ["consent.changed"]}
    assert actions[2][1]["changed"] == {"active": False}


def test_a_test_event_is_sent_and_shows_in_the_log(
    admin_signed_in, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_signed_in.post(f"/clinic/webhooks/{endpoint.pk}/test/")

    assert response.status_code == 302
    (got,) = receiver.received
    assert got.headers["X-RecoveryHub-Event"] == "ping"
    log = admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/deliveries/")
    assert "Test event" in log.content.decode() and "Delivered" in log.content.decode()


def _rows(endpoint, count: int) -> None:
    for index in range(count):
        status = [DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP][index % 3]
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=WebhookEvent.ALERT_RAISED,
            payload={"n": index},
            status=status,
            attempts=index % 4,
            last_status_code=500 if status != DeliveryStatus.SENT else 200,
        )


@pytest.mark.parametrize("count", [5, 60])
def test_the_delivery_log_costs_the_same_queries_for_5_or_60_rows(
    admin_signed_in, endpoint, count, django_assert_max_num_queries
):
    _rows(endpoint, count)
    admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/deliveries/")  # warm the session

    # Session, user, membership and clinic (about 6), the endpoint, the count and the page.
    with django_assert_max_num_queries(12):
        response = admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/deliveries/?page=2")
        listed = admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/deliveries/?status=gave_up")

    assert response.status_code == listed.status_code == 200
    assert all(row.status == "gave_up" for row in listed.context["page"].object_list)


def test_the_endpoints_list_costs_the_same_queries_for_1_or_8_endpoints(
    admin_signed_in, clinic, clinic_admin, receiver, django_assert_max_num_queries
):
    for index in range(8):
        endpoint_create(
            clinic=clinic,
            actor=clinic_admin,
            url=f"{receiver.url}&n={index}",
            events=["alert.raised"],
        )
    admin_signed_in.get(LIST)
    with django_assert_max_num_queries(10):
        response = admin_signed_in.get(LIST)
    assert len(response.context["page"].object_list) == 8


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_everyone_but_the_clinic_admin_gets_404(client, clinic, endpoint, role):
    client.force_login(member(role, clinic))

    for path in (
        LIST,
        "/clinic/webhooks/new/",
        f"/clinic/webhooks/{endpoint.pk}/edit/",
        f"/clinic/webhooks/{endpoint.pk}/delete/",
        f"/clinic/webhooks/{endpoint.pk}/deliveries/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/clinic/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_another_clinics_admin_gets_404_for_this_clinics_endpoint(client, other_clinic, endpoint):
    client.force_login(member(Role.ADMIN, other_clinic))

    for path in ("edit/", "delete/", "deliveries/", "created/"):
        assert client.get(f"/clinic/webhooks/{endpoint.pk}/{path}").status_code == 404, path
    for path in ("active/", "test/", "delete/"):
        assert client.post(f"/clinic/webhooks/{endpoint.pk}/{path}").status_code == 404, path
    assert reverse("webhooks:endpoints") == LIST
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).active
    assert not delivery.sweep()
