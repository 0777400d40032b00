"""A date far outside any record (9999-12-31) is a clear message on the admin's lists, not a
server error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [("/clinic/audit/", 200), ("/clinic/audit/export.csv", 400), ("/notifications/log/", 200)],
)
def test_a_date_at_the_end_of_the_calendar_is_refused_by_the_field(
    client, clinic_admin, url, status
):
    client.force_login(clinic_admin)

    response = client.get(url, {"date_from": "0001-01-01", "date_to": "9999-12-31"})

    assert response.status_code == status
    assert "Choose a date between 1900 and 2199." in response.content.decode()
