"""The base every API endpoint builds on: the clinic a request acts in, strict input, one error
shape, pagination and the schema's error responses.

A client names the clinic with the `X-Clinic` header (its slug) or the `clinic` query parameter;
without it, a session user acts in the clinic chosen in the browser and a token user in their
first clinic. A clinic the user does not belong to answers 404.

The contract every endpoint keeps (see the README, "API contract"):
- every 4xx answers `{"detail": "...", "<field>": ["message", ...]}`, nested fields named by
  their path (`content.strategies.0.text`);
- a JSON body has the JSON types the schema says (a string is not a number, an object is not a
  list) and no text holds a NUL character or a lone surrogate, at any depth;
- a query parameter the operation does not document, or an invalid value, is a 400;
- permission comes first: bodies are parsed only after the object is opened and the write
  allowed, so a caller never learns the shape of what they cannot touch.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.access import SESSION_KEY, choose_membership, memberships_of_request
from accounts.models import Membership, Organization
from audit.models import Action
from audit.services import audit_list, audit_record, list_filters
from core.api_classes import (
    UNSTORABLE_MESSAGE,
    ApiMetadata,
    StandardPagination,
    StrictFormParser,
    StrictJSONParser,
    StrictMultiPartParser,
    has_unstorable,
    printable_name,
    refuse_unstorable,
    unstorable_paths,
)

if TYPE_CHECKING:
    from patients.models import Patient

# Named in REST_FRAMEWORK, these live in api_classes (see there); importable from here too.
__all__ = [
    "ApiMetadata",
    "StandardPagination",
    "StrictFormParser",
    "StrictJSONParser",
    "StrictMultiPartParser",
    "refuse_unstorable",
    "unstorable_paths",
]

CLINIC_HEADER = "X-Clinic"
CLINIC_PARAMETER = "clinic"

UNKNOWN_PARAMETER = _("This operation has no such query parameter.")
REPEATED_PARAMETER = _("Give this query parameter once.")
EMPTY_PARAMETER = _("Give a value, or leave the parameter out.")
WRONG_TYPE = _("Expected %(expected)s, got %(got)s.")
FIELD_ERRORS = _("Some fields need attention: %(fields)s.")


# --- Strict JSON types ------------------------------------------------------------------------

JSON_TYPE_NAMES = {
    bool: _("true or false"),
    int: _("a whole number"),
    float: _("a number"),
    str: _("a string"),
    list: _("a list"),
    dict: _("an object"),
    type(None): _("null"),
}


def _json_type_name(value: object) -> str:
    for kind, name in JSON_TYPE_NAMES.items():
        if type(value) is kind:
            return str(name)
    return type(value).__name__


def expected_json_types(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types a field accepts, as its schema documents them; None for any."""
    if isinstance(
        field,
        serializers.ListField
        | serializers.ManyRelatedField
        | serializers.MultipleChoiceField
        | serializers.ListSerializer,
    ):
        return (list,)
    if isinstance(field, serializers.DictField | serializers.HStoreField | serializers.Serializer):
        return (dict,)
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.DecimalField):
        coerce = getattr(field, "coerce_to_string", None)  # set only when passed to the field
        if coerce is None:
            coerce = api_settings.COERCE_DECIMAL_TO_STRING
        return (str,) if coerce else (int, float)
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(key) for key in field.choices}
        return (int,) if kinds == {int} else (str,)
    if isinstance(
        field,
        serializers.CharField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField
        | serializers.DurationField
        | serializers.UUIDField,
    ):
        return (str,)
    return None  # JSONField, files and anything else: the field itself decides


def json_type_errors(field: serializers.Field, value: object, path: str) -> dict[str, list[str]]:
    """Wrong JSON types under `field`, by path; a bool is never a number."""
    if value is None:
        return {}  # the field's own allow_null decides
    expected = expected_json_types(field)
    if expected is not None:
        ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
        if not ok:
            wanted = " / ".join(str(JSON_TYPE_NAMES[kind]) for kind in expected)
            message = WRONG_TYPE % {"expected": wanted, "got": _json_type_name(value)}
            return {path: [message]}
    errors: dict[str, list[str]] = {}
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if isinstance(field, serializers.Serializer) and isinstance(value, dict):
        for name, sub in field.fields.items():
            if not sub.read_only and name in value:
                errors.update(json_type_errors(sub, value[name], f"{path}.{name}"))
    elif child is not None and isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(json_type_errors(child, item, f"{path}.{index}"))
    elif child is not None and isinstance(value, dict):
        for key, item in value.items():
            errors.update(json_type_errors(child, item, f"{path}.{key}"))
    return errors


def body_type_errors(serializer: serializers.Serializer, data: object) -> dict[str, list[str]]:
    if not isinstance(data, dict):
        return {}  # the serializer answers "expected an object"
    errors: dict[str, list[str]] = {}
    for name, field in serializer.fields.items():
        if not field.read_only and name in data:
            errors.update(json_type_errors(field, data[name], name))
    return errors


# --- The clinic a request acts in -------------------------------------------------------------


