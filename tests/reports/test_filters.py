"""Bad filters get clear messages (page 400 with the message by the field; API 400 with field
errors), never a 500; another clinic's program or clinician is refused."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import ProgramFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "yesterday"}, "from", "Enter a date as YYYY-MM-DD."),
        ({"from": "2025-03-10", "to": "2025-03-01"}, "from", "on or before the end date"),
        ({"from": "2020-01-01", "to": "2025-03-01"}, "from", "at most three years"),
        ({"program": "abc"}, "program", "Choose one of this clinic's programs."),
        ({"status": "cured"}, "status", "Choose a patient status from the list."),
    ],
)
def test_bad_filters_get_a_clear_message(admin_signed_in, query, field, message):
    page = admin_signed_in.get(reverse("reports:report", args=["adherence"]), query)
    assert page.status_code == 400
    assert message.replace("'", "&#x27;") in page.content.decode()
    assert 'aria-invalid="true"' in page.content.decode()
    csv = admin_signed_in.get(reverse("reports:report_csv", args=["adherence"]), query)
    assert csv.status_code == 400
    api = admin_signed_in.get(reverse("api:report", args=["adherence"]), query)
    assert api.status_code == 400
    assert any(message in error for error in api.json()[field])


def test_another_clinics_program_and_clinician_are_refused(admin_signed_in, other_clinic):
    program = ProgramFactory(clinic=other_clinic)
    clinician = member(Role.CLINICIAN, other_clinic)
    api = admin_signed_in.get(
        reverse("api:report", args=["caseload"]),
        {"program": program.pk, "clinician": clinician.pk},
    )
    assert api.status_code == 400
    assert set(api.json()) == {"detail", "program", "clinician"}  # the one error shape
    assert not AuditEvent.objects.filter(details__report="caseload").exists()


def test_no_filters_means_the_last_30_days(admin_signed_in):
    api = admin_signed_in.get(reverse("api:report", args=["trends"])).json()
    from datetime import date

    start, end = (
        date.fromisoformat(api["filters"]["from"]),
        date.fromisoformat(api["filters"]["to"]),
    )
    assert (end - start).days == 29
