"""Audit events are append-only everywhere: the model, the admin site, and PostgreSQL itself."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.second_factor import totp_enrol
from audit.models import Action, AuditEvent
from audit.services import audit_record
from tests.factories import TOTP_SECRET, sign_in_as_allauth_does

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(clinic) -> AuditEvent:
    return audit_record(action=Action.VIEW, clinic=clinic, details={"page": "test"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_update_and_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    event.refresh_from_db()
    assert event.action == Action.VIEW


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_inserting_still_works_under_the_trigger(clinic):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        before = cursor.fetchone()[0]
    audit_record(action=Action.EXPORT, clinic=clinic)

    assert AuditEvent.objects.count() == before + 1


def test_the_orm_refuses_to_change_or_remove_an_event(event):
    event.action = Action.DELETE
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETE)
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_admin_site_lists_events_but_offers_no_add_change_or_delete(client, event):
    superuser = get_user_model().objects.create_superuser("root@example.org", "x-Long-pass-42")
    totp_enrol(superuser, secret=TOTP_SECRET)  # the admin needs a second factor
    sign_in_as_allauth_does(client, superuser)  # the admin admits only allauth's sign-ins

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    add = client.get(reverse("admin:audit_auditevent_add"))
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "delete"}
    )

    assert listing.status_code == 200
    assert b"delete_selected" not in listing.content
    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW
