"""The clinic's report settings: shown and posted on the clinic settings page (the small-number
threshold of exports shared outside the clinic)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Organization, Role
from accounts.staff_views import settings_page
from reports.forms import ReportSettingsForm
from reports.services import report_settings_save

SECTION = "#report-settings"


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
