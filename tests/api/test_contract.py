"""The API's contract, generated over every route and operation of /api/v1/: one error shape,
strict input (no NUL or lone surrogate anywhere, JSON types as documented, no unknown or empty
query parameters), OPTIONS that never fails, permission before validation, and the same 404
for "not yours" and "does not exist"."""

import json
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.api_base import PATIENT_ROUTE, ApiView, ClinicApiView
from accounts.models import User
from coping.models import CopingPlanVersion
from coping.plan import empty_plan
from core.api_classes import StrictJSONParser, StrictMultiPartParser
from networks.models import ContactStatus, HelpTask, Relationship
from networks.services import consent_grant, contact_add, help_task_claim
from patients.models import Appointment
from tests.api.conftest import World, as_user
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

NUL = "a\u0000b"
SURROGATE = "a\ud800b"


def api_routes() -> list[tuple[str, type]]:
    """(route, view class) of every URL under /api/v1/."""
    found = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "view_class", None)
                if route.startswith("api/v1/"):
                    found.append((route, view))

    walk(get_resolver().url_patterns, "")
    return found


def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations() -> list[tuple[str, str, dict]]:
    return [
        (path, method.upper(), operation)
        for path, item in schema()["paths"].items()
        for method, operation in item.items()
    ]


OPERATIONS = operations()
WRITES = [(p, m, o) for p, m, o in OPERATIONS if "requestBody" in o]


# --- Every view is an ApiView -----------------------------------------------------------------

MOVED = {"api/v1/me"}  # old paths, answered by a redirect


def test_every_api_route_is_an_api_view_with_strict_parsers():
    routes = api_routes()

    assert len(routes) >= 25
    for route, view in routes:
        if route in MOVED:
            continue  # a permanent redirect to its route with the slash (tests/accounts)
        assert view is not None and issubclass(view, ApiView), route
        for parser in view.parser_classes:
            assert parser in (StrictJSONParser, StrictMultiPartParser), (route, parser)


def test_a_patient_is_patient_id_and_opened_by_the_one_base_in_every_route():
    for route, view in api_routes():
        assert "<int:id>" not in route, route
        if route.startswith("api/v1/patients/<"):
            assert route.startswith("api/v1/" + PATIENT_ROUTE), route
            assert issubclass(view, ClinicApiView), route


def test_the_schema_documents_exactly_the_query_parameters_each_operation_takes():
    routes = dict(api_routes())
    for path, method, operation in OPERATIONS:
        route = next(
            r
            for r in routes
            if "/" + r.replace("<int:", "{").replace("<slug:", "{").replace(">", "}") == path
        )
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert documented == routes[route]().query_parameters(method) - {"clinic"}, (path, method)


def test_every_operation_documents_its_errors_in_the_one_shape():
    document = schema()
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, _method, operation in OPERATIONS:
        for status in ("400", "401", "403", "404"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, status)
        if "requestBody" in operation:
            assert "415" in operation["responses"], path


# --- OPTIONS (finding 13) ---------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted({p for p, _m, _o in OPERATIONS}))
def test_options_answers_on_every_route_without_opening_anything(world: World, path: str):
    response = as_user(world.clinician).options(world.path(path))

    assert response.status_code == 200, response.content
    assert "actions" not in response.json()  # no field list for what the caller may not write


# --- NUL and lone surrogates (findings 7 and 13) ----------------------------------------------


def writer(world: World, path: str) -> User:
    if path.endswith(("/claim/", "/release/")) or path.startswith("/api/v1/supporter/"):
        return world.supporter
    if path.startswith("/api/v1/me/"):
        return world.person  # the person's own record: no one else reaches it
    if path.startswith(ADMIN_WRITES):
        return world.admin
    return world.clinician


# Writes only a clinic admin makes (a clinician reads there, and is refused before the body).
ADMIN_WRITES = (
    "/api/v1/resources/articles/",
    "/api/v1/resources/community/",
    "/api/v1/clinic/ladder-policy/",
    "/api/v1/clinic/message-hours/",
    "/api/v1/clinic/programs/",
    "/api/v1/clinic/staff/",
    "/api/v1/clinic/settings/",
    "/api/v1/reports/settings/",
    "/api/v1/webhooks/",
    "/api/v1/imports/",
)


