"""Pages of updates: the person's own (post, read the answers, hide a reply, delete), the care
team's on the chart (read, post on the person's behalf), the supporter's feed (read, react,
reply) and the photo, served only through an access check. Views parse, call one service or
selector and render; access goes through updates.access (404 outside)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping.access import own_patient_record
from patients.access import ChartAccess, chart_view
from patients.forms import apply_service_errors
from patients.models import Patient
from patients.selectors import chart_header
from updates import access, selectors, services
from updates.forms import ReactionForm, ReplyForm, UpdateForm
from updates.models import ReactionKind, Reply

EVERYONE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER)


def _post_form(
    request: HttpRequest, patient: Patient, *, on_behalf: bool
) -> tuple[UpdateForm, bool]:
    """The posting form, and whether an update was posted."""
    allowed = access.allowed_audience(patient)
    if request.method != "POST":
        return UpdateForm(allowed=allowed), False
    form = UpdateForm(request.POST, request.FILES, allowed=allowed)
    if form.is_valid():
        try:
            services.update_post(
                patient=patient,
                author=request.user,
                text=form.cleaned_data["text"],
                audience=form.chosen(),
                photo=form.cleaned_data.get("photo"),
                on_behalf=on_behalf,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return form, True
    return form, False


# --- The person's own page -----------------------------------------------------------------------


@role_required(Role.PATIENT)
def mine(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    form, posted = _post_form(request, patient, on_behalf=False)
    if posted:
        return feedback_redirect(
            request, reverse("updates:mine"), _("Your update was shared."), at="post"
        )
    updates = selectors.decorate(list(selectors.updates_of_patient(patient)))
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            target=patient,
            patient=patient,
            details={"page": "updates_mine"},
        )
    context = {"patient": patient, "form": form, "updates": updates, "own": True}
    return render(request, "updates/mine.html", context)


@role_required(Role.PATIENT)
def update_delete(request: HttpRequest, update_id: int) -> HttpResponse:
    """Confirm, then take the update down."""
    update = access.my_update(request.membership, update_id)
    if request.method == "POST":
        services.update_delete(update=update, actor=request.user, request=request)
        return feedback_redirect(
            request, reverse("updates:mine"), _("The update was deleted."), at="shared"
        )
    return render(request, "updates/confirm_delete.html", {"update": update})


def _my_reply(request: HttpRequest, update_id: int, reply_id: int) -> Reply:
    update = access.my_update(request.membership, update_id)
    reply = access.reply_of_update(update, reply_id)
    reply.update = update
    return reply


@role_required(Role.PATIENT)
def reply_hide(request: HttpRequest, update_id: int, reply_id: int) -> HttpResponse:
    """Confirm, then hide the reply from everyone but its writer."""
    reply = _my_reply(request, update_id, reply_id)
    if request.method == "POST":
        services.reply_hide(reply=reply, actor=request.user, request=request)
        return feedback_redirect(
            request,
            reverse("updates:mine"),
            _("The reply is hidden. Only the person who wrote it still sees it."),
            at=f"update-{update_id}",
        )
    return render(request, "updates/confirm_hide.html", {"reply": reply})


@role_required(Role.PATIENT)
@require_POST
def reply_unhide(request: HttpRequest, update_id: int, reply_id: int) -> HttpResponse:
    reply = _my_reply(request, update_id, reply_id)
    services.reply_unhide(reply=reply, actor=request.user, request=request)
    return feedback_redirect(
        request, reverse("updates:mine"), _("The reply is shown again."), at=f"update-{update_id}"
    )


# --- The care team, on the chart -----------------------------------------------------------------


@chart_view()
def patient_updates(request: HttpRequest, patient: Patient, chart: ChartAccess) -> HttpResponse:
    """Read the person's updates; the care team may post one on their behalf."""
    can_post = chart.can_edit
    if request.method == "POST" and not can_post:
        raise Http404
    form, posted = _post_form(request, patient, on_behalf=True) if can_post else (None, False)
    if posted:
        return feedback_redirect(
            request,
            reverse("updates:patient", args=[patient.pk]),
            _("The update was shared, marked as posted by you for %(name)s.")
            % {"name": patient.first_name},
            at="post",
        )
    updates = selectors.decorate(list(selectors.updates_of_patient(patient)))
    context = {
        "patient": patient,
        "access": chart,
        "tab": "network_updates",
        "form": form,
        "updates": updates,
        "own": False,
        **chart_header(patient),
    }
    return render(request, "updates/patient.html", context)


# --- The supporter's feed ------------------------------------------------------------------------


@role_required(Role.SUPPORTER)
def feed(request: HttpRequest) -> HttpResponse:
    contacts = access.supporter_contacts(request.user, request.clinic)
    updates = selectors.decorate(list(selectors.feed_rows(contacts)[:50]), contacts)
    services.updates_mark_seen(
        contact_updates=[(update.contact.pk, update.pk) for update in updates if update.contact]
    )
    audit_record(
        action=Action.VIEW,
        request=request,
        details={"page": "updates_feed", "updates": [update.pk for update in updates]},
    )
    context = {
        "updates": updates,
        "sharing": bool(contacts),
        "reactions": ReactionKind,
        "reply_form": ReplyForm(),
    }
    return render(request, "updates/feed.html", context)


def _feed_place(update_id: int) -> str:
    return reverse("updates:feed")


@role_required(Role.SUPPORTER)
@require_POST
def react(request: HttpRequest, update_id: int) -> HttpResponse:
    update, contact = access.update_for_supporter(request.user, request.clinic, update_id)
    form = ReactionForm(request.POST)
    at = f"update-{update.pk}"
    if not form.is_valid():
        return feedback_redirect(
            request,
            _feed_place(update.pk),
            _("Choose one of the reactions."),
            at=at,
            level=messages.ERROR,
        )
    kind = form.cleaned_data["kind"]
    try:
        if kind:
            services.reaction_set(update=update, contact=contact, kind=kind, request=request)
            text = _("Your reaction was sent.")
        else:
            services.reaction_remove(update=update, contact=contact, request=request)
            text = _("Your reaction was removed.")
    except ValidationError as error:
        return feedback_redirect(
            request, _feed_place(update.pk), " ".join(error.messages), at=at, level=messages.ERROR
        )
    return feedback_redirect(request, _feed_place(update.pk), text, at=at)


@role_required(Role.SUPPORTER)
@require_POST
def reply(request: HttpRequest, update_id: int) -> HttpResponse:
    update, contact = access.update_for_supporter(request.user, request.clinic, update_id)
    form = ReplyForm(request.POST)
    at = f"update-{update.pk}"
    if form.is_valid():
        try:
            services.reply_post(
                update=update, contact=contact, text=form.cleaned_data["text"], request=request
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(
                request, _feed_place(update.pk), _("Your reply was sent."), at=at
            )
    text = " ".join(str(message) for errors in form.errors.values() for message in errors)
    return feedback_redirect(request, _feed_place(update.pk), text, at=at, level=messages.ERROR)


# --- The photo -----------------------------------------------------------------------------------


@role_required(*EVERYONE)
def photo(request: HttpRequest, update_id: int) -> HttpResponse:
    """The update's photo, for those who may see the update; never a public URL."""
    update = access.update_for_viewer(request.membership, request.user, update_id)
    if not update.photo:
        raise Http404
    audit_record(
        action=Action.VIEW,
        request=request,
        target=update,
        patient=update.patient,
        details={"photo": update.pk},
    )
    response = FileResponse(update.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