def api_membership(
    request: Request, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership the request acts through (None for a user with no clinic)."""
    if memberships is None:
        memberships = memberships_of_request(request)
    requested = request.headers.get(CLINIC_HEADER) or request.query_params.get(CLINIC_PARAMETER)
    if requested:
        for membership in memberships:
            if membership.organization.slug == requested:
                return membership
        raise exceptions.NotFound(_("No such clinic."))
    session = getattr(request._request, "session", None)
    clinic_id = session.get(SESSION_KEY) if session is not None else None
    return choose_membership(memberships, clinic_id)


def api_clinic(request: Request) -> Organization:
    """The clinic for a clinic-scoped endpoint; 404 when the user belongs to none."""
    membership = api_membership(request)
    if membership is None:
        raise exceptions.NotFound(_("You are not a member of any clinic."))
    return membership.organization


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into DRF's: a 400 with field errors, never a 500."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError(exc.message_dict) from None
        raise serializers.ValidationError({"non_field_errors": exc.messages}) from None


# --- The view every endpoint builds on --------------------------------------------------------


class ApiView(generics.GenericAPIView):
    """Every endpoint under /api/v1/. Subclasses declare their query parameters: `filters`
    maps a method to the serializer of its filters, `paginated_methods` lists the methods that
    answer a page (and so take `page` and `page_size`)."""

    filters: ClassVar[dict[str, type[serializers.Serializer]]] = {}
    # A list's filters as a django-filter FilterSet (GET): documented in the schema by
    # ApiAutoSchema, applied with `self.filtered(rows)`, a bad value answered with a 400.
    filterset_class: ClassVar[type[django_filters.FilterSet] | None] = None
    paginated_methods: ClassVar[tuple[str, ...]] = ()
    parser_classes = [StrictJSONParser]

    # -- query parameters

    def query_parameters(self, method: str) -> set[str]:
        """The query parameters an operation takes, `clinic` included."""
        method = "GET" if method == "HEAD" else method
        names = {CLINIC_PARAMETER}
        if method in self.filters:
            names |= set(self.filters[method]().fields)
        if method == "GET" and self.filterset_class is not None:
            names |= set(self.filterset_class.base_filters)
        if method in self.paginated_methods:
            names |= {StandardPagination.page_query_param, StandardPagination.page_size_query_param}
        return names

    def blank_parameters(self, method: str) -> set[str]:
        """The query parameters that may be empty (`?q=`): text filters that allow blank."""
        method = "GET" if method == "HEAD" else method
        blank: set[str] = set()
        if method == "GET" and self.filterset_class is not None:  # `?status=`: no filter
            text = (django_filters.CharFilter, django_filters.ChoiceFilter)
            blank |= {
                name
                for name, declared in self.filterset_class.base_filters.items()
                if isinstance(declared, text)
            }
        if method not in self.filters:
            return blank
        fields = self.filters[method]().fields
        return blank | {
            name for name, field in fields.items() if getattr(field, "allow_blank", False)
        }

    def check_query(self, request: Request) -> None:
        method = request.method or "GET"
        allowed = self.query_parameters(method)
        blank = self.blank_parameters(method)
        errors: dict[str, list[str]] = {}
        for name, values in request.query_params.lists():
            shown = printable_name(name)
            if name not in allowed:
                errors[shown] = [UNKNOWN_PARAMETER]
            elif any(has_unstorable(value) for value in values):
                errors[shown] = [UNSTORABLE_MESSAGE]
            elif len(values) > 1:
                errors[shown] = [REPEATED_PARAMETER]
            elif values[0] == "" and name not in blank:  # `?from=` is not a date
                errors[shown] = [EMPTY_PARAMETER]
        if errors:
            raise serializers.ValidationError(errors)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self.check_query(request)

    def filtered(self, rows: QuerySet) -> QuerySet:
        """`rows` narrowed by the query's filters (`filterset_class`); a value that is not
        valid (a date that is not a date, an unknown choice) is a 400 naming the parameter."""
        if self.filterset_class is None:
            return rows
        filterset = self.filterset_class(
            self.request.query_params, queryset=rows, request=self.request
        )
        if not filterset.is_valid():
            errors = filterset.errors
            raise serializers.ValidationError(
                {name: [str(message) for message in errors[name]] for name in errors}
            )
        return filterset.qs

    def query(self) -> dict[str, Any]:
        """This method's filters, validated (400 with field errors)."""
        return self.parse(self.filters[self.request.method or "GET"], self.request.query_params)

    # -- the clinic

    def membership(self) -> Membership | None:
        if not hasattr(self, "_membership"):
            membership = api_membership(self.request)
            if membership is not None:
                membership.user = self.request.user  # the same person: saves a query
            self._membership = membership
        return self._membership

    # -- bodies and pages

    def parse(self, serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
        """Validate input with `serializer_class` and return its data. A JSON body must have
        the documented JSON types (a 400 naming each wrong one, nothing coerced)."""
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        if not isinstance(data, QueryDict):
            errors = body_type_errors(serializer, data)
            if errors:
                raise serializers.ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def paginated(
        self,
        rows: QuerySet | list,
        serializer_class: type | None = None,
        *,
        audited: str = "",
        **context: Any,
    ) -> Response:
        """A page of `rows`; with `audited`, the read of a list of several patients' data is
        audited once, naming the patients on the page (audit.services.audit_list)."""
        page = self.paginate_queryset(rows)
        if audited:
            membership = self.membership()
            audit_list(
                list_name=audited,
                request=self.request,
                rows=len(page),
                filters=list_filters(self.request.query_params),
                clinic=membership.organization if membership else None,
                patient_ids=[getattr(row, "patient_id", row.pk) for row in page],
            )
        serializer_class = serializer_class or self.get_serializer_class()
        context = {**self.get_serializer_context(), **context}
        data = serializer_class(page, many=True, context=context).data
        return self.get_paginated_response(data)


class ClinicApiView(ApiView):
    """Every endpoint that opens a patient (`patient_id` in its URL) in the clinic the request
    acts in: opened through the app's access rule (404 outside it), written only by those the
    rule lets write (403 for a reader, saying `read_only_message`), each read audited.

    An app says how with two methods: `find_patient` (its access rule) and `may_edit`."""

    read_only_message: ClassVar[str | Promise] = _("You can read this but not change it.")

    def find_patient(self, membership: Membership | None, patient_id: object) -> "Patient":
        """The patient this membership may open; 404 (Http404) otherwise."""
        raise NotImplementedError

    def may_edit(self, patient: "Patient") -> bool:
        raise NotImplementedError

    def staff_membership(self) -> Membership:
        """Clinic staff only: people in recovery and supporters never reach these (404)."""
        membership = self.membership()
        if membership is None or not membership.is_staff_role:
            raise exceptions.NotFound
        return membership

    def open_patient(self, patient_id: object = None) -> "Patient":
        """The patient of the URL (or `patient_id`) if the user may read; 404 otherwise."""
        if patient_id is None:
            patient_id = self.kwargs["patient_id"]
        membership = self.membership()
        patient = self.find_patient(membership, patient_id)
        if membership is not None and patient.clinic_id == membership.organization_id:
            patient.clinic = membership.organization  # already loaded: saves a query
        return patient

    def check_can_edit(self, patient: "Patient") -> None:
        if not self.may_edit(patient):
            raise exceptions.PermissionDenied(self.read_only_message)

    def editable_patient(self, patient_id: object = None) -> "Patient":
        """The patient if the user may also write; 403 for those who only read."""
        patient = self.open_patient(patient_id)
        self.check_can_edit(patient)
        return patient

    def audit_view(self, patient: "Patient", api: str, **details: object) -> None:
        """Reading a patient's data is audited, like opening the chart."""
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"api": api, **details},
        )


