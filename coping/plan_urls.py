"""Coping plan pages (editor, versions, compare, restore, print, wallet card, the person's crisis
plan, library)."""

from django.urls import path

from coping import plan_views as views

plan = "patients/<int:patient_id>/coping-plan/"

urlpatterns = [
    path(plan, views.plan, name="plan"),
    path(f"{plan}edit/", views.plan_edit, name="plan_edit"),
    path(f"{plan}versions/", views.plan_versions, name="plan_versions"),
    path(f"{plan}versions/compare/", views.plan_compare, name="plan_compare"),
    path(
        f"{plan}versions/<int:number>/restore/",
        views.plan_restore_version,
        name="plan_restore",
    ),
    path(f"{plan}print/", views.plan_print, name="plan_print"),
    path(f"{plan}wallet-card/", views.plan_wallet_card, name="plan_wallet_card"),
    path("my-recovery/crisis-plan/", views.my_crisis_plan, name="my_crisis_plan"),
    path("coping/library/", views.library, name="library"),
    path("coping/library/<int:strategy_id>/active/", views.library_toggle, name="library_toggle"),
]
