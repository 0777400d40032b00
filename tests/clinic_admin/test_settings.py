import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.factories import member

pytestmark = pytest.mark.django_db

URL = "/clinic/settings/"


def _data(**changes: object) -> dict[str, object]:
    return {
        "name": "Harbor Recovery Center",
        "default_language": "en",
        "phone": "555-0100",
        "local_emergency_number": "112",
        "craving_alert_threshold": "7",
        "brs_drop_alert": "0.50",
        "score_rise_alert": "5",
        "missed_checkin_days": "3",
        "milestone_heads_up_days": "3",
    } | changes


def test_admin_changes_the_alert_thresholds(client, clinic, clinic_admin):
    client.force_login(clinic_admin)

    response = client.post(URL, _data())

    assert response.url == reverse("clinic_admin:settings")
    clinic.refresh_from_db()
    assert (clinic.craving_alert_threshold, clinic.missed_checkin_days) == (7, 3)
    assert clinic.local_emergency_number == "112"
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_type="accounts.Organization")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("craving_alert_threshold", "11"),
        ("craving_alert_threshold", "zero"),
        ("brs_drop_alert", "-1"),
        ("missed_checkin_days", "0"),
        ("name", ""),
    ],
)
def test_bad_settings_give_field_errors_and_save_nothing(
    client, clinic, clinic_admin, field, value
):
    client.force_login(clinic_admin)

    response = client.post(URL, _data(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    clinic.refresh_from_db()
    assert clinic.craving_alert_threshold == 8


def test_only_the_clinics_admin_reaches_settings(client, clinic, other_clinic):
    for user in (member(Role.CLINICIAN, clinic), member(Role.ADMIN, other_clinic)):
        client.force_login(user)
        client.post(URL, _data(craving_alert_threshold="3"))
    clinic.refresh_from_db()
    assert clinic.craving_alert_threshold == 8
    client.force_login(member(Role.CLINICIAN, clinic))
    assert client.get(URL).status_code == 404
