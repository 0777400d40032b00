"""Joining pages: the invitation link (set a password, land on "My recovery"), the one-action
check-in, the links in messages for people without a sign-in, and the chart's sign-in page."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import SESSION_KEY
from accounts.feedback import feedback_redirect
from accounts.identity import SIGN_IN_BACKEND, holds_email, masked, not_yours
from accounts.languages import choice_on_page, clinic_language, page_for_recipient
from accounts.models import Membership, User
from audit.models import Action
from audit.services import audit_record
from coping.forms import CheckInForm
from coping.services import checkin_submit, plan_strategies
from joining import services
from joining.forms import InviteForm, JoinForm, StaffJoinForm
from joining.models import PatientInvitation
from joining.services import (
    StaffInvitationProblem,
    staff_invitation_accept,
    staff_invitation_from_token,
    staff_join_new,
)
from networks.services import invitation_token as supporter_invitation_token
from notifications.models import Channel
from patients import selectors as patient_selectors
from patients.access import ChartAccess, chart_view
from patients.forms import apply_service_errors
from patients.models import Patient

MODEL_BACKEND = SIGN_IN_BACKEND  # the one door: allauth's backend
PROBLEM_STATUS = {"invalid": 404, "expired": 410, "used": 410, "revoked": 410, "joined": 200}


def _problem(request: HttpRequest, reason: str, **context: object) -> HttpResponse:
    context["reason"] = reason
    return render(request, "joining/problem.html", context, status=PROBLEM_STATUS.get(reason, 200))


# --- The invitation link --------------------------------------------------------------------


def _welcome(request: HttpRequest, patient: Patient) -> HttpResponse:
    request.session[SESSION_KEY] = patient.clinic_id
    messages.success(
        request,
        _(
            "Welcome, %(name)s. This is your own space: check in, see your progress and keep your "
            "plan close. You can add a passkey under “Sign-in security” in your account menu."
        )
        % {"name": patient.first_name},
    )
    return redirect("patients:patient_home")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.JoinProblem as problem:
        return _problem(request, problem.reason)
    patient = invitation.patient
    page_for_recipient(request, patient.message_language)
    context: dict[str, object] = {
        "invitation": invitation,
        "first_name": patient.first_name,
    }
    by_email = invitation.channel == Channel.EMAIL
    try:
        if request.user.is_authenticated:
            # Only the account that holds the invited address joins; a text message proves a
            # phone number, which no account holds, so it only ever sets up a new sign-in.
            if not (by_email and holds_email(request.user, invitation.address)):
                return not_yours(
                    request,
                    address=invitation.address,
                    clinic=patient.clinic,
                    target=invitation,
                    patient=patient,
                    kind="patient",
                )
            if request.method == "POST":
                try:
                    patient = services.patient_invitation_accept(
                        invitation=invitation, user=request.user, request=request
                    )
                except ValidationError as error:
                    context["errors"] = error.messages
                else:
                    return _welcome(request, patient)
        elif by_email and User.objects.filter(email__iexact=invitation.address).exists():
            context["account_exists"] = True
        else:
            form = JoinForm(
                request.POST if request.method == "POST" else None,
                email=invitation.address if by_email else "",
            )
            context["form"] = form
            if request.method == "POST" and form.is_valid():
                try:
                    with transaction.atomic():
                        patient = services.patient_invitation_accept(
                            invitation=invitation,
                            email=form.email_address(),
                            password=form.cleaned_data["password1"],
                            language=choice_on_page(request) or "",
                            request=request,
                        )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    login(request, patient.user, backend=MODEL_BACKEND)
                    return _welcome(request, patient)
    except services.JoinProblem as problem:  # used a moment ago, in another tab
        return _problem(request, problem.reason)
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=patient.clinic,
            target=invitation,
            patient=patient,
            details={"page": "join", "by": "invitee"},
        )
    return render(request, "joining/join.html", context)


# --- One-action check-in --------------------------------------------------------------------


def _moment_of(link: services.CheckinLink) -> datetime:
    """Now, when the link's day is today for the person; else the middle of that day."""
    now = timezone.now()
    if timezone.localtime(now, link.patient.zone).date() == link.local_date:
        return now
    return datetime.combine(link.local_date, time(12, 0), tzinfo=link.patient.zone)


@require_http_methods(["GET", "POST"])
def checkin_now(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.checkin_link_check(token)
    except services.JoinProblem as problem:
        return _problem(request, problem.reason, about="checkin")
    patient = link.patient
    page_for_recipient(request, patient.message_language)
    strategies = plan_strategies(patient)
    form = CheckInForm(request.POST if request.method == "POST" else None, strategies=strategies)
    context = {"form": form, "first_name": patient.first_name, "link": link}
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.link_use(link.digest)
                checkin_submit(
                    patient=patient,
                    actor=None,
                    request=request,
                    at=_moment_of(link),
                    **form.service_values(),
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except services.JoinProblem as problem:
            return _problem(request, problem.reason, about="checkin")
        else:
            state = services.sign_in_state(patient)
            join_url = (
                services.invitation_url(state.invitation, request)
                if state.state == "invited"
                else ""
            )
            return render(
                request,
                "joining/checkin_done.html",
                {
                    "first_name": patient.first_name,
                    "join_url": join_url,
                    "joined": patient.user_id is not None,
                },
            )
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"page": "checkin_link", "by": "patient"},
        )
    return render(request, "joining/checkin.html", context)


