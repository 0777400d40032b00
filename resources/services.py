"""Writes for articles, the community directory and a patient's attached resources."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from core.bilingual import check_spanish_complete
from patients.models import Patient
from resources.models import Article, CommunityResource, PatientResource


def _check_spanish(obj: Article | CommunityResource) -> None:
    """A Spanish version is whole or absent (core.bilingual), checked on the values as saved."""
    names = [*obj.SPANISH_FIELDS, *(f"{name}_es" for name in obj.SPANISH_FIELDS)]
    check_spanish_complete(type(obj), {name: getattr(obj, name) for name in names})


@transaction.atomic
def article_save(
    *,
    clinic: Organization,
    actor: User,
    values: dict[str, Any],
    article: Article | None = None,
    request: HttpRequest | None = None,
) -> Article:
    """Create an article (when `article` is None) or update one of `clinic`."""
    slug = values.get("slug", "")
    clash = Article.objects.filter(clinic=clinic, slug=slug)
    if article is not None:
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise ValidationError({"slug": _("Another article of this clinic uses this short name.")})
    created = article is None
    article = article or Article(clinic=clinic)
    for name, value in values.items():
        setattr(article, name, value)
    _check_spanish(article)
    article.save()
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=article,
    )
    return article


@transaction.atomic
def article_publish(
    *, article: Article, actor: User, published: bool, request: HttpRequest | None = None
) -> Article:
    article.is_published = published
    article.save(update_fields=["is_published", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=article.clinic,
        target=article,
        details={"published": published},
    )
    return article


@transaction.atomic
def resource_save(
    *,
    clinic: Organization,
    actor: User,
    values: dict[str, Any],
    resource: CommunityResource | None = None,
    request: HttpRequest | None = None,
) -> CommunityResource:
    created = resource is None
    resource = resource or CommunityResource(clinic=clinic)
    for name, value in values.items():
        setattr(resource, name, value)
    _check_spanish(resource)
    resource.save()
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=resource,
    )
    return resource


@transaction.atomic
def resource_set_active(
    *, resource: CommunityResource, actor: User, active: bool, request: HttpRequest | None = None
) -> CommunityResource:
    resource.is_active = active
    resource.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=resource.clinic,
        target=resource,
        details={"active": active},
    )
    return resource


@transaction.atomic
def patient_resource_attach(
    *,
    patient: Patient,
    resource: CommunityResource,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
) -> PatientResource:
    """Attach an active entry of the patient's own clinic, once."""
    if resource.clinic_id != patient.clinic_id or not resource.is_active:
        raise ValidationError({"resource": _("Choose an active entry of this clinic's directory.")})
    link, created = PatientResource.objects.get_or_create(
        patient=patient, resource=resource, defaults={"note": note, "attached_by": actor}
    )
    if not created:
        raise ValidationError({"resource": _("This resource is already on the list.")})
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=link,
        patient=patient,
    )
    return link


@transaction.atomic
def patient_resource_detach(
    *, link: PatientResource, actor: User, request: HttpRequest | None = None
) -> None:
    patient = link.patient
    audit_record(
        action=Action.DELETE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=link,
        patient=patient,
        details={"resource": link.resource_id},
    )
    link.delete()
