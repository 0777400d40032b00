"""The classes REST_FRAMEWORK names (parsers, pagination, metadata), and the check for text no
endpoint may store: a NUL character (PostgreSQL cannot store it) or a lone surrogate (it cannot
be encoded as UTF-8).

Kept apart from accounts.api_base: DRF reads these settings while its views module is imported,
so they must not live in a module that imports DRF's views.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

# NUL cannot be stored in PostgreSQL text; a lone surrogate cannot be encoded as UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = _(
    "This text holds a character that cannot be stored (a null character or half of a "
    "character pair). Remove it and send again."
)


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def unstorable_paths(data: object, path: str = "") -> list[str]:
    """The paths (`content.strategies.0.text`) of every string, key included, in parsed data
    that holds a NUL character or a lone surrogate."""
    found: list[str] = []
    if isinstance(data, str):
        if has_unstorable(data):
            found.append(path)
    elif isinstance(data, QueryDict):
        for key, values in data.lists():
            name = f"{path}.{key}" if path else key
            if has_unstorable(key) or any(
                isinstance(value, str) and has_unstorable(value) for value in values
            ):
                found.append(name)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_unstorable(key):
                found.append(name)
            else:
                found.extend(unstorable_paths(value, name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.extend(unstorable_paths(value, f"{path}.{index}" if path else str(index)))
    return found


def printable_name(name: str) -> str:
    """A field or parameter name that is itself safe to echo back in an error body."""
    return UNSTORABLE.sub("\N{REPLACEMENT CHARACTER}", name)


def refuse_unstorable(data: object) -> object:
    paths = unstorable_paths(data)
    if paths:
        raise serializers.ValidationError(
            {printable_name(path) or "body": [UNSTORABLE_MESSAGE] for path in paths}
        )
    return data


class StrictJSONParser(JSONParser):
    """JSON whose every string, at any depth, can be stored (else a 400 naming each path)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return refuse_unstorable(super().parse(stream, media_type, parser_context))


class StrictFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return refuse_unstorable(super().parse(stream, media_type, parser_context))


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_unstorable(parsed.data)
        return parsed


# --- Pagination -------------------------------------------------------------------------------


class StandardPagination(PageNumberPagination):
    """Pages of 25 (`page_size` up to 200). A page past the end is an empty page; a page or
    page size that is not a positive whole number is a 400."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def _positive(self, request: Request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError({name: [_("Give a whole number from 1.")]})
        if maximum is not None and int(raw) > maximum:
            raise serializers.ValidationError(
                {name: [_("At most %(maximum)s.") % {"maximum": maximum}]}
            )
        return int(raw)

    def get_page_size(self, request: Request) -> int:
        size = self._positive(request, self.page_size_query_param, self.max_page_size)
        return size or self.page_size

    def paginate_queryset(
        self, queryset: QuerySet | list, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        size = self.get_page_size(request)
        number = self._positive(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            self.page = Page([], number, paginator)  # past the end: nothing there
        return list(self.page)

    def get_previous_link(self) -> str | None:
        last = self.page.paginator.num_pages
        if self.page.number > last + 1:  # past the end: back to the last page that has rows
            url = self.request.build_absolute_uri()
            return replace_query_param(url, self.page_query_param, last)
        return super().get_previous_link()

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response


# --- OPTIONS ---------------------------------------------------------------------------------


class ApiMetadata(SimpleMetadata):
    """OPTIONS names the endpoint and its media types only. It never opens an object or
    describes a body: the schema at /api/schema/ documents the fields."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}
