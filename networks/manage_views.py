"""The network pages of the person in recovery and their care team: the people around them,
invitations, consents, "view as this supporter", help tasks and encouragement moderation.

Who may do what is coping/access.py's rule: the patient themself and the care team (or a
clinician with emergency access) read and write, clinic admins read, everyone else gets 404.
Views parse, call one service or selector, and render; every rule lives in networks/services.py.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from coping.access import CopingAccess, own_patient_record, patient_page
from coping.plan import SECTION_LABELS
from core.dates import day
from networks import help_calendar, selectors, services
from networks.consent import consents_in_force
from networks.help_calendar import UPCOMING_DAYS
from networks.manage_forms import (
    ConsentForm,
    ConsentRevokeForm,
    ContactForm,
    HelpTaskForm,
    ScopeChangeForm,
    StatusForm,
)
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpKind,
    HelpStatus,
    HelpTask,
    Invitation,
    Offer,
    Relationship,
    Scope,
    SupportContact,
)
from patients import selectors as patient_selectors
from patients.forms import apply_service_errors
from patients.models import Patient

NetworkView = Callable[..., HttpResponse]
RECENT_ENCOURAGEMENTS = 20
RECENT_DONE_TASKS = 20
ENCOURAGEMENTS_PLACE = "encouragements"

# The picture groups people the way a person would describe their circle.
PICTURE_GROUPS: list[tuple[Promise, set[str]]] = [
    (
        gettext_lazy("Family"),
        {
            Relationship.PARENT,
            Relationship.PARTNER,
            Relationship.SIBLING,
            Relationship.CHILD,
            Relationship.OTHER_FAMILY,
        },
    ),
    (gettext_lazy("Friends"), {Relationship.FRIEND}),
    (
        gettext_lazy("Recovery community"),
        {Relationship.PEER, Relationship.SPONSOR, Relationship.COMMUNITY},
    ),
    (gettext_lazy("Professionals"), {Relationship.PROFESSIONAL}),
]

# Who fits a task: the offers that make a person a natural first ask for each kind of help.
FITTING_OFFERS: dict[str, set[str]] = {
    HelpKind.RIDE: {Offer.CAR},
    HelpKind.MEAL: {Offer.MEALS},
    HelpKind.COMPANY: {Offer.COMPANY, Offer.WEEKDAY_EVENINGS, Offer.WEEKENDS},
    HelpKind.SESSION: {Offer.COMPANY, Offer.WEEKDAY_EVENINGS, Offer.WEEKENDS},
    HelpKind.CALL: {Offer.CALLS},
}

STATUS_DONE = {
    ContactStatus.PAUSED: gettext_lazy(
        "%(name)s is paused: they see nothing until you resume them."
    ),
    ContactStatus.ACTIVE: gettext_lazy("%(name)s is active again."),
    ContactStatus.REMOVED: gettext_lazy(
        "%(name)s was removed from the network. Their consents ended; the history is kept."
    ),
}


network_view = patient_page  # open, check, audit: see coping.access.patient_page


def _page(
    request: HttpRequest, patient: Patient, access: CopingAccess, template: str, **context: Any
) -> HttpResponse:
    """Staff see the page inside the chart; the person in recovery in a plain layout."""
    context.update(patient=patient, network_access=access, tab="network")
    if access.is_staff:
        context.update(
            layout="patients/_chart_base.html",
            access=access.chart,
            **patient_selectors.chart_header(patient),
        )
    else:
        context["layout"] = "networks/manage_patient_base.html"
    return render(request, template, context)


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _contact(patient: Patient, contact_id: int) -> SupportContact:
    """A contact of this (already access-checked) patient; 404 for anyone else's."""
    contact = get_object_or_404(SupportContact.objects.filter(patient=patient), pk=contact_id)
    contact.patient = patient  # spare the services a query for what we already hold
    return contact


def card_place(contact: SupportContact) -> str:
    """The anchor of a person's card on the network page, where confirmations about them go."""
    return f"contact-{contact.pk}"


