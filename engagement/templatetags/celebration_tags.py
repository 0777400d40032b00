"""The celebration kit's blocks on the supporter's page and the person's home page."""

from datetime import timedelta
from typing import Any

from django import template
from django.urls import reverse

from engagement import celebrations
from engagement import selectors as engagement_selectors
from networks.models import Scope
from networks.selectors import SupporterView
from patients.models import Patient

register = template.Library()

HOME_CARDS_DAYS = 30  # cards of the last month stay on the home page


@register.inclusion_tag("engagement/_supporter_celebrations.html")
def supporter_celebrations(view: SupporterView) -> dict[str, Any]:
    """Coming milestones this supporter may write for, with their own message (one query);
    nothing without the "milestones" consent."""
    if Scope.MILESTONES not in view.scopes:
        return {"milestones": []}
    patient = view.patient
    coming = celebrations.writable_milestones(patient)
    if not coming:
        return {"milestones": []}
    mine = engagement_selectors.own_messages(view.contact, coming)
    items = [
        {
            "milestone": milestone,
            "note": mine.get((milestone.key, milestone.date)),
            "url": reverse(
                "engagement:celebration_write",
                args=[patient.pk, milestone.key, milestone.date.isoformat()],
            ),
        }
        for milestone in coming
    ]
    return {"milestones": items, "first_name": view.first_name}


@register.inclusion_tag("engagement/_patient_celebrations.html")
def patient_celebrations(patient: Patient) -> dict[str, Any]:
    """How many messages wait for the person's review, and their recent cards (two queries)."""
    today = patient.local_today()
    pending = engagement_selectors.pending_count(patient)
    cards = [
        c
        for c in engagement_selectors.cards_for(patient, today, limit=3)
        if c["milestone_date"] >= today - timedelta(days=HOME_CARDS_DAYS)
    ]
    return {
        "pending_count": pending,
        "cards": cards,
        "review_url": reverse("engagement:celebrations", args=[patient.pk]),
    }
