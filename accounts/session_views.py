"""The person's own API tokens, and the idle warning's two requests (status, keep-alive)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.feedback import feedback_redirect
from accounts.forms import ApiTokenForm
from accounts.sessions import background, keep_alive
from accounts.tokens import token_create, token_revoke, tokens_of
from audit.models import Action
from audit.services import audit_record


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List, and make, the person's API tokens. A new key is shown in this one answer only."""
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, new_key = token_create(request.user, form.cleaned_data["name"])
            audit_record(
                action=Action.CREATE,
                request=request,
                target=token,
                details={"api_token": token.name},
            )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": tokens_of(request.user),
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    with transaction.atomic():
        token = token_revoke(request.user, token_id)
        audit_record(
            action=Action.DELETE, request=request, target=token, details={"api_token": token.name}
        )
    return feedback_redirect(
        request,
        reverse("accounts:tokens"),
        _("The token “%(name)s” no longer works.") % {"name": token.name},
        at="tokens",
    )


@never_cache
@require_GET
@background
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left; asking is not activity. 0 once it has ended."""
    clock = getattr(request, "idle", None)
    return JsonResponse({"seconds_left": clock.seconds_left if clock else 0})


@never_cache
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """The person chose "Stay signed in"."""
    clock = getattr(request, "idle", None)
    if clock is None:
        return JsonResponse({"seconds_left": 0}, status=401)
    keep_alive(request)
    return JsonResponse({"seconds_left": clock.seconds_left})
