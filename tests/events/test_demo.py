import random

import pytest
from django.utils import timezone

from events.demo import seed_events
from events.models import Event, EventInvitation, Story, StoryStatus
from recovery_hub.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_seed_events_is_idempotent():
    demos = seed_demo(clinics=1, patients=6, seed=1)
    for _ in range(2):
        seed_events(demos, random.Random(1), timezone.localdate())
    assert Event.objects.count() == 2
    assert EventInvitation.objects.filter(contact__isnull=False).exists()
    assert Story.objects.filter(status=StoryStatus.PUBLISHED).count() == 2
    assert Story.objects.filter(byline="").count() == 1
