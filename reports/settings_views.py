"""The clinic's report settings: shown and posted on the clinic settings page (the small-number
threshold of exports shared outside the clinic)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Organization, Role, User
from accounts.staff_views import settings_page
from audit.models import Action
from audit.services import audit_record
from reports.forms import ReportSettingsForm
from reports.models import ReportSettings, small_number_threshold

SECTION = "#report-settings"


def report_settings_save(
    *, clinic: Organization, threshold: int, actor: User, request: HttpRequest | None = None
) -> ReportSettings:
    """Set the clinic's small-number threshold; the change is audited with both values."""
    with transaction.atomic():
        settings, _created = ReportSettings.objects.select_for_update().get_or_create(clinic=clinic)
        before = settings.small_number_threshold
        settings.small_number_threshold = threshold
        settings.full_clean()
        settings.save()
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=actor,
            clinic=clinic,
            target=settings,
            details={"small_number_threshold": {"from": before, "to": threshold}},
        )
    return settings


def report_settings_form(clinic: Organization) -> ReportSettingsForm:
    """The form as the settings page shows it, with the clinic's current threshold."""
    return ReportSettingsForm(initial={"small_number_threshold": small_number_threshold(clinic)})


@role_required(Role.ADMIN)
def report_settings(request: HttpRequest) -> HttpResponse:
    """Save the threshold (POST from the clinic settings page); bad input re-shows the page with
    the message beside the field and saves nothing."""
    if request.method != "POST":
        return redirect(reverse("clinic_admin:settings") + SECTION)
    clinic = Organization.objects.get(pk=request.clinic.pk)
    form = ReportSettingsForm(request.POST)
    if form.is_valid():
        report_settings_save(
            clinic=clinic,
            threshold=form.cleaned_data["small_number_threshold"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Report settings saved."))
        return redirect(reverse("clinic_admin:settings") + SECTION)
    return settings_page(request, clinic, report_form=form, status=400)
