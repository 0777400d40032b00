"""The clinic's coping-strategy library: seeded for every clinic, managed by its staff only."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Role
from coping.library import STRATEGY_LIBRARY, seed_strategy_library
from coping.models import Strategy, StrategyCategory
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_a_new_clinic_gets_at_least_five_strategies_per_category():
    clinic = OrganizationFactory(name="Riverside Recovery", slug="riverside")

    for category in StrategyCategory.values:
        assert Strategy.objects.filter(clinic=clinic, category=category).count() >= 5, category
    assert set(STRATEGY_LIBRARY) == set(StrategyCategory.values)


def test_seeding_again_adds_nothing_and_keeps_the_clinics_own_edits(clinic):
    box = Strategy.objects.get(clinic=clinic, title="Box breathing")
    box.description = "Our own wording."
    box.save()
    before = Strategy.objects.filter(clinic=clinic).count()

    assert seed_strategy_library(clinic) == 0

    assert Strategy.objects.filter(clinic=clinic).count() == before
    box.refresh_from_db()
    assert box.description == "Our own wording."


def test_the_data_migration_seeds_existing_clinics(clinic):
    Strategy.objects.filter(clinic=clinic).delete()
    migration = importlib.import_module("coping.migrations.0003_seed_strategy_libraries")

    migration.seed_existing_clinics(apps, None)
    migration.seed_existing_clinics(apps, None)  # twice: still one of each

    expected = sum(len(items) for items in STRATEGY_LIBRARY.values())
    assert Strategy.objects.filter(clinic=clinic).count() == expected


def test_library_texts_fit_the_model():
    titles = [title for items in STRATEGY_LIBRARY.values() for title, _ in items]
    assert all(len(title) <= 120 for title in titles)
    for items in STRATEGY_LIBRARY.values():
        assert len({title for title, _ in items}) == len(items)  # unique per category


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLINICIAN])
def test_staff_see_their_clinics_library_grouped_by_category(client, clinic, other_clinic, role):
    Strategy.objects.create(
        clinic=other_clinic, category="routine", title="Lakeside only", description="x"
    )
    client.force_login(member(role, clinic))

    response = client.get(reverse("coping:library"))

    assert response.status_code == 200
    html = response.content.decode()
    for value in StrategyCategory.values:
        assert f'data-testid="library-{value}"' in html
    assert "Box breathing" in html and "Lakeside only" not in html


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_get_404(client, clinic, role):
    client.force_login(member(role, clinic))

    assert client.get(reverse("coping:library")).status_code == 404
    strategy = Strategy.objects.filter(clinic=clinic).first()
    toggle = reverse("coping:library_toggle", args=[strategy.pk])
    assert client.post(toggle, {"active": "0"}).status_code == 404


def test_clinician_adds_a_strategy(client, clinic, clinician):
    client.force_login(clinician)

    response = client.post(
        reverse("coping:library"),
        {"category": "routine", "title": "Sunday meal prep", "description": "Cook for the week."},
    )

    assert response.status_code == 302
    assert Strategy.objects.get(clinic=clinic, title="Sunday meal prep").is_active


def test_a_duplicate_title_in_the_same_category_is_an_error(client, clinic, clinician):
    client.force_login(clinician)

    response = client.post(
        reverse("coping:library"),
        {"category": "stress_management", "title": "box breathing", "description": "Again."},
    )

    assert response.status_code == 200
    assert "already has a strategy with this title" in response.content.decode()
    assert Strategy.objects.filter(clinic=clinic, title__iexact="box breathing").count() == 1


def test_deactivate_and_reactivate(client, clinic, clinic_admin):
    strategy = Strategy.objects.get(clinic=clinic, title="Urge surfing")
    client.force_login(clinic_admin)
    toggle = reverse("coping:library_toggle", args=[strategy.pk])

    client.post(toggle, {"active": "0"})
    client.post(toggle, {"active": "0"})  # a double submit changes nothing
    strategy.refresh_from_db()
    assert not strategy.is_active
    assert "not offered" in client.get(reverse("coping:library")).content.decode()

    client.post(toggle, {"active": "1"})
    strategy.refresh_from_db()
    assert strategy.is_active


def test_another_clinics_strategy_is_404(client, clinic, other_clinic, clinic_admin):
    foreign = Strategy.objects.filter(clinic=other_clinic).first()
    client.force_login(clinic_admin)

    response = client.post(reverse("coping:library_toggle", args=[foreign.pk]), {"active": "0"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_toggle_needs_post(client, clinic, clinic_admin):
    strategy = Strategy.objects.filter(clinic=clinic).first()
    client.force_login(clinic_admin)

    assert client.get(reverse("coping:library_toggle", args=[strategy.pk])).status_code == 405
