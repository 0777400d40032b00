"""The clinic's strategy library: clinic admins and clinicians list it (with filters), add a
strategy, and switch one off or on again; everyone else gets 404."""

import pytest

from audit.models import Action, AuditEvent
from coping.models import Strategy
from tests.api_coping.conftest import as_user, queries_of

pytestmark = pytest.mark.django_db

LIBRARY = "/api/v1/coping/library/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_staff_list_the_clinics_library_with_filters(clinic, clinician, clinic_admin, other_clinic):
    seeded = Strategy.objects.filter(clinic=clinic).count()
    Strategy.objects.filter(clinic=clinic, title="Box breathing").update(is_active=False)

    listed = as_user(clinician).get(f"{LIBRARY}?page_size=200")
    off = as_user(clinic_admin).get(f"{LIBRARY}?is_active=false")
    breathing = as_user(clinician).get(f"{LIBRARY}?q=breath&category=stress_management")

    assert listed.json()["count"] == seeded > 0
    assert titles(off) == ["Box breathing"]
    assert "Box breathing" in titles(breathing)
    assert all(row["category"] == "stress_management" for row in breathing.json()["results"])


@pytest.mark.parametrize("query", ["category=hobbies", "is_active=no", "page=0"])
def test_a_bad_filter_is_a_400(clinician, query):
    response = as_user(clinician).get(f"{LIBRARY}?{query}")

    assert response.status_code == 400 and query.split("=")[0] in response.json()


def test_a_clinician_adds_a_strategy_audited(clinic, clinician):
    response = as_user(clinician).post(
        LIBRARY,
        {"category": "routine", "title": "Morning tea", "description": "Tea on the porch."},
        format="json",
    )

    assert response.status_code == 201
    strategy = Strategy.objects.get(clinic=clinic, title="Morning tea")
    assert response.json()["id"] == strategy.pk and strategy.is_active
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(strategy.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "hobbies", "title": "Tea", "description": "x"}, "category"),
        ({"category": "stress_management", "title": "Box breathing", "description": "x"}, "title"),
        ({"category": "routine", "title": "Tea"}, "description"),
        ({"category": "routine", "title": "Tea", "description": "x", "title_es": "Té"}, None),
    ],
)
def test_a_bad_strategy_is_a_400_naming_the_field(clinic, clinician, body, field):
    before = Strategy.objects.count()

    response = as_user(clinician).post(LIBRARY, body, format="json")

    assert response.status_code == 400
    if field:
        assert field in response.json()
    assert Strategy.objects.count() == before


def test_switching_a_strategy_off_and_on_again(clinic, clinic_admin):
    strategy = Strategy.objects.filter(clinic=clinic).first()
    path = f"{LIBRARY}{strategy.pk}/active/"
    api = as_user(clinic_admin)

    off = api.delete(path)
    off_again = api.delete(path)
    strategy.refresh_from_db()
    was_off = strategy.is_active
    on = api.post(path)

    assert off.status_code == off_again.status_code == on.status_code == 200
    assert was_off is False and off.json()["is_active"] is False
    strategy.refresh_from_db()
    assert strategy.is_active and on.json()["is_active"] is True
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(strategy.pk)).count() == 3


def test_people_in_recovery_and_supporters_get_404(clinic, person, supporter, patient):
    strategy = Strategy.objects.filter(clinic=clinic).first()
    for user in (person, supporter):
        api = as_user(user)
        assert api.get(LIBRARY).status_code == 404
        assert api.post(LIBRARY, {"category": "x"}, format="json").status_code == 404
        assert api.delete(f"{LIBRARY}{strategy.pk}/active/").status_code == 404
    strategy.refresh_from_db()
    assert strategy.is_active


def test_another_clinics_strategy_is_404(clinic, other_clinic, stranger):
    ours = Strategy.objects.filter(clinic=clinic).first()

    response = as_user(stranger).delete(f"{LIBRARY}{ours.pk}/active/")
    listed = as_user(stranger).get(f"{LIBRARY}?page_size=200").json()["results"]

    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.is_active
    assert ours.pk not in {row["id"] for row in listed}


def test_the_library_queries_do_not_grow(clinic, clinician):
    api = as_user(clinician)
    few = queries_of(lambda: api.get(f"{LIBRARY}?page_size=5"))
    many = queries_of(lambda: api.get(f"{LIBRARY}?page_size=200"))

    assert few == many
