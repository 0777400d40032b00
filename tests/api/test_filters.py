"""Every list under /api/v1/ filters with django-filter: declared as a FilterSet, documented in
the schema with its type, and a value of the wrong type is a 400 naming the parameter."""

import django_filters
import pytest
from django import forms

from accounts.api_base import filter_parameters
from tests.api.conftest import World, as_user
from tests.api.test_contract import OPERATIONS, api_routes

pytestmark = pytest.mark.django_db

LISTS = sorted(
    (route, view)
    for route, view in api_routes()
    if view is not None and "GET" in getattr(view, "paginated_methods", ())
)

# Lists that are not filtered, and why.
UNFILTERED = {
    "api/v1/patients/<int:patient_id>/care-team/": (
        "One team, read whole: its ETag guards the next write (If-Match), so a filtered read "
        "would answer a tag no write could use."
    ),
    "api/v1/patients/find/": "A lookup by exact MRN: one row or none, nothing to narrow.",
    "api/v1/patients/<int:patient_id>/recovery-start/": (
        "A person's recovery start dates: a handful of rows, read whole as a history."
    ),
    "api/v1/clinic/locked-accounts/": (
        "Who is locked out right now: a few people, read whole by the admin to unlock them."
    ),
    "api/v1/me/push-subscriptions/": (
        "The caller's own devices: a few rows, read whole to choose which to remove."
    ),
}

# Parameters a list needs before it answers at all.
REQUIRED = {"api/v1/patients/<int:patient_id>/notes/": {"reason": "Reviewing the plan"}}

# A value no typed filter takes: not a number, a date, true/false, or any choice.
NONSENSE = "not-a-value"


def schema_path(route: str) -> str:
    return "/" + route.replace("<int:", "{").replace("<slug:", "{").replace(">", "}")


def typed_filters(view: type) -> list[str]:
    """The filters of a list whose value has a type (not free text)."""
    filterset = view.filterset_class
    return [
        name
        for name, declared in filterset.base_filters.items()
        if isinstance(declared, django_filters.ChoiceFilter)
        or not (
            isinstance(declared, django_filters.CharFilter)
            or isinstance(declared.field, forms.CharField)
        )
    ]


def test_there_are_lists():
    assert len(LISTS) >= 40


@pytest.mark.parametrize(("route", "view"), LISTS, ids=[route for route, _view in LISTS])
def test_every_list_has_a_filterset_and_the_schema_documents_it(route, view):
    if route in UNFILTERED:
        assert view.filterset_class is None, f"{route} filters now: take it off UNFILTERED"
        return
    assert view.filterset_class is not None, f"{route}: a list without a FilterSet"
    get = next(o for p, m, o in OPERATIONS if p == schema_path(route) and m == "GET")
    documented = {p["name"]: p for p in get.get("parameters", []) if p["in"] == "query"}
    for parameter in filter_parameters(view.filterset_class):
        assert parameter.name in documented, (route, parameter.name)


@pytest.mark.parametrize(
    ("route", "view"),
    [(r, v) for r, v in LISTS if v.filterset_class is not None and typed_filters(v)],
    ids=[r for r, v in LISTS if v.filterset_class is not None and typed_filters(v)],
)
def test_a_wrong_value_in_a_typed_filter_is_a_400_naming_it(world: World, route, view):
    path = world.path(schema_path(route))
    readers = [world.clinician, world.admin, world.person, world.supporter]
    base = REQUIRED.get(route, {})
    api = next(
        as_user(user) for user in readers if as_user(user).get(path, base).status_code == 200
    )
    for name in typed_filters(view):
        response = api.get(path, {**base, name: NONSENSE})

        assert response.status_code == 400, (route, name, response.content)
        assert name in response.json(), (route, name)
