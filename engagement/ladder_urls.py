"""The escalation ladder's pages (included by engagement/urls.py, in its namespace)."""

from django.urls import path

from engagement import ladder_views

urlpatterns = [
    path(
        "patients/<int:patient_id>/ladder/<int:step_id>/reached-out/",
        ladder_views.ladder_step_act,
        name="ladder_step_act",
    ),
    path(
        "patients/<int:patient_id>/network/reach-out-person/",
        ladder_views.ladder_contact,
        name="ladder_contact",
    ),
    path("my-recovery/reach-out-person/", ladder_views.my_ladder_contact, name="my_ladder_contact"),
    path("clinic/settings/ladder/", ladder_views.ladder_policy, name="ladder_policy"),
]