def _to_card(
    request: HttpRequest, contact: SupportContact, text: str, level: int = messages.SUCCESS
) -> HttpResponse:
    """Back to the network page, at the card of the person the action was about."""
    url = reverse("networks:network", args=[contact.patient_id])
    return feedback_redirect(request, url, text, at=card_place(contact), level=level)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _refused(request: HttpRequest, contact: SupportContact, error: ValidationError) -> HttpResponse:
    return _to_card(request, contact, " ".join(error.messages), level=messages.ERROR)


# --- What a consent means now ----------------------------------------------------------------


def _describe_consent(contact: SupportContact) -> None:
    """Mark a contact from network_of() with what its open consent means now, without a
    query: network_of() annotated the prefetched row with the one rule (`in_force`)."""
    consent = getattr(contact, "current", None)
    scopes = consent.scopes if consent else []
    contact.scope_labels = [Scope(s).label for s in scopes if s in Scope.values]
    contact.consent_ended = bool(consent and not consent.in_force)
    contact.consent_in_force = consent is not None and not contact.consent_ended
    contact.sharing_now = contact.consent_in_force and contact.status == ContactStatus.ACTIVE
    contact.shares_tasks = contact.sharing_now and Scope.HELP_TASKS in scopes


def _pending_invitations(patient: Patient) -> dict[int, Invitation]:
    """The newest unanswered invitation of each contact (one query for the whole network)."""
    pending: dict[int, Invitation] = {}
    now = timezone.now()
    invitations = Invitation.objects.filter(
        contact__patient=patient, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-id")
    for invitation in invitations:
        invitation.is_expired = invitation.expires_at <= now
        pending.setdefault(invitation.contact_id, invitation)
    return pending


# --- The picture of the network --------------------------------------------------------------


@dataclass
class PictureNode:
    contact: SupportContact
    x: float
    y: float
    initials: str

    @property
    def label_y(self) -> float:
        return round(self.y + 31, 1)

    @property
    def short_name(self) -> str:
        return self.contact.first_name[:14]


@dataclass
class PictureGroup:
    label: str
    x: float
    y: float
    anchor: str
    nodes: list[PictureNode] = field(default_factory=list)


@dataclass
class NetworkPicture:
    width: int
    height: int
    cx: float
    cy: float
    patient_initials: str
    groups: list[PictureGroup]
    count: int
    show_names: bool


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2]).upper() or "?"


def network_picture(patient: Patient, contacts: list[SupportContact]) -> NetworkPicture:
    """The patient at the centre and the people around them on a circle, each relationship
    group in its own arc (one empty place between groups), labelled outside the circle."""
    shown = [c for c in contacts if c.status != ContactStatus.REMOVED]
    grouped = [
        (label, [c for c in shown if c.relationship in members])
        for label, members in PICTURE_GROUPS
    ]
    grouped = [(label, members) for label, members in grouped if members]
    places = len(shown) + len(grouped)
    radius = max(110.0, places * 40 / (2 * math.pi))
    margin_x, margin_y = 210, 60  # room for the group labels
    width, height = round(2 * (radius + margin_x)), round(2 * (radius + margin_y))
    cx, cy = width / 2, height / 2

    def point(place: float, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * place / max(places, 1)
        return round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1)

    groups, place = [], 0
    for label, members in grouped:
        place += 1  # the gap that separates this group from the one before
        first = place
        nodes = []
        for contact in members:
            x, y = point(place, radius)
            nodes.append(PictureNode(contact=contact, x=x, y=y, initials=_initials(contact.name)))
            place += 1
        middle = (first + place - 1) / 2
        lx, ly = point(middle, radius + 36)
        if ly > cy + radius / 3:  # below the circle: clear the names under the nodes
            lx, ly = point(middle, radius + 52)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        groups.append(PictureGroup(label=str(label), x=lx, y=ly, anchor=anchor, nodes=nodes))
    return NetworkPicture(
        width=width,
        height=height,
        cx=cx,
        cy=cy,
        patient_initials=_initials(patient.display_name),
        groups=groups,
        count=len(shown),
        show_names=len(shown) <= 16,
    )


# --- The network page ------------------------------------------------------------------------


