"""Pages of the webhooks app (clinic admins only; 404 for anyone else): the endpoints, adding
one (its secret shown once), changing its events, turning it off, removing it (after a
confirmation), sending a test event, and each endpoint's delivery log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.forms import SetActiveForm
from accounts.models import Role
from accounts.staff_views import form_errors_from
from webhooks import services
from webhooks.forms import DeliveryFilterForm, EndpointForm
from webhooks.models import DeliveryStatus, WebhookEvent
from webhooks.selectors import deliveries_of, endpoint_of, endpoints_of

PAGE_SIZE = 25
# The session key of the secret to show once, with its endpoint.
NEW_SECRET_KEY = "webhooks_new_secret"  # noqa: S105 (a key name)


def _back_to_list(
    request: HttpRequest, endpoint_id: int, text: str, *, error: bool = False
) -> HttpResponse:
    level = messages.ERROR if error else messages.SUCCESS
    return feedback_redirect(
        request, reverse("webhooks:endpoints"), text, at=f"endpoint-{endpoint_id}", level=level
    )


@role_required(Role.ADMIN)
def endpoints(request: HttpRequest) -> HttpResponse:
    page = Paginator(endpoints_of(request.clinic), PAGE_SIZE).get_page(request.GET.get("page"))
    for endpoint in page.object_list:
        endpoint.place = f"endpoint-{endpoint.pk}"  # where its confirmations show
    context = {"page": page, "event_choices": WebhookEvent.subscribable()}
    return render(request, "webhooks/endpoints.html", context)


@role_required(Role.ADMIN)
def endpoint_new(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                clinic=request.clinic, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            request.session[NEW_SECRET_KEY] = {"id": endpoint.pk, "secret": secret}
            return redirect("webhooks:endpoint_created", endpoint_id=endpoint.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form}, status=status)


@role_required(Role.ADMIN)
def endpoint_created(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """The secret, shown once: the page forgets it as it shows it."""
    endpoint = endpoint_of(request.clinic, endpoint_id)
    held = request.session.get(NEW_SECRET_KEY) or {}
    if held.get("id") != endpoint.pk:
        return redirect("webhooks:endpoints")
    del request.session[NEW_SECRET_KEY]
    response = render(
        request, "webhooks/endpoint_created.html", {"endpoint": endpoint, "secret": held["secret"]}
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.ADMIN)
def endpoint_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(request.clinic, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return _back_to_list(request, endpoint.pk, _("The endpoint was saved."))
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@role_required(Role.ADMIN)
@require_POST
def endpoint_active(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(request.clinic, endpoint_id)
    form = SetActiveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    active = form.cleaned_data["active"]
    services.endpoint_set_active(
        endpoint=endpoint, actor=request.user, active=active, request=request
    )
    text = _("The endpoint is on again.") if active else _("The endpoint is off: nothing is sent.")
    return _back_to_list(request, endpoint.pk, text)


@role_required(Role.ADMIN)
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(request.clinic, endpoint_id)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
        return feedback_redirect(
            request, reverse("webhooks:endpoints"), _("The endpoint was removed."), at="endpoints"
        )
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@role_required(Role.ADMIN)
@require_POST
def endpoint_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(request.clinic, endpoint_id)
    try:
        services.endpoint_test(endpoint=endpoint, actor=request.user, request=request)
    except ValidationError as exc:
        return _back_to_list(request, endpoint.pk, exc.messages[0], error=True)
    return feedback_redirect(
        request,
        reverse("webhooks:deliveries", kwargs={"endpoint_id": endpoint.pk}),
        _("A test event is on its way. Its delivery is listed below."),
        at="deliveries",
    )


@role_required(Role.ADMIN)
def deliveries(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(request.clinic, endpoint_id)
    rows = deliveries_of(endpoint)
    form = DeliveryFilterForm(request.GET or None)
    filtered = False
    if form.is_bound and form.is_valid():
        for name in ("status", "event"):
            if form.cleaned_data[name]:
                rows = rows.filter(**{name: form.cleaned_data[name]})
                filtered = True
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "form": form,
        "page": page,
        "filtered": filtered,
        "waiting": (DeliveryStatus.PENDING, DeliveryStatus.FAILED),
    }
    return render(request, "webhooks/deliveries.html", context)
