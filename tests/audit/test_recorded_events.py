"""The events the issue names leave a trace: opening a chart, exporting, a failed sign-in."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def test_opening_a_chart_leaves_a_view_event(client, clinic, patient, team_clinician):
    client.force_login(team_clinician)

    client.get(reverse("patients:chart", args=[patient.pk]))

    event = AuditEvent.objects.filter(action=Action.VIEW, patient=patient).latest("pk")
    assert event.actor == team_clinician and event.clinic == clinic
    assert event.object_type == "patients.Patient" and event.object_id == str(patient.pk)


def test_exporting_the_audit_trail_leaves_an_export_event(admin_signed_in, clinic_admin):
    response = admin_signed_in.get(reverse("audit:trail_csv"), {"action": "view"})
    b"".join(response.streaming_content)

    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == clinic_admin
    assert event.details == {"export": "audit_trail", "action": "view"}


def test_a_failed_sign_in_leaves_an_event_with_the_address_tried(client, team_clinician):
    client.post(reverse("account_login"), {"login": team_clinician.email, "password": "nope"})

    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.details == {"email": team_clinician.email}
    assert "nope" not in str(event.details)
