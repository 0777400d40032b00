"""API routes of the calendars app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from calendars import api

urlpatterns = api_routes(
    ("calendar/feeds/", api.CalendarFeedListView, "calendar-feeds"),
    ("calendar/feeds/<int:feed_id>/rotate/", api.CalendarFeedRotateView, "calendar-feed-rotate"),
)
