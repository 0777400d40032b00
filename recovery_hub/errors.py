"""Error answers outside the API views, and input no page may ever store.

- handler400/403/404/500 (wired in recovery_hub/urls.py) answer JSON in the API's one error
  shape for paths under /api/, and the usual page elsewhere.
- ApiSlashMiddleware: under /api/, a path missing its final slash is served as if it had it,
  so a POST never meets a redirect that would lose its body.
- UnstorableInputMiddleware: a query string or a form field holding a NUL character (or a lone
  surrogate) is a 400 naming the field, on every page, before any view runs. The API checks
  its own query strings and bodies after authentication (accounts.api_base.ApiView).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults

from accounts.api_base import has_unstorable, printable_name

API_PREFIX = "/api/"
API_V1_PREFIX = "/api/v1/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(400, _("The request could not be read."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        message = str(exception) if str(exception) else _("You do not have permission to do this.")
        return api_error(403, message)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(404, _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(500, _("Something went wrong on our side. Please try again."))
    return defaults.server_error(request)


class ApiSlashMiddleware:
    """`POST /api/v1/patients` is `POST /api/v1/patients/`: the path is completed in place
    (before CommonMiddleware, whose APPEND_SLASH would answer a 301 and lose the body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        missing_slash = path.startswith(API_PREFIX) and not path.endswith("/")
        if missing_slash and not _resolves(path) and _resolves(path + "/"):
            request.path_info = path + "/"
            request.path = request.path + "/"
        return self.get_response(request)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def unstorable_fields(data: QueryDict) -> list[str]:
    return [
        printable_name(name)
        for name, values in data.lists()
        if has_unstorable(name) or any(isinstance(v, str) and has_unstorable(v) for v in values)
    ]


class UnstorableInputMiddleware:
    """A 400 naming the fields whose text cannot be stored, before any page's view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_V1_PREFIX):
            return self.get_response(request)  # the API answers after authentication
        fields = unstorable_fields(request.GET)
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in FORM_TYPES:
            fields += unstorable_fields(request.POST)
        if has_unstorable(request.path):
            fields.append("path")
        if fields:
            return refuse(request, fields)
        return self.get_response(request)


def refuse(request: HttpRequest, fields: list[str]) -> HttpResponse:
    message = _(
        "This text holds a character that cannot be stored (a null character or half of a "
        "character pair). Remove it and send again."
    )
    if is_api(request):
        return JsonResponse(
            {
                "detail": _("Some fields need attention: %(fields)s.")
                % {"fields": ", ".join(fields)},
                **{field: [message] for field in fields},
            },
            status=400,
        )
    return render(
        request, "errors/unstorable.html", {"fields": fields, "message": message}, status=400
    )
