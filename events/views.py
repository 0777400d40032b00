"""Pages of workshops, groups and stories of recovery. Views parse, call one service or
selector, and render; access goes through events.access (404 outside)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_list, audit_record
from coping.access import own_patient_record
from events import access, selectors, services
from events.forms import EventForm, InviteForm, RsvpForm, StoryConsentForm, StoryForm
from events.models import Rsvp, Story, StoryStatus
from patients.access import patient_for_staff
from patients.forms import apply_service_errors

STAFF = (Role.CLINICIAN, Role.ADMIN)
EVERYONE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER)


# --- Events ------------------------------------------------------------------------------------


@role_required(*EVERYONE)
def index(request: HttpRequest) -> HttpResponse:
    """Staff: the clinic's events with counts. Patients and supporters: events they're invited
    to, with their answer."""
    membership = request.membership
    if membership.is_staff_role:
        events = list(selectors.events_for_staff(request.clinic))
        audit_record(action=Action.VIEW, request=request, details={"page": "events_staff"})
        return render(request, "events/staff_list.html", {"events": events})
    invited = selectors.invited_events(membership)
    audit_record(
        action=Action.VIEW,
        request=request,
        details={
            "page": "events_invited",
            "invitations": [i.pk for item in invited for i in item.invitations],
        },
    )
    return render(request, "events/my_invitations.html", {"invited": invited, "Rsvp": Rsvp})


@role_required(*STAFF)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                clinic=request.clinic, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The event was created. Now invite people to it."))
            return redirect("events:event_detail", event.pk)
    return render(request, "events/event_form.html", {"form": form})


@role_required(*STAFF)
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_staff(request.membership, event_id)
    patients = selectors.inviteable_patients(request.membership)
    form = InviteForm(request.POST or None, patients=patients)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.event_invite(
                event=event,
                actor=request.user,
                patients=list(form.cleaned_data["patients"]),
                include_supporters=form.cleaned_data["include_supporters"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d new invitation(s) sent.") % {"count": created})
            return redirect("events:event_detail", event.pk)
    invitations = list(selectors.invitations_of_event(event, request.membership))
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            target=event,
            details={"page": "event_detail", "invitations": len(invitations)},
        )
        # The page names people: those invited, and everyone in the invite picker.
        named = {invitation.patient_id for invitation in invitations}
        named.update(patients.values_list("pk", flat=True))
        audit_list(
            list_name="event_detail",
            patient_ids=named,
            request=request,
            filters={"event": event.pk},
        )
    # The answers are counted for everyone invited (numbers only); names only for the people
    # this staff member may see.
    counts = dict.fromkeys(Rsvp.values, 0)
    for answer in event.invitations.values_list("rsvp", flat=True):
        counts[answer] += 1
    others = sum(counts.values()) - len(invitations)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "form": form,
            "invitations": invitations,
            "counts": counts,
            "others": others,
        },
    )


@require_POST
@role_required(Role.PATIENT, Role.SUPPORTER)
def rsvp(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access.invitation_for_member(request.membership, invitation_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or maybe."))
        return redirect("events:index")
    try:
        services.rsvp_set(
            invitation=invitation, answer=form.cleaned_data["rsvp"], actor=request.user
        )
    except services.EventFull as error:
        messages.error(request, error.messages[0])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you, your answer is saved."))
    return redirect("events:index")


# --- Stories of recovery -----------------------------------------------------------------------


@role_required(*EVERYONE)
def stories(request: HttpRequest) -> HttpResponse:
    published = list(selectors.published_stories(request.clinic))
    audit_record(
        action=Action.VIEW,
        request=request,
        details={"page": "stories", "stories": [s.pk for s in published]},
    )
    return render(request, "events/stories.html", {"stories": published})


@role_required(Role.PATIENT)
def my_stories(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    mine = list(selectors.stories_of_patient(patient))
    audit_record(
        action=Action.VIEW, request=request, patient=patient, details={"page": "my_stories"}
    )
    return render(request, "events/my_stories.html", {"stories": mine})


def _story_form_page(
    request: HttpRequest, *, patient, story: Story | None, back: str
) -> HttpResponse:
    initial = {}
    if story is not None:
        initial = {
            "title": story.title,
            "body": story.body,
            "display_name_choice": story.display_name_choice,
            "chosen_name": story.chosen_name,
        }
    form = StoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_save(
                patient=patient, actor=request.user, story=story, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if request.membership.role == Role.PATIENT:
                messages.success(
                    request,
                    _("Your story is saved as a draft. It is shared only after you consent."),
                )
                return redirect("events:story_consent", story.pk)
            messages.success(
                request,
                _(
                    "The draft is saved. The patient must read it and consent before it "
                    "can be published."
                ),
            )
            return redirect("events:story_review")
    if request.method == "GET" and story is not None:
        audit_record(
            action=Action.VIEW,
            request=request,
            target=story,
            patient=patient,
            details={"page": "story_edit"},
        )
    return render(
        request,
        "events/story_form.html",
        {"form": form, "story": story, "patient": patient, "back": back},
    )


@role_required(Role.PATIENT)
def story_create(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    return _story_form_page(request, patient=patient, story=None, back="events:my_stories")


@role_required(*STAFF)
def story_draft_for(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_staff(request.membership, patient_id)
    return _story_form_page(request, patient=patient, story=None, back="events:story_review")


@role_required(*EVERYONE)
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    if request.membership.role == Role.PATIENT:
        story = access.story_for_author(request.membership, story_id)
        return _story_form_page(
            request, patient=story.patient, story=story, back="events:my_stories"
        )
    if request.membership.role == Role.SUPPORTER:
        raise Http404
    story = access.story_for_staff(request.membership, story_id)
    if not access.story_editable_by_staff(story):
        raise Http404
    patient = patient_for_staff(request.membership, story.patient_id)
    return _story_form_page(request, patient=patient, story=story, back="events:story_review")


@role_required(Role.PATIENT)
def story_consent(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.story_for_author(request.membership, story_id)
    form = StoryConsentForm(request.POST or None)
    can_consent = story.status in {StoryStatus.DRAFT, StoryStatus.WITHDRAWN}
    if request.method == "POST" and can_consent and form.is_valid():
        try:
            services.story_consent(story=story, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. Your story will be shown once the clinic publishes it.")
            )
            return redirect("events:my_stories")
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            target=story,
            patient=story.patient,
            details={"page": "story_consent"},
        )
    preview_byline = services.byline_for(story)
    return render(
        request,
        "events/story_consent.html",
        {
            "story": story,
            "form": form,
            "consent_text": services.consent_text_for(story),
            "byline": preview_byline,
            "can_consent": can_consent,
        },
    )


@require_POST
@role_required(Role.PATIENT)
def story_withdraw(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.story_for_author(request.membership, story_id)
    services.story_withdraw(story=story, actor=request.user)
    messages.success(request, _("Your story is withdrawn. Nobody can see it any more."))
    return redirect("events:my_stories")


@role_required(*STAFF)
def story_review(request: HttpRequest) -> HttpResponse:
    waiting = list(selectors.stories_for_review(request.clinic))
    drafts = list(selectors.drafts_started_by(request.clinic, request.user.pk))
    audit_record(
        action=Action.VIEW,
        request=request,
        details={"page": "story_review", "stories": [s.pk for s in waiting + drafts]},
    )
    return render(request, "events/story_review.html", {"stories": waiting, "drafts": drafts})


@require_POST
@role_required(*STAFF)
def story_publish(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.story_for_staff(request.membership, story_id)
    try:
        services.story_publish(story=story, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The story is published."))
    return redirect("events:story_review")
