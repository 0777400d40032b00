from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.event_create, name="event_create"),
    path("<int:event_id>/", views.event_detail, name="event_detail"),
    path("invitations/<int:invitation_id>/rsvp/", views.rsvp, name="rsvp"),
    path("stories/", views.stories, name="stories"),
    path("stories/mine/", views.my_stories, name="my_stories"),
    path("stories/new/", views.story_create, name="story_create"),
    path("stories/new/for/<int:patient_id>/", views.story_draft_for, name="story_draft_for"),
    path("stories/review/", views.story_review, name="story_review"),
    path("stories/<int:story_id>/edit/", views.story_edit, name="story_edit"),
    path("stories/<int:story_id>/consent/", views.story_consent, name="story_consent"),
    path("stories/<int:story_id>/withdraw/", views.story_withdraw, name="story_withdraw"),
    path("stories/<int:story_id>/publish/", views.story_publish, name="story_publish"),
]
