"""The supporter portal and the invitation link. Views parse, call one service or selector, and
render; what a supporter may see is decided by `consented_scopes()` inside the selectors, and a
page renders only the sections the `SupporterView` holds."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import SESSION_KEY, role_required
from accounts.feedback import feedback, feedback_redirect
from accounts.identity import SIGN_IN_BACKEND, holds_email, not_yours, record_proven_email
from accounts.languages import choice_on_page, page_for_recipient
from accounts.models import Role, User
from audit.models import Action
from audit.services import audit_list, audit_record
from coping.plan import SECTION_LABELS, item_line
from networks import selectors, sentences, services
from networks.consent import consented_scopes, contacts_sharing_now
from networks.forms import EncouragementForm, InvitationSignupForm, ReachOutForm, WellbeingForm
from networks.models import HelpStatus, HelpTask, Invitation, Scope, SupportContact
from networks.sections import StrOrPromise, page_sections
from patients.forms import apply_service_errors

# Shown after warning signs and the crisis plan, in this order.
PLAN_SECTIONS = ("strategies", "reasons", "routine", "people", "triggers")
PROBLEM_STATUS = {"invalid": 200, "expired": 410, "used": 410, "revoked": 410}


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


# --- Supporter home ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportCard:
    contact: SupportContact
    first_name: str
    shares_anything: bool

    @property
    def invited(self) -> str:
        """The line "Maria has invited you to her support network", in her own pronouns."""
        return sentences.INVITED.say(self.contact.patient, name=self.first_name)

    @property
    def nothing_shared(self) -> str:
        return sentences.NOTHING_SHARED_YET.say(self.contact.patient, name=self.first_name)


@role_required(Role.SUPPORTER)
def supporter_home(request: HttpRequest) -> HttpResponse:
    contacts = list(selectors.contacts_of_supporter(request.user, request.clinic))
    sharing = contacts_sharing_now(contacts)
    cards = [
        SupportCard(contact, contact.patient.first_name, contact.pk in sharing)
        for contact in contacts
    ]
    audit_list(
        list_name="supporter_home",
        request=request,
        clinic=request.clinic,
        patient_ids=[contact.patient_id for contact in contacts],
    )
    return render(request, "networks/supporter_home.html", {"cards": cards})


# --- One patient's page -----------------------------------------------------------------------


def supporter_plan_line(section: str, item: dict) -> str:
    """An item as a supporter reads it: a trigger without its intensity (no numbers)."""
    if section == "triggers":
        line = item["description"]
        return line + (f" — {item['how_i_manage']}" if item.get("how_i_manage") else "")
    return item_line(section, item)


def plan_sections(plan: dict | None) -> list[tuple[str, list[str]]]:
    if not plan:
        return []
    return [
        (str(SECTION_LABELS[section]), [supporter_plan_line(section, i) for i in plan[section]])
        for section in PLAN_SECTIONS
        if plan.get(section)
    ]


def patient_url(contact: SupportContact, anchor: str = "") -> str:
    url = reverse("networks:supporter_patient", args=[contact.patient_id])
    return f"{url}#{anchor}" if anchor else url


# Where the help-task confirmations go when the task itself is no longer listed.
TASKS_PLACE = "section-help_tasks"


# The page's blocks after the consented sections, always there when anything is shared.
PAGE_MENU_AFTER_SECTIONS = (
    ("encouragement", gettext_lazy("Encouragement")),
    ("reach-outs", gettext_lazy("Reach-out log")),
    ("wellbeing", gettext_lazy("How you are")),
    ("digest", gettext_lazy("Weekly digest")),
)


def page_menu(view: selectors.SupporterView) -> list[tuple[str, StrOrPromise]]:
    """The in-page menu: an anchor and a label for each block the page shows, in page order
    (the consented sections, from the registry, then the blocks every supporter has)."""
    if not view.shares_anything:
        return []
    sections = [(section.anchor, section.label) for section in page_sections(view)]
    return [*sections, *PAGE_MENU_AFTER_SECTIONS]


def patient_page(
    request: HttpRequest,
    contact: SupportContact,
    *,
    encouragement_form: EncouragementForm | None = None,
    reach_out_form: ReachOutForm | None = None,
    wellbeing_form: WellbeingForm | None = None,
) -> HttpResponse:
    view = selectors.supporter_view(contact)
    patient = contact.patient
    if not view.shares_anything:  # the forms are not on the page: say why nothing was saved
        for form in filter(None, (encouragement_form, reach_out_form)):
            for text in (text for errors in form.errors.values() for text in errors):
                messages.warning(request, text)
    # The contact was found within the current clinic, so request.clinic is the patient's.
    audit_record(
        action=Action.VIEW, request=request, clinic=request.clinic, target=contact, patient=patient
    )
    plan = view.plan or {}
    context = {
        "view": view,
        "patient": patient,
        "first_name": view.first_name,
        "about": sentences.about(patient, view.first_name),
        "menu": page_menu(view),
        "page_sections": page_sections(view),
        "plan_sections": plan_sections(view.plan),
        "warning_signs": plan.get("warning_signs", []),
        "crisis": (plan.get("crisis_plan") or [None])[0],
        "encouragement_form": encouragement_form or EncouragementForm(),
        "sent": selectors.encouragements_sent_by(contact) if view.shares_anything else [],
        "reach_out_form": reach_out_form
        or ReachOutForm(initial={"happened_on": patient.local_today()}),
        "setback_notices": services.recent_setback_notices(contact, scopes=view.scopes),
        "wellbeing": contact.wellbeing.filter(
            month=services.month_start(timezone.localdate())
        ).first(),
        "wellbeing_form": wellbeing_form or WellbeingForm(),
    }
    return render(request, "networks/supporter_patient.html", context)


def not_saved(request: HttpRequest, text: str, *, at: str) -> None:
    """Say by the form that nothing was saved; the field itself says why (what was typed is
    kept in the form)."""
    feedback(request, text, at=at, level=messages.ERROR)


@role_required(Role.SUPPORTER)
@require_POST
def wellbeing_submit(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The supporter's own monthly two-question check-in."""
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    form = WellbeingForm(request.POST)
    if form.is_valid():
        try:
            entry = services.wellbeing_submit(contact=contact, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if entry.low:
                text = _(
                    "Thank you for telling us. Supporting someone is hard work: the family "
                    "resources below are for you."
                )
                level = messages.INFO
            else:
                text, level = _("Thank you. Look after yourself too."), messages.SUCCESS
            return feedback_redirect(
                request, patient_url(contact), text, at="wellbeing", level=level
            )
    not_saved(request, _("Not saved yet: please check the answers above."), at="wellbeing")
    return patient_page(request, contact, wellbeing_form=form)


@role_required(Role.SUPPORTER)
def supporter_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    return patient_page(request, contact)


@role_required(Role.SUPPORTER)
@require_POST
def encouragement_send(request: HttpRequest, patient_id: int) -> HttpResponse:
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    form = EncouragementForm(request.POST)
    if form.is_valid():
        try:
            services.encouragement_send(
                contact=contact, message=form.cleaned_data["message"], request=request
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            text = _("Your message is on its way to %(name)s.") % {
                "name": contact.patient.first_name
            }
            return feedback_redirect(request, patient_url(contact), text, at="encouragement")
    not_saved(request, _("Not sent yet: please check your message above."), at="encouragement")
    return patient_page(request, contact, encouragement_form=form)


@role_required(Role.SUPPORTER)
@require_POST
def reach_out_log(request: HttpRequest, patient_id: int) -> HttpResponse:
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    form = ReachOutForm(request.POST)
    if form.is_valid():
        try:
            services.reach_out_log(contact=contact, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(
                request,
                patient_url(contact),
                _("Thank you. Your reach-out is in your log."),
                at="reach-outs",
            )
    not_saved(request, _("Not logged yet: please check the details above."), at="reach-outs")
    return patient_page(request, contact, reach_out_form=form)


def task_action(
    request: HttpRequest,
    patient_id: int,
    task_id: int,
    act: Callable[[HelpTask, SupportContact], HelpTask],
    thanks: str,
) -> HttpResponse:
    """Run one help-task service and confirm beside the task, where it is now listed (claimed:
    under "You said you would"; released: under "Open"), or at the top of the tasks when it is
    no longer listed (done). A refusal (someone else claimed it first, the sharing ended) comes
    back as a message on the page, never as an error page."""
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    task = get_object_or_404(HelpTask, pk=task_id, patient_id=contact.patient_id)
    try:
        task = act(task, contact)
    except ValidationError as error:
        listed = Scope.HELP_TASKS in consented_scopes(contact)
        for text in error.messages:
            if listed:
                feedback(request, text, at=TASKS_PLACE, level=messages.WARNING)
            else:  # the tasks are not on the page any more: say it at the top
                messages.warning(request, text)
        return redirect(patient_url(contact, TASKS_PLACE if listed else ""))
    still_listed = task.status == HelpStatus.OPEN or (
        task.status == HelpStatus.CLAIMED and task.claimed_by_id == contact.pk
    )
    place = f"task-{task.pk}" if still_listed else TASKS_PLACE
    return feedback_redirect(request, patient_url(contact), thanks, at=place)


@role_required(Role.SUPPORTER)
@require_POST
def task_claim(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    def claim(task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_claim(task=task, contact=contact, request=request)

    return task_action(request, patient_id, task_id, claim, _("Thank you for taking this on."))


@role_required(Role.SUPPORTER)
@require_POST
def task_release(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    def release(task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_release(task=task, contact=contact, request=request)

    thanks = _("No problem. Someone else can pick this up now.")
    return task_action(request, patient_id, task_id, release, thanks)


@role_required(Role.SUPPORTER)
@require_POST
def task_done(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    def done(task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_done(
            task=task, actor=request.user, contact=contact, request=request
        )

    return task_action(request, patient_id, task_id, done, _("Thank you for your help."))


# --- Invitation link --------------------------------------------------------------------------


def invitation_problem(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request,
        "networks/invitation_problem.html",
        {"reason": reason},
        status=PROBLEM_STATUS.get(reason, 200),
    )


def welcome(request: HttpRequest, contact: SupportContact) -> HttpResponse:
    """Act in the patient's clinic from now on, and open the patient's page."""
    request.session[SESSION_KEY] = contact.patient.clinic_id
    messages.success(
        request,
        _("Welcome. You are now part of %(name)s's support network.")
        % {"name": contact.patient.first_name},
    )
    return redirect(patient_url(contact))


def sign_up_and_accept(
    request: HttpRequest, invitation: Invitation, form: InvitationSignupForm
) -> SupportContact:
    """A new account and the accepted invitation, both or neither."""
    patient = invitation.contact.patient
    with transaction.atomic():
        user = User.objects.create_user(
            email=invitation.email,
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"].strip(),
            # The language chosen with the page's switch, else the one they were invited in.
            language=choice_on_page(request) or invitation.contact.message_language,
            time_zone=patient.clinic.time_zone,
        )
        record_proven_email(user)
        contact = services.invitation_accept(invitation=invitation, user=user, request=request)
    login(request, user, backend=SIGN_IN_BACKEND)
    return contact


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.invitation_from_token(token)
    except services.InvitationProblem as problem:
        return invitation_problem(request, problem.reason)
    patient = invite.contact.patient
    page_for_recipient(request, invite.contact.message_language)
    name = patient.first_name
    context: dict[str, object] = {
        "invitation": invite,
        "first_name": name,
        "invited": sentences.INVITED.say(patient, name=name),
    }
    try:
        if request.user.is_authenticated:
            if not holds_email(request.user, invite.email):
                return refuse_not_yours(request, invite)
            if request.method == "POST":
                try:
                    contact = services.invitation_accept(
                        invitation=invite, user=request.user, request=request
                    )
                except ValidationError as error:
                    context["errors"] = error.messages
                else:
                    return welcome(request, contact)
        elif User.objects.filter(email__iexact=invite.email).exists():
            context["account_exists"] = True
        else:
            form = InvitationSignupForm(posted(request), email=invite.email)
            context["form"] = form
            if request.method == "POST" and form.is_valid():
                try:
                    contact = sign_up_and_accept(request, invite, form)
                except ValidationError as error:
                    apply_service_errors(form, error)
                except IntegrityError:  # the same address signed up a moment ago
                    form.add_error(
                        None,
                        _("An account with this email address already exists. Sign in to accept."),
                    )
                else:
                    return welcome(request, contact)
    except services.InvitationProblem as problem:  # accepted a moment ago, in another tab
        if problem.reason == "not_yours":
            return refuse_not_yours(request, invite)
        return invitation_problem(request, problem.reason)
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=patient.clinic,
            target=invite,
            patient=patient,
        )
    return render(request, "networks/invitation.html", context)


def refuse_not_yours(request: HttpRequest, invite: Invitation) -> HttpResponse:
    """Signed in as an account that does not hold the invited address: nothing is linked."""
    patient = invite.contact.patient
    return not_yours(
        request,
        address=invite.email,
        clinic=patient.clinic,
        target=invite,
        patient=patient,
        kind="supporter",
    )
