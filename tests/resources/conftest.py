import pytest

from resources.models import Article, Audience, CommunityResource, ResourceKind


@pytest.fixture
def article(clinic):
    return Article.objects.create(
        clinic=clinic,
        title="Coping with cravings",
        slug="cravings",
        summary="Short help.",
        body="# Ride the wave\n\nCravings pass.",
        audience=Audience.PATIENTS,
        is_published=True,
    )


@pytest.fixture
def other_article(other_clinic):
    return Article.objects.create(
        clinic=other_clinic,
        title="Lakeside only",
        slug="lakeside-only",
        body="x",
        is_published=True,
    )


@pytest.fixture
def pantry(clinic):
    return CommunityResource.objects.create(
        clinic=clinic, name="Northside Pantry", kind=ResourceKind.FOOD, phone="555-0100"
    )


@pytest.fixture
def meeting(clinic):
    return CommunityResource.objects.create(
        clinic=clinic, name="Maple Street Meeting", kind=ResourceKind.MUTUAL_HELP
    )


@pytest.fixture
def other_resource(other_clinic):
    return CommunityResource.objects.create(
        clinic=other_clinic, name="Lakeside Housing", kind=ResourceKind.HOUSING
    )
