import pytest
from django.test import Client


@pytest.fixture
def admin_signed_in(client: Client, clinic_admin) -> Client:
    """The test client, signed in as the clinic admin of `clinic`."""
    client.force_login(clinic_admin)
    return client
