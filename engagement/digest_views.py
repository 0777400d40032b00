"""The digest settings pages: a supporter's day and time (one patient at a time), and the
person in recovery's choice for all their supporters (full, summary only, or paused)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping.access import own_patient_record
from core.dates import clock
from engagement.digests import engagement_of, subscription_of
from engagement.forms import DigestModeForm, DigestSubscriptionForm
from engagement.services import digest_mode_set, digest_subscription_save
from networks import selectors
from networks.models import SupportContact


def subscription_initial(contact: SupportContact) -> dict:
    subscription = subscription_of(contact)
    return {
        "enabled": subscription.enabled,
        "weekday": subscription.weekday,
        "send_time": subscription.send_time,
    }


@role_required(Role.SUPPORTER)
def supporter_digest(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The supporter's weekly digest for this person: on or off, day and time (their zone)."""
    contact = selectors.contact_for_supporter(request.user, request.clinic, patient_id)
    contact.user = request.user  # the same account (the selector filters on it): no query
    patient = contact.patient
    if request.method == "POST":
        form = DigestSubscriptionForm(request.POST)
        if form.is_valid():
            subscription = digest_subscription_save(
                contact=contact, request=request, **form.cleaned_data
            )
            if subscription.enabled:
                text = _("Your weekly digest is set for %(day)s at %(time)s.") % {
                    "day": subscription.get_weekday_display(),
                    "time": clock(subscription.send_time),
                }
            else:
                text = _("Weekly digests are off. You can turn them back on at any time.")
            messages.success(request, text)
            return redirect(digest_card_url(patient.pk))
    else:
        form = DigestSubscriptionForm(initial=subscription_initial(contact))
        audit_record(
            action=Action.VIEW,
            request=request,
            target=contact,
            patient=patient,
            details={"page": "supporter_digest"},
        )
    return render(
        request,
        "engagement/supporter_digest.html",
        {
            "form": form,
            "patient": patient,
            "first_name": patient.first_name,
            "mode": engagement_of(patient).digest_mode,
            "zone": contact.zone.key,
        },
    )


def digest_card_url(patient_id: int) -> str:
    return reverse("networks:supporter_patient", args=[patient_id]) + "#digest"


@role_required(Role.PATIENT)
def my_digests(request: HttpRequest) -> HttpResponse:
    """The person chooses what their supporters' weekly digests hold: everything they agreed
    to share, a short summary only, or nothing for now."""
    patient = own_patient_record(request.membership)
    if request.method == "POST":
        form = DigestModeForm(request.POST)
        if form.is_valid():
            engagement = digest_mode_set(
                patient=patient, request=request, mode=form.cleaned_data["digest_mode"]
            )
            messages.success(
                request, _("Saved: %(choice)s.") % {"choice": engagement.get_digest_mode_display()}
            )
            return redirect("engagement:my_digests")
    else:
        form = DigestModeForm(initial={"digest_mode": engagement_of(patient).digest_mode})
        audit_record(
            action=Action.VIEW,
            request=request,
            target=patient,
            patient=patient,
            details={"page": "my_digests"},
        )
    return render(request, "engagement/my_digests.html", {"form": form, "patient": patient})
