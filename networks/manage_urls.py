"""The network pages of the patient and the care team (helper-owned module)."""

urlpatterns: list = []