def string_properties(operation: dict) -> list[str]:
    """The body's top-level string properties, from the schema."""
    document = schema()
    content = operation["requestBody"]["content"]
    media = content.get("application/json") or next(iter(content.values()))
    ref = media["schema"].get("$ref", "")
    component = document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else {}
    properties = component.get("properties", {})
    return [
        name
        for name, prop in properties.items()
        if prop.get("type") == "string"
        and not prop.get("readOnly")
        and "format" not in prop
        and "enum" not in prop
        and "$ref" not in prop
        and "allOf" not in prop
    ]


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    ("path", "method", "operation"), WRITES, ids=[f"{m} {p}" for p, m, _o in WRITES]
)
def test_every_write_refuses_unstorable_text_naming_each_field(
    world: World, path: str, method: str, operation: dict, text: str
):
    fields = string_properties(operation) or ["note"]
    body = dict.fromkeys(fields, text)

    response = as_user(writer(world, path)).generic(
        method, world.path(path), json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400, response.content
    errors = response.json()
    assert isinstance(errors["detail"], str)
    assert set(fields) <= set(errors), errors


def test_the_coping_plan_refuses_unstorable_text_deep_inside_its_json(world: World):
    plan = empty_plan()
    plan["strategies"] = [{"category": "physical_activity", "text": SURROGATE}]
    plan["crisis_plan"]["steps"] = [{"text": NUL}]
    before = CopingPlanVersion.objects.count()

    response = as_user(world.person).put(
        world.path("/api/v1/patients/{patient_id}/coping-plan/"),
        json.dumps({"content": plan}),  # ensure_ascii: the surrogate travels as \ud800
        content_type="application/json",
    )

    assert response.status_code == 400
    errors = response.json()
    assert errors["content.strategies.0.text"] and errors["content.crisis_plan.steps.0.text"]
    assert CopingPlanVersion.objects.count() == before


def test_a_raw_nul_escape_in_the_coping_plan_is_a_400_not_a_500(world: World):
    body = '{"content": {"triggers": [{"category": "people", "text": "a\\u0000b"}]}}'

    response = as_user(world.person).put(
        world.path("/api/v1/patients/{patient_id}/coping-plan/"),
        body,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "content.triggers.0.text" in response.json()


@pytest.mark.parametrize(
    ("path", "method"),
    sorted({(p, m) for p, m, _o in OPERATIONS}),
    ids=[f"{m} {p}" for p, m in sorted({(p, m) for p, m, _o in OPERATIONS})],
)
def test_every_operation_refuses_a_nul_and_unknown_or_empty_query_parameters(
    world: World, path: str, method: str
):
    api = as_user(world.clinician)
    url = world.path(path)

    nul = api.generic(method, f"{url}?clinic=a%00b", "{}", content_type="application/json")
    unknown = api.generic(method, f"{url}?colour=blue", "{}", content_type="application/json")

    assert nul.status_code == 400 and "clinic" in nul.json()
    assert unknown.status_code == 400
    assert unknown.json()["colour"] == ["This operation has no such query parameter."]


@pytest.mark.parametrize(
    "query", ["from=", "patient=abc", "patient=1&patient=2", "page=0", "page=x", "page_size=201"]
)
def test_invalid_query_values_are_a_400_naming_the_parameter(world: World, query: str):
    response = as_user(world.clinician).get(f"/api/v1/appointments/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_a_page_past_the_end_is_an_empty_page(world: World):
    response = as_user(world.clinician).get("/api/v1/appointments/?page=9")

    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["next"] is None
    assert response.json()["previous"].endswith("page=1")


# --- Strict types (finding 14) ----------------------------------------------------------------


def test_an_object_for_staff_attendees_is_a_400_and_removes_no_one(world: World):
    appointment = Appointment.objects.get(pk=world.ids["appointment_id"])
    appointment.staff_attendees.add(world.clinician)

    response = as_user(world.clinician).patch(
        f"/api/v1/appointments/{appointment.pk}/", {"staff_attendees": {}}, format="json"
    )

    assert response.status_code == 400
    assert "staff_attendees" in response.json()
    assert list(appointment.staff_attendees.all()) == [world.clinician]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/patients/{patient_id}/checkins/",
            {"mood": "5", "craving": 1, "stress": 1},
            "mood",
        ),
        (
            "/api/v1/patients/{patient_id}/checkins/",
            {"mood": 5.0, "craving": 1, "stress": 1},
            "mood",
        ),
        (
            "/api/v1/patients/{patient_id}/checkins/",
            {"mood": True, "craving": 1, "stress": 1},
            "mood",
        ),
        (
            "/api/v1/patients/{patient_id}/checkins/",
            {"mood": 5, "craving": 1, "stress": 1, "used_since_last": "false"},
            "used_since_last",
        ),
        (
            "/api/v1/patients/{patient_id}/checkins/",
            {"mood": 5, "craving": 1, "stress": 1, "note": 7},
            "note",
        ),
        (
            "/api/v1/patients/{patient_id}/help-tasks/",
            {"kind": "meal", "title": ["Dinner"]},
            "title",
        ),
        (
            "/api/v1/patients/{patient_id}/assessments/",
            {"instrument": "gad7", "answers": ["1"] * 7},
            "answers.0",
        ),
    ],
)
def test_a_wrong_json_type_is_a_400_never_coerced(world: World, path: str, body: dict, field: str):
    response = as_user(world.person).post(world.path(path), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


# --- Permission before validation, one 404 (finding 15) ---------------------------------------


def test_a_clinic_admin_creating_an_appointment_gets_403_whatever_the_body(world: World):
    api = as_user(world.admin)

    bad = api.post("/api/v1/appointments/", {"patient": world.patient.pk, "kind": 3}, format="json")
    empty = api.post("/api/v1/appointments/", {"patient": world.patient.pk}, format="json")

    assert bad.status_code == empty.status_code == 403


def test_an_appointment_for_a_patient_not_yours_is_404_before_the_body_is_read(
    world: World, clinic
):
    stranger = PatientFactory(clinic=clinic)

    response = as_user(world.clinician).post(
        "/api/v1/appointments/", {"patient": stranger.pk, "kind": "no-such-kind"}, format="json"
    )

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_claiming_a_task_someone_else_claimed_reads_like_a_task_that_does_not_exist(
    world: World, clinic
):
    task = HelpTask.objects.get(pk=world.ids["task_id"])
    other = member("supporter", clinic)
    second = contact_add(
        patient=world.patient,
        actor=world.clinician,
        name="Sam Lee",
        relationship=Relationship.FRIEND,
        email="sam@example.org",
    )
    second.user, second.status = other, ContactStatus.ACTIVE
    second.save()
    consent_grant(
        contact=second,
        actor=world.person,
        scopes=["help_tasks"],
        purpose="Support",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    help_task_claim(task=task, contact=world.patient.contacts.get(user=world.supporter))

    taken = as_user(other).post(
        world.path("/api/v1/patients/{patient_id}/help-tasks/{task_id}/claim/")
    )
    missing = as_user(other).post(f"/api/v1/patients/{world.patient.pk}/help-tasks/999999/claim/")

    assert taken.status_code == missing.status_code == 404
    assert taken.json() == missing.json()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/patients/", "/api/v1/appointments/", "/api/v1/alerts/", "/api/v1/audit-events/"],
)
def test_lists_a_role_cannot_reach_are_404_like_their_details(world: World, path: str):
    for user in (world.person, world.supporter):
        assert as_user(user).get(path).status_code == 404


# --- One error shape, also outside the views (finding 16) -------------------------------------


def test_errors_outside_the_views_answer_json_in_the_one_shape(world: World):
    api = as_user(world.clinician)

    not_found = api.get("/api/v1/no-such-thing/")
    not_allowed = api.delete(world.path("/api/v1/patients/{patient_id}/"))
    anonymous = APIClient().get("/api/v1/patients/")

    assert not_found.status_code == 404 and not_found.json() == {"detail": "Not found."}
    assert not_allowed.status_code == 405 and set(not_allowed.json()) == {"detail"}
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"detail"}


def test_field_errors_sit_beside_a_detail(world: World):
    response = as_user(world.clinician).post(
        world.path("/api/v1/patients/{patient_id}/setbacks/"), {}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert isinstance(body.pop("detail"), str)
    assert body and all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in body.values()
    )


def test_post_without_the_trailing_slash_is_served_not_redirected(world: World):
    response = as_user(world.clinician).post(
        f"/api/v1/patients/{world.patient.pk}/milestones",
        {"kind": "personal_goal", "title": "Ran a 5k", "date": "2026-01-10"},
        format="json",
    )

    assert response.status_code == 201, response.content


# --- Pages: NUL in query strings and forms ----------------------------------------------------


def test_a_nul_in_a_page_query_string_is_a_400_naming_it(world: World, client):
    client.force_login(world.clinician)

    response = client.get("/resources/?audience=a%00b")

    assert response.status_code == 400
    assert "audience" in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_naming_it(world: World, client):
    client.force_login(world.person)

    response = client.post("/accounts/login/", {"login": "x\x00@example.org", "password": "p"})

    assert response.status_code == 400
    assert "login" in response.content.decode()
