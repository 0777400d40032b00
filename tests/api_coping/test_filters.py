"""django-filter on every coping list: check-ins, questionnaires, plan versions and the
library. Each filter is documented in the schema, and a value that is not valid is a 400
naming the parameter; the lists' queries do not grow with their rows."""

from datetime import date, timedelta

import pytest

from coping.models import Assessment, CopingPlanVersion
from coping.plan import empty_plan
from coping.services import assessment_submit, plan_restore, plan_save
from tests.api_coping.conftest import add_checkins, as_user, queries_of, url

pytestmark = pytest.mark.django_db


def dates(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["local_date"] for row in response.json()["results"]]


def test_checkins_between_two_of_the_persons_days(frozen, patient, team_clinician):
    add_checkins(patient, 10)  # 3 March back to 22 February
    api = as_user(team_clinician)

    between = api.get(url(patient, "checkins/?from=2026-02-25&to=2026-02-27"))
    since = api.get(url(patient, "checkins/?from=2026-03-02"))

    assert dates(between) == ["2026-02-27", "2026-02-26", "2026-02-25"]
    assert dates(since) == ["2026-03-03", "2026-03-02"]


def test_checkins_that_report_use(frozen, patient, team_clinician):
    add_checkins(patient, 10)  # use on the 1st and 8th rows: 3 March and 24 February

    used = as_user(team_clinician).get(url(patient, "checkins/?used_since_last=true"))
    not_used = as_user(team_clinician).get(url(patient, "checkins/?used_since_last=false"))

    assert dates(used) == ["2026-03-03", "2026-02-24"]
    assert len(dates(not_used)) == 8


@pytest.mark.parametrize(
    ("part", "name"),
    [
        ("checkins/?from=yesterday", "from"),
        ("checkins/?to=2026-02-30", "to"),
        ("checkins/?used_since_last=maybe", "used_since_last"),
        ("checkins/?on_behalf=yes", "on_behalf"),
        ("assessments/?instrument=phq10", "instrument"),
        ("assessments/?flagged=yes", "flagged"),
        ("assessments/?from=2026-13-01", "from"),
        ("coping-plan/versions/?author=0", "author"),
        ("coping-plan/versions/?author=me", "author"),
        ("coping-plan/versions/?restored=no", "restored"),
        ("coping-plan/versions/?to=soon", "to"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(patient, team_clinician, part, name):
    response = as_user(team_clinician).get(url(patient, part))

    assert response.status_code == 400
    assert name in response.json()


def test_questionnaires_by_instrument_day_and_flag(frozen, patient, person):
    assessment_submit(patient=patient, instrument="gad7", answers=[1] * 7, actor=person)
    assessment_submit(patient=patient, instrument="phq9", answers=[0] * 8 + [1], actor=person)
    Assessment.objects.filter(instrument="gad7").update(local_date=date(2026, 2, 1))
    api = as_user(person)

    def instruments(query: str) -> list[str]:
        response = api.get(url(patient, f"assessments/?{query}"))
        assert response.status_code == 200, response.content
        return [row["instrument"] for row in response.json()["results"]]

    assert instruments("instrument=gad7") == ["gad7"]
    assert instruments("instrument=") == ["phq9", "gad7"]  # blank: no filter
    assert instruments("from=2026-03-01") == ["phq9"]
    assert instruments("to=2026-02-28") == ["gad7"]
    assert instruments("flagged=true") == ["phq9"]  # item 9 above 0
    assert instruments("flagged=false") == ["gad7"]
    assert instruments("band=mild") == ["gad7"]  # 7 of 21
    assert instruments("band=minimal") == ["phq9"]


def test_plan_versions_by_author_and_restored(patient, team_clinician, person):
    first = plan_save(patient=patient, content=empty_plan(), actor=team_clinician)
    plan_save(patient=patient, content=empty_plan(), actor=person)
    plan_restore(patient=patient, version=first, actor=team_clinician)
    api = as_user(team_clinician)

    def numbers(query: str) -> list[int]:
        response = api.get(url(patient, f"coping-plan/versions/?{query}"))
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    assert numbers(f"author={person.pk}") == [2]
    assert numbers("restored=true") == [3]
    assert numbers("restored=false") == [2, 1]
    today = CopingPlanVersion.objects.get(number=1).created_at.date()
    assert numbers(f"from={today}&to={today}") == [3, 2, 1]
    assert numbers(f"from={today + timedelta(days=1)}") == []


def test_the_schema_documents_each_lists_filters():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def names(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"}

    patient = "/api/v1/patients/{patient_id}/"
    assert {"from", "to", "used_since_last", "on_behalf"} <= names(patient + "checkins/")
    assert {"instrument", "band", "flagged", "from", "to"} <= names(patient + "assessments/")
    assert {"author", "restored", "from", "to"} <= names(patient + "coping-plan/versions/")
    assert {"category", "is_active", "q"} <= names("/api/v1/coping/library/")


def test_the_lists_queries_do_not_grow_with_their_rows(frozen, patient, team_clinician, person):
    api = as_user(team_clinician)

    def counts() -> tuple[int, ...]:
        return tuple(
            queries_of(lambda part=part: api.get(url(patient, part)))
            for part in ("checkins/", "assessments/", "coping-plan/versions/")
        )

    add_checkins(patient, 3)
    for _n in range(3):
        assessment_submit(patient=patient, instrument="gad7", answers=[1] * 7, actor=person)
        plan_save(patient=patient, content=empty_plan(), actor=person)
    few = counts()
    add_checkins(patient, 30, start=3)
    for _n in range(20):
        assessment_submit(patient=patient, instrument="brs", answers=[3] * 6, actor=person)
        plan_save(patient=patient, content=empty_plan(), actor=team_clinician)
    many = counts()

    assert few == many
