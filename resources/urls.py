from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/manage/", views.article_manage, name="article_manage"),
    path("articles/manage/new/", views.article_create, name="article_create"),
    path("articles/manage/<int:article_id>/", views.article_edit, name="article_edit"),
    path(
        "articles/manage/<int:article_id>/publish/",
        views.article_publish,
        name="article_publish",
    ),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("community/", views.directory, name="directory"),
    path("community/manage/", views.resource_manage, name="resource_manage"),
    path("community/manage/new/", views.resource_create, name="resource_create"),
    path("community/manage/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path(
        "community/manage/<int:resource_id>/active/",
        views.resource_active,
        name="resource_active",
    ),
    path("patients/<int:patient_id>/", views.patient_resources, name="patient_resources"),
    path(
        "patients/<int:patient_id>/attach/",
        views.patient_resource_attach,
        name="patient_resource_attach",
    ),
    path(
        "patients/<int:patient_id>/detach/<int:link_id>/",
        views.patient_resource_detach,
        name="patient_resource_detach",
    ),
]
