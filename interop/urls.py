"""Pages of the interop app."""

urlpatterns: list = []
