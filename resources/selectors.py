"""Reads for the resources pages, already scoped to one clinic."""

from django.db.models import Q, QuerySet

from accounts.models import Organization
from core.bilingual import with_spanish_ready
from patients.models import Patient
from resources.models import Article, Audience, CommunityResource, PatientResource

AUDIENCE_FILTERS = {
    Audience.FAMILIES: [Audience.FAMILIES, Audience.BOTH],
    Audience.PATIENTS: [Audience.PATIENTS, Audience.BOTH],
}


def published_articles(clinic: Organization, audience: str = "") -> QuerySet[Article]:
    """The clinic's published articles; `audience` narrows to those written for that group."""
    qs = Article.objects.filter(clinic=clinic, is_published=True)
    if audience in AUDIENCE_FILTERS:
        qs = qs.filter(audience__in=AUDIENCE_FILTERS[audience])
    return with_spanish_ready(qs).defer("body", "body_es")


def articles_for_admin(clinic: Organization) -> QuerySet[Article]:
    return with_spanish_ready(Article.objects.filter(clinic=clinic)).defer("body", "body_es")


def directory(clinic: Organization, *, kind: str = "", query: str = "") -> QuerySet:
    """The clinic's active community resources, optionally by kind and a name search (in
    either language)."""
    qs = CommunityResource.objects.filter(clinic=clinic, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(name_es__icontains=query))
    return qs


def resources_for_admin(clinic: Organization) -> QuerySet[CommunityResource]:
    return CommunityResource.objects.filter(clinic=clinic).order_by("-is_active", "name", "pk")


def patient_resources(patient: Patient) -> QuerySet[PatientResource]:
    return PatientResource.objects.filter(
        patient=patient, resource__clinic_id=patient.clinic_id
    ).select_related("resource", "attached_by")


def attachable_resources(patient: Patient) -> QuerySet[CommunityResource]:
    """Active entries of the patient's clinic not yet attached to them."""
    return CommunityResource.objects.filter(clinic_id=patient.clinic_id, is_active=True).exclude(
        patient_links__patient=patient
    )
