"""seed_calendars(clinic): a feed for each person who signs in and each supporter shared
something now; safe to run twice."""

import pytest

from calendars.demo import seed_calendars
from calendars.models import CalendarFeed
from tests.factories import PatientFactory, SupportContactFactory

pytestmark = pytest.mark.django_db


def test_the_demo_makes_the_feeds_once(clinic, patient, contact, consent):
    PatientFactory(clinic=clinic)  # no sign-in: no feed
    SupportContactFactory(patient=patient)  # invited, no account: no feed

    assert seed_calendars(clinic) == 2
    assert seed_calendars(clinic) == 2
    assert CalendarFeed.objects.filter(contact=contact).count() == 1
    assert CalendarFeed.objects.filter(patient=patient, contact__isnull=True).count() == 1
