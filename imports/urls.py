"""Pages of the imports app."""

urlpatterns: list = []
