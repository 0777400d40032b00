"""API routes of the resources app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from resources import api

ARTICLE = "resources/articles/<int:article_id>/"
ENTRY = "resources/community/<int:resource_id>/"

urlpatterns = api_routes(
    ("resources/articles/", api.ArticleListView, "article-list"),
    (ARTICLE, api.ArticleDetailView, "article-detail"),
    (ARTICLE + "publish/", api.ArticlePublishView, "article-publish"),
    ("resources/community/", api.CommunityResourceListView, "community-resource-list"),
    (ENTRY, api.CommunityResourceDetailView, "community-resource-detail"),
    (ENTRY + "active/", api.CommunityResourceActiveView, "community-resource-active"),
    (PATIENT + "resources/", api.PatientResourceListView, "patient-resources"),
    (PATIENT + "resources/<int:link_id>/", api.PatientResourceDetailView, "patient-resource"),
)
