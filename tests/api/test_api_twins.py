"""Every page action has a twin under /api/v1/ that does the same thing, or a stated reason why
not (Step 13). The test walks every URL pattern of the project; a page found in no table of
tests/api/twins/ fails it, and the pages that have no twin are listed with their reasons in the
run's summary ("page actions without an API twin")."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api import conftest as api_conftest
from tests.api.twins import Why, all_twins

# Routes that are not our pages: allauth's sign-in pages, Django's own views, the schema's
# pages (matched on the module of the view), and the Django admin (superusers' tool for the
# machine's owners, not a clinic's page).
FOREIGN_MODULES = ("django.", "allauth.", "drf_spectacular.")
FOREIGN_ROUTES = ("api/", "django-admin/")


def walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str, str]]:
    """(URL name with its namespace, route, view module) of every named URL pattern."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            module = (view or callback).__module__
            found.append((namespace + pattern.name, prefix + str(pattern.pattern), module))
    return found


ROUTES = walk(get_resolver().url_patterns)
PAGES = {
    name: route
    for name, route, module in ROUTES
    if not route.startswith(FOREIGN_ROUTES) and not module.startswith(FOREIGN_MODULES)
}
API_NAMES = {name for name, route, _module in ROUTES if route.startswith("api/v1/")}
TWINS = all_twins()


def test_the_walk_finds_the_pages_and_the_api():
    assert len(PAGES) > 100
    assert len(API_NAMES) > 50
    assert "patients:chart" in PAGES and "api:patient-detail" in API_NAMES


def test_every_page_action_has_an_api_twin_or_says_why():
    unlisted = sorted(f"{name} ({route})" for name, route in PAGES.items() if name not in TWINS)

    assert unlisted == [], "page actions without an API twin or a reason:\n" + "\n".join(unlisted)


def test_every_twin_named_is_a_route_of_the_api():
    unknown = {
        page: [name for name in twin if name not in API_NAMES]
        for page, twin in TWINS.items()
        if not isinstance(twin, Why)
    }

    assert {page: names for page, names in unknown.items() if names} == {}


def test_every_table_entry_is_a_page_that_exists_and_every_reason_is_a_sentence():
    assert sorted(set(TWINS) - set(PAGES)) == []
    for page, twin in TWINS.items():
        if isinstance(twin, Why):
            assert len(twin.reason.split()) >= 5, page
        else:
            assert twin, page


@pytest.fixture(scope="module", autouse=True)
def _list_the_pages_without_twin():
    yield
    api_conftest.PAGES_WITHOUT_TWIN.update(
        {page: twin.reason for page, twin in TWINS.items() if isinstance(twin, Why)}
    )