# --- Routes -----------------------------------------------------------------------------------

# A patient's endpoints live under this path; the patient is always `patient_id`.
PATIENT_ROUTE = "patients/<int:patient_id>/"


def api_routes(*routes: tuple[str, type[ApiView], str]) -> list[URLPattern]:
    """An app's endpoints, each written once as (route, view, name). Names are plain
    ("patient-checkins"): recovery_hub/urls.py mounts every app's under /api/v1/ in the `api`
    namespace, so they reverse as "api:patient-checkins"."""
    return [path(route, view.as_view(), name=name) for route, view, name in routes]


# --- One error shape --------------------------------------------------------------------------


def _messages(value: object, path: str, into: dict[str, list[str]]) -> None:
    """Flatten DRF's nested errors into {"a.b.0.c": ["message"]}."""
    if isinstance(value, Mapping):
        for key, sub in value.items():
            _messages(sub, f"{path}.{key}" if path else str(key), into)
    elif isinstance(value, list | tuple):
        if all(isinstance(item, str) for item in value):
            if value:
                into.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).extend(
                    str(item) for item in value
                )
        else:
            for index, sub in enumerate(value):
                if sub:
                    _messages(sub, f"{path}.{index}" if path else str(index), into)
    elif value is not None:
        into.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(value))


def error_body(data: object) -> dict[str, Any]:
    """`{"detail": "...", "<field>": ["message"]}` from whatever DRF produced."""
    if isinstance(data, Mapping) and "detail" in data and isinstance(data["detail"], str):
        rest = {key: value for key, value in data.items() if key != "detail"}
        fields: dict[str, list[str]] = {}
        _messages(rest, "", fields)
        return {"detail": str(data["detail"]), **fields}
    fields = {}
    _messages(data, "", fields)
    general = fields.get(api_settings.NON_FIELD_ERRORS_KEY)
    named = [name for name in fields if name != api_settings.NON_FIELD_ERRORS_KEY]
    if general and not named:
        detail = " ".join(general)
    elif named:
        detail = str(FIELD_ERRORS % {"fields": ", ".join(named)})
    else:
        detail = str(_("The request could not be accepted."))
    return {"detail": detail, **fields}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error answered in the one shape."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response


# --- The schema: every status an operation can answer -----------------------------------------

