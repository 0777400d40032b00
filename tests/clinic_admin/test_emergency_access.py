"""The emergency-access log: every emergency opening of a chart of this clinic, newest first;
and its count on the admin dashboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from patients.models import EmergencyAccess
from tests.factories import EmergencyAccessFactory, PatientFactory, member

pytestmark = pytest.mark.django_db


def opened(grant: EmergencyAccess, ago: timedelta) -> EmergencyAccess:
    """Move a grant's opening (auto-set to now) into the past."""
    started = timezone.now() - ago
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        started_at=started, expires_at=started + timedelta(hours=24)
    )
    grant.refresh_from_db()
    return grant


def test_admin_sees_the_clinics_emergency_access_newest_first(
    admin_signed_in, clinic, other_clinic
):
    nurse = member(Role.CLINICIAN, clinic, full_name="Nora Night-Shift")
    old = opened(
        EmergencyAccessFactory(patient__clinic=clinic, user=nurse, reason="Overdose call, weekend"),
        timedelta(days=3),
    )
    recent = EmergencyAccessFactory(
        patient__clinic=clinic, user=nurse, reason="Crisis line, care team away"
    )
    elsewhere = EmergencyAccessFactory(patient__clinic=other_clinic, reason="Lakeside reason")

    response = admin_signed_in.get(reverse("clinic_admin:emergency_access"))

    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [row.pk for row in rows] == [recent.pk, old.pk]
    assert [row.still_active for row in rows] == [True, False]
    page = response.content.decode()
    assert "Nora Night-Shift" in page
    assert recent.patient.mrn in page and "Crisis line, care team away" in page
    assert "Still open" in page and "Ended" in page
    assert elsewhere.reason not in page and elsewhere.patient.mrn not in page


def test_clinician_gets_404(client, clinic, clinician):
    EmergencyAccessFactory(patient__clinic=clinic, user=clinician)
    client.force_login(clinician)

    assert client.get(reverse("clinic_admin:emergency_access")).status_code == 404


def test_admin_of_another_clinic_sees_none_of_this_clinics_log(client, clinic, other_clinic):
    grant = EmergencyAccessFactory(patient__clinic=clinic, reason="Harbor only reason")
    client.force_login(member(Role.ADMIN, other_clinic))

    page = client.get(reverse("clinic_admin:emergency_access")).content.decode()

    assert grant.reason not in page


def test_the_log_is_paginated(admin_signed_in, clinic):
    patient = PatientFactory(clinic=clinic)
    EmergencyAccessFactory.create_batch(30, patient=patient)

    first = admin_signed_in.get(reverse("clinic_admin:emergency_access"))
    second = admin_signed_in.get(reverse("clinic_admin:emergency_access"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("size", [5, 60])
def test_log_query_count_does_not_grow_with_rows(
    admin_signed_in, clinic, django_assert_max_num_queries, size
):
    for patient in PatientFactory.create_batch(size, clinic=clinic):
        EmergencyAccessFactory(patient=patient)

    # session + user + memberships + count + page (clinician and patient joined), + slack
    with django_assert_max_num_queries(7):
        response = admin_signed_in.get(reverse("clinic_admin:emergency_access"))

    assert response.status_code == 200


def test_dashboard_counts_emergency_access_of_the_last_7_days(
    admin_signed_in, clinic, other_clinic
):
    EmergencyAccessFactory.create_batch(2, patient__clinic=clinic)
    opened(EmergencyAccessFactory(patient__clinic=clinic), timedelta(days=6, hours=23))
    opened(EmergencyAccessFactory(patient__clinic=clinic), timedelta(days=8))
    EmergencyAccessFactory(patient__clinic=other_clinic)

    response = admin_signed_in.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert response.context["emergency_access_recent"] == 3
    page = response.content.decode()
    assert "Emergency access in the last 7 days: <strong>3</strong>" in page
    assert reverse("clinic_admin:emergency_access") in page
