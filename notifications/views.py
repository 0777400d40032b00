"""Pages of notifications: a person's preferences, the one-click unsubscribe (no sign-in), the
in-app notification centre, and the clinic admin's delivery log with retry."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.languages import language_for, page_for_recipient
from accounts.models import Role
from audit.services import audit_list, list_filters
from notifications.forms import LogFilterForm, PreferenceForm
from notifications.models import Notification, Status
from notifications.preferences import (
    kind_label,
    preference_for,
    row_from_token,
    unsubscribe,
)
from notifications.push import public_key as push_public_key
from notifications.selectors import devices_of, inbox_of, recipient_label, with_recipients
from notifications.services import (
    notification_mark_read,
    notification_retry,
    notifications_mark_all_read,
    preference_save,
    push_revoke,
    push_subscribe,
)

CENTRE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


# --- Preferences --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = preference_for(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=PreferenceForm.initial_from(preference)
        | {"time_zone": request.user.time_zone, "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        form.apply(preference)
        preference_save(
            preference=preference,
            user=request.user,
            time_zone=form.cleaned_data["time_zone"],
            # Only when the form had the field: a post without it keeps the person's choice.
            language=form.cleaned_data["language"] if "language" in request.POST else None,
            request=request,
        )
        # The confirmation already in the language just chosen.
        translation.activate(language_for(request.user, request.clinic))
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form, **_push_context(request)}
    )


# --- Web Push devices ----------------------------------------------------------------------------


def _push_context(request: HttpRequest) -> dict:
    """The "This device" block: the key the browser subscribes with, and the person's devices."""
    return {
        "push_public_key": push_public_key(),
        "push_devices": list(devices_of(request.user)),
    }


@login_required
@require_POST
def push_subscribe_view(request: HttpRequest) -> HttpResponse:
    """Store the subscription push.js sends (the browser's PushSubscription as JSON)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"errors": {"body": [_("Send the subscription as JSON.")]}}, status=400)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    if not push_public_key():
        return JsonResponse(
            {"errors": {"endpoint": [_("Push notifications are not set up here.")]}}, status=400
        )
    try:
        subscription = push_subscribe(
            user=request.user,
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
            request=request,
        )
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse(
        {"id": subscription.pk, "device_label": subscription.device_label}, status=201
    )


@login_required
@require_POST
def push_revoke_view(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = push_revoke(user=request.user, subscription_id=subscription_id, request=request)
    if subscription is None:
        raise Http404
    messages.success(
        request,
        _("%(device)s will get no more notifications.") % {"device": subscription.device_label},
    )
    return redirect(f"{reverse('notifications:preferences')}#this-device")


# --- One-click unsubscribe (no sign-in: the signed token is the permission) ---------------------


@csrf_exempt  # mail providers POST "List-Unsubscribe=One-Click" (RFC 8058) with no token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    row = row_from_token(token)
    if row is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    page_for_recipient(request, row.language)  # the language of the message it came in
    context = {"token": token, "kind_label": kind_label(row.kind)}
    if request.method == "GET":
        return render(request, "notifications/unsubscribe_confirm.html", context)
    if not unsubscribe(row):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context["has_account"] = row.recipient_user_id is not None
    return render(request, "notifications/unsubscribe_done.html", context)


# --- In-app notification centre ------------------------------------------------------------------


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    rows = inbox_of(request.user).order_by(F("sent_at").desc(nulls_last=True), "-id")
    page = Paginator(rows, CENTRE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    row = notification_mark_read(user=request.user, notification_id=notification_id)
    if row is None:
        raise Http404
    if request.htmx:
        return render(request, "notifications/_centre_item.html", {"row": row, "oob_badge": True})
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")


# --- Delivery log (clinic admins) ----------------------------------------------------------------


@role_required(Role.ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(clinic=request.clinic)
    form = LogFilterForm(request.GET or None)
    filtered = False
    if form.is_bound and form.is_valid():
        rows = form.filter(rows)
        filtered = any(form.cleaned_data.get(name) for name in form.fields)
    counts = {item["status"]: item["n"] for item in rows.values("status").annotate(n=Count("id"))}
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    listed = with_recipients(rows, request.clinic).order_by("-due_at", "-id")
    page = Paginator(listed, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [(row, recipient_label(row)) for row in page.object_list]
    audit_list(
        list_name="notifications_log",
        request=request,
        filters=list_filters(request.GET),
        patient_ids=[row.patient_id for row in page.object_list],
        rows=len(page.object_list),
    )
    return render(
        request,
        "notifications/log.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "status_counts": status_counts,
            "filtered": filtered,
            "query": request.GET.urlencode(),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def retry(request: HttpRequest, notification_id: int) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    try:
        row = notification_retry(
            notification_id=notification_id, clinic=request.clinic, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back or "notifications:log")
    if row is None:
        raise Http404
    messages.success(request, _("The message will be sent again shortly."))
    return redirect(back or "notifications:log")


def badge(request: HttpRequest) -> HttpResponse:
    """The navbar's unread count, fetched by htmx after the page loads. Signed out (the session
    ended after the page was drawn) it answers 204, which htmx leaves alone: a fragment request
    must not get the sign-in page swapped into the navbar."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_badge_only.html")
