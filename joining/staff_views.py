"""The clinic admin's staff invitations: invite, send again, withdraw (under /clinic/staff/, URL
names clinic_admin:staff_invite, staff_resend, staff_withdraw). The staff list itself is
accounts.staff_views; the invitee's side is joining.views.staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.forms import StaffInviteForm
from accounts.models import Organization, Role, StaffInvitation
from accounts.staff_views import form_errors_from, invitations_of
from joining.services import staff_invitation_resend, staff_invitation_withdraw, staff_invite


def invitation_row(
    request: HttpRequest, invitation: StaffInvitation, text: str, *, error: bool = False
) -> HttpResponse:
    level = messages.ERROR if error else messages.SUCCESS
    return feedback_redirect(
        request, reverse("clinic_admin:staff"), text, at=f"invitation-{invitation.pk}", level=level
    )


@role_required(Role.ADMIN)
def staff_invite_view(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = staff_invite(
                clinic=request.clinic, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            # Only what the admin typed: the same words whether or not the address has an
            # account anywhere.
            text = _(
                "An invitation was sent to %(name)s at %(email)s. They join once they accept it."
            ) % {"name": invitation.full_name, "email": invitation.email}
            return invitation_row(request, invitation, text)
    return render(request, "clinic_admin/staff_invite.html", {"form": form})


def staff_invitation(clinic: Organization, invitation_id: int) -> StaffInvitation:
    """A waiting invitation of this clinic; 404 for anything else."""
    return get_object_or_404(invitations_of(clinic), pk=invitation_id)


@role_required(Role.ADMIN)
@require_POST
def staff_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Send the invitation again, with a fresh link."""
    invitation = staff_invitation(request.clinic, invitation_id)
    try:
        staff_invitation_resend(invitation=invitation, actor=request.user, request=request)
    except ValidationError as exc:
        return invitation_row(request, invitation, " ".join(exc.messages), error=True)
    text = _("The invitation was sent again to %(email)s.") % {"email": invitation.email}
    return invitation_row(request, invitation, text)


@role_required(Role.ADMIN)
@require_POST
def staff_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The link stops working; the person never joined, so nothing else changes."""
    invitation = staff_invitation(request.clinic, invitation_id)
    try:
        staff_invitation_withdraw(invitation=invitation, actor=request.user, request=request)
    except ValidationError as exc:
        return invitation_row(request, invitation, " ".join(exc.messages), error=True)
    return feedback_redirect(
        request,
        reverse("clinic_admin:staff"),
        _("The invitation to %(name)s was withdrawn.") % {"name": invitation.full_name},
        at="invitations",
    )
