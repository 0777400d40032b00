"""The demo: the demo person shares two updates (one with a photo) with the demo family member,
who reacted and replied; seeding twice changes nothing."""

import pytest
from django.utils import timezone

from recovery_hub.demo import seed_demo
from updates.demo import seed_updates
from updates.models import Reaction, Reply, Update

pytestmark = pytest.mark.django_db


def test_the_demo_person_shares_two_updates_with_the_family_and_seeding_twice_adds_nothing(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (demo,) = seed_demo(clinics=1, patients=3, seed=5)

    seed_updates(demo.clinic, timezone.localdate())
    seed_updates(demo.clinic, timezone.localdate())

    updates = list(Update.objects.order_by("created_at"))
    assert len(updates) == 2
    assert updates[0].patient.user.email == "patient@demo.clinic"
    assert sum(bool(u.photo) for u in updates) == 1
    assert {c.user.email for u in updates for c in u.audience.all()} == {"family@demo.clinic"}
    assert Reaction.objects.count() == 1 and Reply.objects.count() == 1
