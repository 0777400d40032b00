"""The demo gives "who saw my information" something to show, once."""

import random

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from recovery_hub.demo import seed_demo
from trail.demo import seed_audit
from trail.selectors import access_report

pytestmark = pytest.mark.django_db


def test_seed_audit_gives_each_person_an_access_history_and_is_idempotent():
    demos = seed_demo(clinics=1, patients=2, seed=3)
    today = timezone.localdate()

    seed_audit(demos, random.Random(1), today)
    count = AuditEvent.objects.filter(details__demo="demo_access").count()
    seed_audit(demos, random.Random(1), today)

    assert AuditEvent.objects.filter(details__demo="demo_access").count() == count
    for patient in demos[0].patients:
        groups = access_report(patient)
        assert any(not group.is_supporter for group in groups)
    assert AuditEvent.objects.filter(action=Action.VIEW, details__demo="demo_access").count() > 2
