"""API routes of the events app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from events import api

STORY = "stories/<int:story_id>/"
MY_STORY = "me/stories/<int:story_id>/"

urlpatterns = api_routes(
    ("events/", api.EventListView, "event-list"),
    ("events/<int:event_id>/", api.EventDetailView, "event-detail"),
    ("events/<int:event_id>/invitations/", api.EventInvitationListView, "event-invitations"),
    ("me/event-invitations/", api.MyInvitationListView, "my-event-invitations"),
    (
        "me/event-invitations/<int:event_invitation_id>/rsvp/",
        api.RsvpView,
        "my-event-invitation-rsvp",
    ),
    ("stories/", api.PublishedStoryListView, "story-list"),
    ("stories/review/", api.StoryReviewListView, "story-review"),
    (STORY, api.StoryDetailView, "story-detail"),
    (STORY + "publish/", api.StoryPublishView, "story-publish"),
    ("me/stories/", api.MyStoryListView, "my-stories"),
    (MY_STORY + "consent/", api.StoryConsentView, "my-story-consent"),
    (MY_STORY + "withdraw/", api.StoryWithdrawView, "my-story-withdraw"),
    (PATIENT + "stories/", api.PatientStoryDraftView, "patient-stories"),
)
