"""The URLconf of tests/test_translations.py's error page tests: the project's pages, its error
handlers, and three pages that fail (400, 403, 500)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from recovery_hub.urls import handler400, handler403, handler404, handler500
from recovery_hub.urls import urlpatterns as project_urlpatterns


def _raise_400(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a request no page can read")


def _raise_403(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _raise_500(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault of ours")


urlpatterns = [
    path("raise-400/", _raise_400),
    path("raise-403/", _raise_403),
    path("raise-500/", _raise_500),
    *project_urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
