"""API routes of the messaging app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from messaging import api

THREAD = PATIENT + "messages/threads/<int:thread_id>/"

urlpatterns = api_routes(
    ("me/messages/", api.MyMessagesView, "me-messages"),
    (
        "supporter/patients/<int:patient_id>/messages/",
        api.SupporterMessagesView,
        "supporter-patient-messages",
    ),
    (PATIENT + "messages/", api.PatientThreadsView, "patient-message-threads"),
    (THREAD, api.PatientThreadView, "patient-message-thread"),
    (THREAD + "read/", api.ThreadReadView, "patient-message-thread-read"),
    (PATIENT + "messages/<int:message_id>/note/", api.MessageNoteView, "patient-message-note"),
    ("messages/unread/", api.UnreadThreadsView, "messages-unread"),
    ("clinic/message-hours/", api.ClinicHoursView, "clinic-message-hours"),
)
