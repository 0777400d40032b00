"""Pages of the calendars app."""

urlpatterns: list = []