ERROR_COMPONENT = {
    "type": "object",
    "description": "Every 4xx answer: a sentence, and each field's messages by its path.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERROR_RESPONSES = {
    "400": "The input is not valid: a field, a query parameter or the body.",
    "401": "No valid credentials.",
    "403": "Signed in, but this action is not allowed (such as a clinic admin changing a chart).",
    "404": "Nothing here for this user: it does not exist, or it is not theirs to see.",
    "429": "Too many requests; try again later.",
}
BODY_ERROR_RESPONSES = {"415": "The body's media type is not accepted."}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error component, and the error statuses on
    every operation (with 415 where there is a body)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            extra = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                extra.update(BODY_ERROR_RESPONSES)
            for status, description in extra.items():
                responses.setdefault(status, {"description": description, "content": reference})
            for status, response in responses.items():
                if status[0] in "45" and not response.get("content"):
                    response["content"] = reference
    return result


class TrueFalseField(forms.NullBooleanField):
    """`true` or `false` (also 1/0), or left out; anything else is an error (a plain
    NullBooleanField reads "perhaps" as "no filter")."""

    widget = forms.TextInput  # the select widget of a NullBooleanField reads "perhaps" as None
    VALUES: ClassVar[dict[object, bool]] = {
        True: True,
        "true": True,
        "True": True,
        "1": True,
        False: False,
        "false": False,
        "False": False,
        "0": False,
    }

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        if value in self.VALUES:
            return self.VALUES[value]
        raise DjangoValidationError(_("Give true or false."), code="invalid")

    def validate(self, value: object) -> None:
        pass


class TrueFalseFilter(django_filters.BooleanFilter):
    """A yes/no filter (`?is_active=true`), a 400 for any other value."""

    field_class = TrueFalseField


HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


@extend_schema_field({"type": "string", "pattern": HOUR_MINUTE, "example": "19:00"})
class HourMinuteField(serializers.TimeField):
    """A time of day as people set it, `HH:MM` (seconds accepted on input, never written)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)


def with_day_range(field_name: str, what: str | Promise) -> Callable[[type], type]:
    """Add `from` and `to` (a Python keyword, so not declared as attributes) to a FilterSet:
    days, both ends included."""

    def decorate(filterset_class: type) -> type:
        filterset_class.base_filters["from"] = django_filters.DateFilter(
            field_name=field_name,
            lookup_expr="gte",
            label=format_lazy(_("{what} on or after this day."), what=what),
        )
        filterset_class.base_filters["to"] = django_filters.DateFilter(
            field_name=field_name,
            lookup_expr="lte",
            label=format_lazy(_("{what} on or before this day."), what=what),
        )
        return filterset_class

    return decorate


class IdFilter(django_filters.NumberFilter):
    """A row's id in a filter (`?patient_id=12`): a whole number from 1, typed as one."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


# --- Filters in the schema --------------------------------------------------------------------


def _filter_type(form_field: forms.Field) -> tuple[OpenApiTypes, list[str] | None]:
    """The OpenAPI type (and enum) of a django-filter's form field."""
    if isinstance(form_field, forms.ModelChoiceField | forms.IntegerField):
        return OpenApiTypes.INT, None
    if isinstance(form_field, forms.ChoiceField):
        return OpenApiTypes.STR, [str(value) for value, _label in form_field.choices if value != ""]
    for field_class, kind in (
        (forms.NullBooleanField, OpenApiTypes.BOOL),
        (forms.BooleanField, OpenApiTypes.BOOL),
        (forms.DateTimeField, OpenApiTypes.DATETIME),
        (forms.DateField, OpenApiTypes.DATE),
        (forms.DecimalField, OpenApiTypes.NUMBER),
    ):
        if isinstance(form_field, field_class):
            return kind, None
    return OpenApiTypes.STR, None


def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet, typed, each described by its label."""
    parameters = []
    for name, declared in filterset_class.base_filters.items():
        kind, enum = _filter_type(declared.field)
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                required=False,
                enum=enum,
                description=str(declared.label or ""),
            )
        )
    return parameters


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with each view's `filterset_class` documented on GET."""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is not None and self.method == "GET":
            parameters += filter_parameters(filterset_class)
        return parameters
