"""Serializers of the resources API: education articles, the community directory and the
resources attached to one person. They parse and shape; the rules live in resources/services.py
(a short name used once per clinic, a Spanish version whole or absent, an entry attached once).
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import TrueFalseFilter
from resources.forms import RESERVED_SLUGS
from resources.models import Article, Audience, CommunityResource, PatientResource, ResourceKind
from resources.selectors import AUDIENCE_FILTERS

# The directory entries a body may name (resources.selectors.attachable_resources), put in the
# serializer's context by the view: any other id reads like one that does not exist.
ATTACHABLE_CONTEXT_KEY = "attachable"
AUDIENCE_LABELS = dict(Audience.choices)


# --- Articles ---------------------------------------------------------------------------------


class ArticleFilterSet(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        choices=[(value, AUDIENCE_LABELS[value]) for value in AUDIENCE_FILTERS],
        method="for_audience",
        label=_("Written for families or for people in recovery (those for everyone too)."),
    )
    slug = django_filters.CharFilter(label=_("The article's short name."), max_length=80)
    is_published = TrueFalseFilter(
        label=_("Published or draft (admins; readers see published articles only).")
    )

    class Meta:
        model = Article
        fields = ("slug", "is_published")

    def for_audience(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet:
        return queryset.filter(audience__in=AUDIENCE_FILTERS[value]) if value else queryset


class ArticleSerializer(serializers.ModelSerializer):
    """An article as written, both languages. As a body: the article form's fields."""

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "slug",
            "summary",
            "audience",
            "body",
            "title_es",
            "summary_es",
            "body_es",
            "is_published",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")
        # The short name is unique per clinic: the service says so on `slug`.
        extra_kwargs = {"slug": {"validators": []}}

    def validate_slug(self, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise serializers.ValidationError(_("This short name is reserved; choose another."))
        return slug


class ArticleSummarySerializer(serializers.ModelSerializer):
    """An article in a list: no body (read one article for it)."""

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "slug",
            "summary",
            "title_es",
            "summary_es",
            "is_published",
            "updated_at",
        )
        read_only_fields = fields


class ArticlePublishSerializer(serializers.Serializer):
    published = serializers.BooleanField(help_text=_("true publishes; false is back to draft."))


# --- The community directory ------------------------------------------------------------------


class CommunityResourceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("Kind of resource."))
    q = django_filters.CharFilter(
        method="name_contains", max_length=100, label=_("Name contains (either language).")
    )
    is_active = TrueFalseFilter(label=_("Listed or not (admins; others see listed entries only)."))

    class Meta:
        model = CommunityResource
        fields = ("kind", "is_active")

    def name_contains(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(name__icontains=text) | Q(name_es__icontains=text))


class CommunityResourceSerializer(serializers.ModelSerializer):
    """A directory entry, both languages. As a body: the directory form's fields."""

    class Meta:
        model = CommunityResource
        fields = (
            "id",
            "name",
            "kind",
            "description",
            "address",
            "hours",
            "phone",
            "email",
            "website",
            "languages",
            "name_es",
            "description_es",
            "hours_es",
            "languages_es",
            "is_active",
            "updated_at",
        )
        read_only_fields = ("id", "is_active", "updated_at")


class CommunityResourceActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField(help_text=_("true lists it again; false takes it off."))


# --- One person's resources -------------------------------------------------------------------


class PatientResourceFilterSet(django_filters.FilterSet):
    resource = django_filters.NumberFilter(label=_("Directory entry id."), min_value=1)

    class Meta:
        model = PatientResource
        fields = ("resource",)


class PatientResourceSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    attached_by_name = serializers.CharField(
        source="attached_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PatientResource
        fields = (
            "id",
            "patient",
            "resource",
            "resource_name",
            "note",
            "attached_by",
            "attached_by_name",
            "attached_at",
        )
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class AttachableResourceField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Choose an active entry of this clinic's directory."),
        "incorrect_type": _("Give the entry's id (a whole number)."),
    }

    def get_queryset(self) -> QuerySet[CommunityResource]:
        attachable = self.root.context.get(ATTACHABLE_CONTEXT_KEY)
        return CommunityResource.objects.none() if attachable is None else attachable


class PatientResourceAttachSerializer(serializers.Serializer):
    resource = AttachableResourceField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
