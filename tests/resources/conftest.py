import pytest

from accounts.models import Role
from patients.models import TeamRole
from patients.services import care_team_add
from resources.models import Article, Audience, CommunityResource, ResourceKind
from tests.factories import PatientFactory, member


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def person(clinic):
    return member(Role.PATIENT, clinic, full_name="Jordan Rivera")


@pytest.fixture
def patient(clinic, team_clinician, person):
    patient = PatientFactory(clinic=clinic, legal_name="Jordan Rivera", user=person)
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient


@pytest.fixture
def supporter(clinic):
    return member(Role.SUPPORTER, clinic, full_name="Pat Rivera")


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
