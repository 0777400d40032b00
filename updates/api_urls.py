"""API routes of the updates app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from updates import api

MY_UPDATE = "me/updates/<int:update_id>/"
SHARED = "supporter/updates/<int:update_id>/"

urlpatterns = api_routes(
    ("me/updates/", api.MyUpdateListView, "my-updates"),
    (MY_UPDATE, api.MyUpdateDetailView, "my-update"),
    (MY_UPDATE + "replies/<int:reply_id>/hide/", api.MyReplyHideView, "my-update-reply-hide"),
    (PATIENT + "updates/", api.PatientUpdateListView, "patient-updates"),
    ("supporter/updates/", api.SupporterFeedView, "supporter-updates"),
    (SHARED + "reaction/", api.SupporterReactionView, "supporter-update-reaction"),
    (SHARED + "replies/", api.SupporterReplyView, "supporter-update-replies"),
    ("updates/<int:update_id>/photo/", api.UpdatePhotoView, "update-photo"),
)