# --- Links in messages for people without a sign-in ------------------------------------------


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, token: str) -> HttpResponse:
    try:
        patient, path = services.person_link_check(token)
    except services.JoinProblem as problem:
        return _problem(request, problem.reason)
    page_for_recipient(request, patient.message_language)
    if patient.user_id is not None:
        if request.user.is_authenticated and request.user.pk == patient.user_id:
            return redirect(path)
        return redirect_to_login(path)
    invitation = services.open_invitation(patient)
    if invitation is not None:
        return redirect(reverse("joining:join", args=[services.invitation_token(invitation)]))
    sent = None
    if request.method == "POST":
        sent = services.invitation_resend_on_request(patient=patient, request=request)
    latest = patient.invitations.order_by("-created_at", "-id").first()
    renewable = (
        request.method == "GET"
        and latest is not None
        and latest.revoked_at is None
        and latest.accepted_at is None
        and patient.status not in services.CARE_ENDED
    )
    return render(
        request,
        "joining/person.html",
        {
            "first_name": patient.first_name,
            "renewable": renewable,
            "sent": sent,
            "to": masked(sent.address) if sent else "",
        },
    )


def supporter(request: HttpRequest, token: str) -> HttpResponse:
    try:
        contact, path = services.supporter_link_check(token)
    except services.JoinProblem as problem:
        return _problem(request, problem.reason)
    page_for_recipient(request, contact.message_language)
    if contact.user_id is not None:
        if request.user.is_authenticated and request.user.pk == contact.user_id:
            return redirect(path)
        return redirect_to_login(path)
    invitation = services.open_supporter_invitation(contact)
    if invitation is not None:
        return redirect(
            reverse("networks:invitation", args=[supporter_invitation_token(invitation)])
        )
    return render(request, "joining/supporter.html", {"first_name": contact.patient.first_name})


# --- A staff invitation -----------------------------------------------------------------------


def _staff_welcome(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(
        request,
        _("Welcome to %(clinic)s. You joined as: %(role)s.")
        % {"clinic": membership.organization.name, "role": membership.get_role_display()},
    )
    return redirect("home")


@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation to a clinic's staff: signed in as the account that holds the
    invited address, or, signed out, by setting up a new account with it."""
    try:
        invitation = staff_invitation_from_token(token)
    except StaffInvitationProblem as problem:
        return _problem(request, problem.reason, about="staff")
    clinic = invitation.clinic
    page_for_recipient(request, clinic_language(clinic))  # the language its email was in
    context: dict[str, object] = {"invitation": invitation}
    try:
        if request.user.is_authenticated:
            if not holds_email(request.user, invitation.email):
                return not_yours(
                    request,
                    address=invitation.email,
                    clinic=clinic,
                    target=invitation,
                    kind="staff",
                )
            if request.method == "POST":
                try:
                    membership = staff_invitation_accept(
                        invitation=invitation, user=request.user, request=request
                    )
                except ValidationError as error:
                    context["errors"] = error.messages
                else:
                    return _staff_welcome(request, membership)
        elif User.objects.filter(email__iexact=invitation.email).exists():
            context["account_exists"] = True
        else:
            form = StaffJoinForm(
                request.POST if request.method == "POST" else None,
                email=invitation.email,
                initial={"full_name": invitation.full_name},
            )
            context["form"] = form
            if request.method == "POST" and form.is_valid():
                try:
                    with transaction.atomic():
                        membership = staff_join_new(
                            invitation=invitation,
                            full_name=form.cleaned_data["full_name"],
                            password=form.cleaned_data["password1"],
                            language=choice_on_page(request) or "",
                            request=request,
                        )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    login(request, membership.user, backend=MODEL_BACKEND)
                    return _staff_welcome(request, membership)
    except StaffInvitationProblem as problem:  # accepted a moment ago, in another tab
        if problem.reason == "not_yours":
            return not_yours(
                request, address=invitation.email, clinic=clinic, target=invitation, kind="staff"
            )
        return _problem(request, problem.reason, about="staff")
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=clinic,
            target=invitation,
            details={"page": "staff_invitation", "by": "invitee"},  # spelling: the page's name
        )
    return render(request, "joining/staff.html", context)


# --- The chart's sign-in page ---------------------------------------------------------------


@chart_view()
def sign_in_page(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None, patient=patient)
    if request.method == "POST":
        if not access.can_edit:
            raise Http404
        url = reverse("joining:sign_in", args=[patient.pk])
        if "revoke" in request.POST:
            chosen = request.POST.get("revoke", "")
            invitation = get_object_or_404(
                PatientInvitation, patient=patient, pk=int(chosen) if chosen.isdigit() else 0
            )
            try:
                services.patient_invitation_revoke(
                    invitation=invitation, actor=request.user, request=request
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return feedback_redirect(
                    request, url, _("The invitation link no longer works."), at="invitation"
                )
        elif form.is_valid():
            try:
                invitation = services.patient_invitation_send(
                    patient=patient,
                    actor=request.user,
                    channel=form.cleaned_data["channel"],
                    request=request,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return feedback_redirect(
                    request,
                    url,
                    _("Invitation sent to %(address)s. The link works for %(days)d days.")
                    % {"address": invitation.address, "days": PatientInvitation.VALID_DAYS},
                    at="invitation",
                )
    header = patient_selectors.chart_header(patient)
    return render(
        request,
        "joining/sign_in.html",
        {
            "patient": patient,
            "access": access,
            "tab": "overview",
            "form": form,
            "sign_in": services.sign_in_state(patient),
            "invitations": patient.invitations.select_related("sent_by")[:20],
            "now": timezone.now(),
            **header,
        },
    )