@network_view()
def network(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    contacts = selectors.network_of(patient)
    pending = _pending_invitations(patient)
    for contact in contacts:
        _describe_consent(contact)
        contact.pending_invitation = pending.get(contact.pk)
        contact.place = card_place(contact)
    # The care team moderates, so it sees what was hidden; the person in recovery does not.
    encouragements = selectors.encouragements_for_patient(
        patient, include_hidden=access.is_staff
    ).select_related("hidden_by")[:RECENT_ENCOURAGEMENTS]
    return _page(
        request,
        patient,
        access,
        "networks/manage_network.html",
        contacts=contacts,
        picture=network_picture(patient, contacts),
        encouragements=list(encouragements),
        soon_days=14,
        sharing_count=sum(1 for contact in contacts if contact.sharing_now),
    )


@role_required(Role.PATIENT)
def my_network(request: HttpRequest) -> HttpResponse:
    return redirect("networks:network", own_patient_record(request.membership).pk)


@role_required(Role.PATIENT)
def my_help(request: HttpRequest) -> HttpResponse:
    """The patient's own help calendar: the shared help page of their record."""
    return redirect("networks:help_tasks", own_patient_record(request.membership).pk)


# --- Adding and changing a contact -----------------------------------------------------------


@network_view(write=True)
def contact_new(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    form = ContactForm(_posted(request), adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            # Adding and inviting succeed together or not at all.
            with transaction.atomic():
                contact = services.contact_add(
                    patient=patient, actor=request.user, request=request, **form.service_fields()
                )
                invited = form.cleaned_data["invite_now"]
                if invited:
                    services.invitation_send(contact=contact, actor=request.user, request=request)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            text = (
                _("%(name)s was added and an invitation is on its way to %(email)s.")
                if invited
                else _("%(name)s was added to the network.")
            )
            return _to_card(request, contact, text % {"name": contact.name, "email": contact.email})
    return _page(request, patient, access, "networks/manage_contact_form.html", form=form)


@network_view(write=True)
def contact_edit(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    contact = _contact(patient, contact_id)
    initial = {name: getattr(contact, name) for name in ContactForm.base_fields}
    form = ContactForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact, actor=request.user, request=request, **form.service_fields()
            )
        except ValidationError as error:
            contact.refresh_from_db()
            apply_service_errors(form, error)
        else:
            saved = _("Changes to %(name)s were saved.") % {"name": contact.name}
            return _to_card(request, contact, saved)
    return _page(
        request, patient, access, "networks/manage_contact_form.html", form=form, contact=contact
    )


@network_view(write=True)
def contact_status(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    """POST pauses, resumes or removes; GET asks to confirm a removal first."""
    contact = _contact(patient, contact_id)
    if request.method != "POST":
        if contact.status == ContactStatus.REMOVED:
            return redirect("networks:network", patient.pk)
        return _page(
            request, patient, access, "networks/manage_contact_remove.html", contact=contact
        )
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _to_card(request, contact, _("Choose pause, resume or remove."), messages.ERROR)
    status = form.cleaned_data["status"]
    try:
        services.contact_set_status(
            contact=contact, status=status, actor=request.user, request=request
        )
    except ValidationError as error:
        return _refused(request, contact, error)
    return _to_card(request, contact, STATUS_DONE[status] % {"name": contact.name})


# --- Invitations -----------------------------------------------------------------------------


@network_view(write=True)
@require_POST
def contact_invite(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    contact = _contact(patient, contact_id)
    try:
        invitation = services.invitation_send(contact=contact, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, contact, error)
    return _to_card(
        request,
        contact,
        _(
            "An invitation was sent to %(email)s. The link works for %(days)s days; any "
            "earlier link no longer works."
        )
        % {"email": invitation.email, "days": Invitation.VALID_DAYS},
    )


@network_view(write=True)
@require_POST
def invitation_revoke(
    request: HttpRequest,
    patient: Patient,
    access: CopingAccess,
    contact_id: int,
    invitation_id: int,
) -> HttpResponse:
    contact = _contact(patient, contact_id)
    invitation = get_object_or_404(contact.invitations.all(), pk=invitation_id)
    if invitation.revoked_at is not None:
        done = _("This invitation was already withdrawn.")
        return _to_card(request, contact, done, messages.INFO)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, contact, error)
    return _to_card(
        request, contact, _("The invitation to %(name)s was withdrawn.") % {"name": contact.name}
    )


# --- Consent ---------------------------------------------------------------------------------


CONSENT_PLACE = "consent-now"


def _consent_url(patient: Patient, contact: SupportContact) -> str:
    return reverse("networks:consent", args=[patient.pk, contact.pk])


def _held_lookup(request: HttpRequest, contact: SupportContact) -> Callable:
    def lookup(token: str) -> services.HeldPaperForm | None:
        return services.paper_form_held(contact=contact, actor=request.user, token=token)

    return lookup


def _signer(access: CopingAccess) -> str:
    return "patient" if access.is_patient else "staff"


def _consents(contact: SupportContact) -> tuple[list[Consent], Consent | None]:
    consents = list(
        contact.consents.select_related("recorded_by", "revoked_by").order_by("-signed_at", "-id")
    )
    current = next((c for c in consents if c.revoked_at is None and c.superseded_at is None), None)
    return consents, current


def _save_consent(
    request: HttpRequest,
    form: ConsentForm | ScopeChangeForm,
    contact: SupportContact,
    write: Callable[[], Consent],
) -> Consent | None:
    """Run the write of a valid form; on any refusal keep a freshly attached paper form so the
    person corrects the form without attaching the file again."""
    consent = None
    if form.is_valid():
        try:
            consent = write()
        except ValidationError as error:
            apply_service_errors(form, error)
    if consent is not None:
        if form.held is not None:
            form.cleaned_data["paper_form"].close()
            services.paper_form_release(form.held)
        return consent
    if form.fresh_upload is not None:
        if form.held is not None:
            services.paper_form_release(form.held)
        token = services.paper_form_hold(
            contact=contact,
            actor=request.user,
            upload=form.fresh_upload,
            shown_name=form.fresh_name,
        )
        form.keep_upload(token)
    return None


@network_view()
def consent(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    """The consent in force, its history, and (for those who may) a new consent: the patient
    signs in the app, the care team records the paper form the patient signed."""
    if request.method == "POST" and not access.can_edit:
        raise Http404
    contact = _contact(patient, contact_id)
    consents, current = _consents(contact)
    form = None
    if access.can_edit:
        form = ConsentForm(
            _posted(request),
            request.FILES or None,
            initial=_consent_initial(current, patient),
            signer=_signer(access),
            recipient=contact.name,
            held_lookup=_held_lookup(request, contact),
        )
        if request.method == "POST":
            saved = _save_consent(
                request,
                form,
                contact,
                lambda: services.consent_grant(
                    contact=contact, actor=request.user, request=request, **form.service_fields()
                ),
            )
            if saved is not None:
                return feedback_redirect(
                    request,
                    _consent_url(patient, contact),
                    _("The consent was recorded. %(name)s sees what it allows from now on.")
                    % {"name": contact.name},
                    at=CONSENT_PLACE,
                )
    return _consent_page(request, patient, access, contact, consents, current, form=form)


@network_view(write=True)
@require_POST
def consent_change(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    """Switch scopes on or off for one supporter: a new version of the consent in force, with
    its purpose and end kept, signed in one step."""
    contact = _contact(patient, contact_id)
    consents, current = _consents(contact)
    if current is None or contact.status == ContactStatus.REMOVED:
        return feedback_redirect(
            request,
            _consent_url(patient, contact),
            _("There is no consent in force to change. Sign a new consent instead."),
            at=CONSENT_PLACE,
            level=messages.ERROR,
        )
    current.contact = contact
    form = ScopeChangeForm(
        request.POST,
        request.FILES or None,
        signer=_signer(access),
        recipient=contact.name,
        current=current.scopes,
        held_lookup=_held_lookup(request, contact),
    )
    saved = _save_consent(
        request,
        form,
        contact,
        lambda: services.consent_scopes_change(
            consent=current, actor=request.user, request=request, **form.service_fields()
        ),
    )
    if saved is not None:
        labels = ", ".join(str(Scope(s).label) for s in saved.scopes if s in Scope.values)
        return feedback_redirect(
            request,
            _consent_url(patient, contact),
            _("The change was signed. From now on %(name)s sees: %(scopes)s.")
            % {"name": contact.name, "scopes": labels},
            at=CONSENT_PLACE,
        )
    return _consent_page(request, patient, access, contact, consents, current, change_form=form)


def _consent_page(
    request: HttpRequest,
    patient: Patient,
    access: CopingAccess,
    contact: SupportContact,
    consents: list[Consent],
    current: Consent | None,
    *,
    form: ConsentForm | None = None,
    change_form: ScopeChangeForm | None = None,
) -> HttpResponse:
    if form is None and access.can_edit:
        form = ConsentForm(
            initial=_consent_initial(current, patient),
            signer=_signer(access),
            recipient=contact.name,
        )
    changeable = access.can_edit and contact.status != ContactStatus.REMOVED
    changeable = changeable and services.consent_scopes_changeable(current, patient)
    if change_form is None and changeable:
        change_form = ScopeChangeForm(
            signer=_signer(access), recipient=contact.name, current=current.scopes
        )
    in_force = current is not None and consents_in_force(contact).filter(pk=current.pk).exists()
    for item in consents:
        item.scope_labels = [Scope(s).label for s in item.scopes if s in Scope.values]
    return _page(
        request,
        patient,
        access,
        "networks/manage_consent.html",
        contact=contact,
        current=current,
        current_in_force=in_force,
        history=[c for c in consents if c is not current],
        form=form,
        change_form=change_form if changeable else None,
        clinic=patient.clinic,
        default_end=services.consent_default_end(patient),
    )


def _consent_initial(current: Consent | None, patient: Patient) -> dict[str, object]:
    """A change starts from the open consent: tick one more box rather than start over. A first
    consent starts with the clinic's usual end: one year, or discharge if that comes first."""
    usual_end = {"expires_on": services.consent_default_end(patient), "until_discharge": True}
    if current is None:
        return usual_end
    ends = current.expires_on
    initial = {
        "scopes": current.scopes,
        "purpose": current.purpose,
        "expires_on": ends if ends and ends > patient.local_today() else None,
        "until_discharge": current.expires_on_event == ExpiryEvent.DISCHARGE,
    }
    if initial["expires_on"] is None and not initial["until_discharge"]:
        initial |= usual_end  # its end has passed: start again from the usual one
    return initial


@network_view(write=True)
def consent_revoke(
    request: HttpRequest,
    patient: Patient,
    access: CopingAccess,
    contact_id: int,
    consent_id: int,
) -> HttpResponse:
    """GET says exactly what this person will stop seeing and asks to confirm; POST revokes."""
    contact = _contact(patient, contact_id)
    consent = get_object_or_404(contact.consents.all(), pk=consent_id)
    consent.contact, consent.patient = contact, patient
    back = _consent_url(patient, contact)
    if request.method != "POST":
        if consent.revoked_at is not None or consent.superseded_at is not None:
            return feedback_redirect(
                request,
                back,
                _("This consent is no longer in force; there is nothing to revoke."),
                at=CONSENT_PLACE,
                level=messages.INFO,
            )
        return _page(
            request,
            patient,
            access,
            "networks/manage_consent_revoke.html",
            contact=contact,
            consent=consent,
            revoke_form=ConsentRevokeForm(),
            scope_labels=[Scope(s).label for s in consent.scopes if s in Scope.values],
        )
    form = ConsentRevokeForm(request.POST)
    if not form.is_valid():
        return feedback_redirect(
            request,
            back,
            _("Keep the reason under 300 characters."),
            at=CONSENT_PLACE,
            level=messages.ERROR,
        )
    try:
        services.consent_revoke(
            consent=consent,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as error:
        return feedback_redirect(
            request, back, " ".join(error.messages), at=CONSENT_PLACE, level=messages.ERROR
        )
    return feedback_redirect(
        request,
        back,
        _("The consent was revoked. %(name)s no longer sees what it allowed.")
        % {"name": contact.name},
        at=CONSENT_PLACE,
    )


# --- View as this supporter ------------------------------------------------------------------


@network_view()
def contact_preview(
    request: HttpRequest, patient: Patient, access: CopingAccess, contact_id: int
) -> HttpResponse:
    """Exactly what this supporter sees now, built by the supporter's own selector, read-only."""
    contact = _contact(patient, contact_id)
    view = selectors.supporter_view(contact)
    plan_sections = []
    if view.plan:
        plan_sections = [
            {"name": name, "label": SECTION_LABELS[name], "items": items}
            for name, items in view.plan.items()
            if items and name in SECTION_LABELS
        ]
    return _page(
        request,
        patient,
        access,
        "networks/manage_preview.html",
        contact=contact,
        view=view,
        plan_sections=plan_sections,
    )


# --- Help tasks ------------------------------------------------------------------------------


def _suggestions(task: HelpTask, candidates: list[SupportContact]) -> list[SupportContact]:
    """Active people whose offers fit this kind of help, the least asked first."""
    wanted = FITTING_OFFERS.get(task.kind)
    if not wanted:
        return []
    fitting = [c for c in candidates if wanted & set(c.offers or [])]
    return sorted(fitting, key=lambda c: (c.tasks_claimed, c.name.lower(), c.pk))


@network_view()
def help_tasks(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    if request.method == "POST" and not access.can_edit:
        raise Http404
    form = HelpTaskForm(_posted(request)) if access.can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            task = services.help_task_create(
                patient=patient, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(
                request,
                reverse("networks:help_tasks", args=[patient.pk]),
                _("“%(title)s” was added.") % {"title": task.title},
                at="open-tasks",
            )
    tasks = HelpTask.objects.filter(patient=patient).select_related("claimed_by")
    current = list(tasks.filter(status__in=[HelpStatus.OPEN, HelpStatus.CLAIMED]))
    done = list(
        tasks.filter(status=HelpStatus.DONE).order_by("-done_at", "-id")[:RECENT_DONE_TASKS]
    )
    candidates = []
    for contact in selectors.network_of(patient):
        if contact.status == ContactStatus.ACTIVE:
            _describe_consent(contact)
            contact.offer_labels = [Offer(o).label for o in contact.offers if o in Offer.values]
            candidates.append(contact)
    open_tasks = [t for t in current if t.status == HelpStatus.OPEN]
    for task in open_tasks:
        task.suggestions = _suggestions(task, candidates)
        task.schedule = help_calendar.schedule_text(task)
    today = patient.local_today()
    coming = help_calendar.coverage(patient, today, today + timedelta(days=UPCOMING_DAYS - 1))
    return _page(
        request,
        patient,
        access,
        "networks/manage_help_tasks.html",
        form=form,
        coming=coming,
        coming_gaps=sum(1 for occasion in coming if occasion.gap),
        upcoming_days=UPCOMING_DAYS,
        open_tasks=open_tasks,
        claimed_tasks=[t for t in current if t.status == HelpStatus.CLAIMED],
        done_tasks=done,
        candidates=sorted(candidates, key=lambda c: (-c.tasks_claimed, c.name)),
    )


@network_view(write=True)
@require_POST
def help_task_done(
    request: HttpRequest, patient: Patient, access: CopingAccess, task_id: int
) -> HttpResponse:
    task = get_object_or_404(HelpTask.objects.filter(patient=patient), pk=task_id)
    try:
        services.help_task_done(task=task, actor=request.user, contact=None, request=request)
    except ValidationError as error:
        _error(request, error)
    else:
        if task.weekly and task.due_on:
            text = _("“%(title)s” is done. Next week's is open for %(date)s.") % {
                "title": task.title,
                "date": day(task.due_on + timedelta(days=7)),
            }
        else:
            text = _("“%(title)s” is done.") % {"title": task.title}
        return feedback_redirect(
            request, reverse("networks:help_tasks", args=[patient.pk]), text, at="done-tasks"
        )
    return redirect("networks:help_tasks", patient.pk)


# --- Encouragement moderation ----------------------------------------------------------------


@network_view(write=True)
@require_POST
def encouragement_hide(
    request: HttpRequest, patient: Patient, access: CopingAccess, encouragement_id: int
) -> HttpResponse:
    encouragement = get_object_or_404(
        Encouragement.objects.filter(patient=patient), pk=encouragement_id
    )
    url = reverse("networks:network", args=[patient.pk])
    if encouragement.hidden_at is not None:
        return feedback_redirect(
            request,
            url,
            _("This message was already hidden."),
            at=ENCOURAGEMENTS_PLACE,
            level=messages.INFO,
        )
    services.encouragement_hide(encouragement=encouragement, actor=request.user, request=request)
    return feedback_redirect(request, url, _("The message is hidden."), at=ENCOURAGEMENTS_PLACE)
