"""Who reaches articles and the community directory.

Everyone of the clinic reads published articles and the active directory; only the clinic's
admins manage them. Anything of another clinic (or unpublished, for readers) answers 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from resources.models import Article, CommunityResource

EVERYONE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER)


def article_for_reader(membership: Membership | None, slug: str) -> Article:
    """A published article of the current clinic (admins may also preview drafts); else 404."""
    if membership is None:
        raise Http404
    qs = Article.objects.filter(clinic_id=membership.organization_id)
    if not membership.is_admin:
        qs = qs.filter(is_published=True)
    return get_object_or_404(qs, slug=slug)


def article_for_admin(membership: Membership | None, article_id: int) -> Article:
    if membership is None or not membership.is_admin:
        raise Http404
    return get_object_or_404(Article, clinic_id=membership.organization_id, pk=article_id)


def resource_for_admin(membership: Membership | None, resource_id: int) -> CommunityResource:
    if membership is None or not membership.is_admin:
        raise Http404
    return get_object_or_404(
        CommunityResource, clinic_id=membership.organization_id, pk=resource_id
    )
