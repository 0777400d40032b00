"""The clinic admin's staff pages: who works here, roles and deactivation (the invitations' pages,
which send an email, are joining.staff_views)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.forms import ClinicSettingsForm, MembershipRoleForm, SetActiveForm
from accounts.models import STAFF_ROLES, Membership, Organization, Role, StaffInvitation
from accounts.services import clinic_settings_save, membership_change_role, membership_set_active

STAFF_PAGE_SIZE = 50


def staff_of(clinic: Organization) -> QuerySet[Membership]:
    """The clinic's admins and clinicians, active or not, with their user loaded."""
    return (
        Membership.objects.filter(organization=clinic, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email", "pk")
    )


def invitations_of(clinic: Organization) -> QuerySet[StaffInvitation]:
    """Invitations not accepted or withdrawn yet, as the admin typed them."""
    return StaffInvitation.objects.waiting().filter(clinic=clinic).order_by("full_name", "pk")


def staff_row(
    request: HttpRequest, membership: Membership, text: str, *, error: bool = False
) -> HttpResponse:
    """Back to the staff list, at the row of the person, with the confirmation beside it."""
    level = messages.ERROR if error else messages.SUCCESS
    return feedback_redirect(
        request, reverse("clinic_admin:staff"), text, at=f"staff-{membership.pk}", level=level
    )


def staff_membership(clinic: Organization, membership_id: int) -> Membership:
    """A staff membership of this clinic; 404 for anything else (another clinic, a patient's or
    a supporter's membership)."""
    return get_object_or_404(staff_of(clinic).select_related("organization"), pk=membership_id)


def form_errors_from(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@role_required(Role.ADMIN)
def staff(request: HttpRequest) -> HttpResponse:
    page = Paginator(staff_of(request.clinic), STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic_admin/staff.html",
        {
            "page": page,
            "roles": MembershipRoleForm.base_fields["role"].choices,
            "invitations": invitations_of(request.clinic),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def staff_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.clinic, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        return staff_row(request, membership, _("Choose clinic admin or clinician."), error=True)
    try:
        membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            actor=request.user,
            request=request,
        )
    except ValidationError as exc:
        return staff_row(request, membership, " ".join(exc.messages), error=True)
    text = _("%(name)s is now: %(role)s.") % {
        "name": membership.user.display_name,
        "role": membership.get_role_display(),
    }
    if membership.user_id == request.user.pk and membership.role != Role.ADMIN:
        messages.success(request, text)
        return redirect("home")  # no longer an admin: the staff page would answer 404
    return staff_row(request, membership, text)


@role_required(Role.ADMIN)
@require_POST
def staff_active(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.clinic, membership_id)
    form = SetActiveForm(request.POST)
    if not form.is_valid():
        text = _("Choose whether to deactivate or reactivate.")
        return staff_row(request, membership, text, error=True)
    try:
        membership_set_active(
            membership=membership,
            is_active=form.cleaned_data["active"],
            actor=request.user,
            request=request,
        )
    except ValidationError as exc:
        return staff_row(request, membership, " ".join(exc.messages), error=True)
    name = membership.user.display_name
    if membership.is_active:
        text = _("%(name)s can work in this clinic again.") % {"name": name}
    else:
        text = _("%(name)s was deactivated and can no longer open this clinic's pages.") % {
            "name": name
        }
    return staff_row(request, membership, text)


def settings_page(
    request: HttpRequest,
    clinic: Organization,
    *,
    form: ClinicSettingsForm | None = None,
    status: int = 200,
    **sections: object,
) -> HttpResponse:
    """The clinic settings page. Each other section (the ladder, the reports) is drawn by its own
    template tag from the clinic's current values, or from its bound form (`sections`, e.g.
    ladder_form=...) when its post failed."""
    context = {"form": form or ClinicSettingsForm(instance=clinic), **sections}
    return render(request, "clinic_admin/settings.html", context, status=status)


@role_required(Role.ADMIN)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    """The clinic's own settings: alert thresholds, reminders, the local emergency number."""
    clinic = Organization.objects.get(pk=request.clinic.pk)
    form = ClinicSettingsForm(request.POST if request.method == "POST" else None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        clinic_settings_save(
            clinic=clinic,
            changes={name: form.cleaned_data[name] for name in form.Meta.fields},
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Clinic settings saved."))
        return redirect("clinic_admin:settings")
    return settings_page(request, clinic, form=form)
