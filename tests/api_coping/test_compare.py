"""Comparing two versions of the plan (`coping-plan/versions/compare/?from=&to=`), as the
versions page does: section by section, each row marked."""

import pytest

from audit.models import Action, AuditEvent
from coping.plan import empty_plan
from coping.services import plan_save
from tests.api_coping.conftest import as_user, url

pytestmark = pytest.mark.django_db

WALK = {"category": "physical_activity", "text": "Walk after dinner"}


@pytest.fixture
def two_versions(patient, team_clinician, person):
    first = plan_save(
        patient=patient, content={**empty_plan(), "strategies": [WALK]}, actor=team_clinician
    )
    walk = first.content["strategies"][0]
    plan_save(
        patient=patient,
        content={
            **empty_plan(),
            "strategies": [{**walk, "text": "Walk after lunch"}],
            "reasons": [{"text": "My daughter"}],
        },
        actor=person,
        change_summary="Lunch walk",
    )


def test_compare_marks_what_changed_per_section(patient, team_clinician, two_versions):
    response = as_user(team_clinician).get(
        url(patient, "coping-plan/versions/compare/?from=1&to=2")
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["from_version"]["number"], body["to_version"]["number"]) == (1, 2)
    assert body["to_version"]["change_summary"] == "Lunch walk"
    sections = {s["name"]: s for s in body["sections"]}
    assert [r["change"] for r in sections["strategies"]["rows"]] == ["changed"]
    assert sections["reasons"]["rows"] == [{"left": "", "right": "My daughter", "change": "added"}]
    assert sections["triggers"]["changes"] == 0
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient_id=patient.pk, details__api="coping-plan-compare"
    ).exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=1&to=9", "to"), ("from=7&to=2", "from"), ("to=2", "from"), ("from=x&to=2", "from")],
)
def test_a_version_the_plan_does_not_have_is_a_400_naming_it(
    patient, person, two_versions, query, field
):
    response = as_user(person).get(url(patient, f"coping-plan/versions/compare/?{query}"))

    assert response.status_code == 400 and field in response.json()


def test_others_get_404_and_the_admin_reads(
    patient, two_versions, clinic_admin, off_team, stranger
):
    path = url(patient, "coping-plan/versions/compare/?from=1&to=2")

    assert as_user(clinic_admin).get(path).status_code == 200
    assert as_user(off_team).get(path).status_code == 404
    assert as_user(stranger).get(path).status_code == 404


def test_restore_by_the_admin_is_403_and_by_others_404(
    patient, two_versions, clinic_admin, off_team, stranger, person
):
    path = url(patient, "coping-plan/versions/1/restore/")

    assert as_user(clinic_admin).post(path).status_code == 403
    assert as_user(off_team).post(path).status_code == 404
    assert as_user(stranger).post(path).status_code == 404
    assert as_user(person).post(url(patient, "coping-plan/versions/9/restore/")).status_code == 404
    restored = as_user(person).post(path)
    assert restored.status_code == 201 and restored.json()["restored_from"] == 1
