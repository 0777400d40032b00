"""The dashboard's last-30-days tiles, each linking to its report."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert
from tests.factories import AlertFactory, PatientFactory
from tests.reports.conftest import checkin

pytestmark = pytest.mark.django_db


def test_tiles_show_adherence_and_open_alerts_by_age(admin_signed_in, clinic, other_clinic):
    patient = PatientFactory(clinic=clinic)
    checkin(patient, timezone.localdate())
    AlertFactory(patient=patient)
    old = AlertFactory(patient=patient)
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    AlertFactory(patient=PatientFactory(clinic=other_clinic))
    response = admin_signed_in.get(reverse("reports:dashboard"))
    html = response.content.decode()
    tiles = response.context["tiles"]
    assert tiles["alerts"] == {"day": 1, "week": 0, "older": 1}
    assert tiles["adherence_patients"] == 1
    for slug in ("census", "adherence", "caseload", "trends"):
        assert reverse("reports:report", args=[slug]) in html


def test_the_dashboard_query_count_does_not_grow(admin_signed_in, clinic,
                                                 django_assert_max_num_queries):  # fmt: skip
    for _ in range(3):
        AlertFactory(patient=PatientFactory(clinic=clinic))
    # Session, membership, overview (4), tiles (alerts, delivery, adherence's 8), heartbeat.
    with django_assert_max_num_queries(25):
        admin_signed_in.get(reverse("reports:dashboard"))
