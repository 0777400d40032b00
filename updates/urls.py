"""Pages of the updates app."""

app_name = "updates"

urlpatterns: list = []
