"""/api/v1/supporter/help-calendar/: the page's twin. The occasions a supporter may see, in their
own zone; take, give back and hand on; nothing of a person who does not share help tasks."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from networks.models import HelpSlotClaim, Scope
from notifications.models import Kind, Notification
from tests.factories import member
from tests.help_calendar_supporter.conftest import TUESDAY, add_supporter, take

pytestmark = pytest.mark.django_db

URL = "/api/v1/supporter/help-calendar/"


def as_user(user: object) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_lists_the_occasions_in_the_supporters_zone(ride, pat, sam):
    take(ride, sam)
    response = as_user(pat.user).get(URL, {"from": "2026-12-07", "to": "2026-12-13"})
    assert response.status_code == 200, response.json()
    (row,) = response.json()
    assert row["key"] == f"{ride.pk}:{TUESDAY}"
    assert row["starts_at"] == "2026-12-08T16:00:00-06:00"  # Chicago
    assert row["open_places"] == 1 and row["mine"] is False and row["claim_id"] is None
    assert row["others"] == ["Sam"]
    assert row["patient_first_name"] == "Jordan"


def test_default_span_and_bad_input_is_a_400(ride, pat):
    api = as_user(pat.user)
    assert len(api.get(URL).json()) == 2  # the coming two weeks: 1 and 8 December
    assert "from" in api.get(URL, {"from": "soon"}).json()
    assert "to" in api.get(URL, {"from": "2026-12-08", "to": "2026-12-01"}).json()
    assert "to" in api.get(URL, {"from": "2026-01-01", "to": "2026-12-01"}).json()
    assert api.get(URL, {"colour": "blue"}).status_code == 400


def test_the_pages_actions_have_their_twins_in_the_help_calendars_routes(ride, pat, sam, patient):
    """The page's claim, give back and swap do what the per-person routes do."""
    api = as_user(pat.user)
    base = f"/api/v1/patients/{patient.pk}/help-tasks/"
    taken = api.post(base + f"{ride.pk}/occasions/{TUESDAY}/claim/")
    assert taken.status_code == 201, taken.json()
    listed = api.get(URL, {"from": "2026-12-08", "to": "2026-12-08"}).json()
    assert listed[0]["mine"] is True
    claim_id = listed[0]["claim_id"]
    swap = api.post(
        base + f"slot-claims/{claim_id}/swap/", {"to_contact_id": sam.pk}, format="json"
    )
    assert swap.status_code in (200, 201), swap.json()
    new = HelpSlotClaim.objects.get(contact=sam, given_back_at__isnull=True)
    back = as_user(sam.user).post(base + f"slot-claims/{new.pk}/give-back/")
    assert back.status_code == 200
    told = Notification.objects.filter(kind=Kind.HELP_SLOT_CHANGED, recipient_user=patient.user)
    assert told.exists()


def test_without_help_tasks_nothing_and_other_roles_404(
    clinic, patient, person, ride, other_clinic, clinician
):
    lee = add_supporter(clinic, patient, person, "Lee Park", scopes=[Scope.MILESTONES.value])
    take(ride, lee)  # even a claim of theirs, from before the consent changed
    assert as_user(lee.user).get(URL).json() == []
    assert as_user(member(Role.SUPPORTER, other_clinic)).get(URL).json() == []
    assert as_user(clinician).get(URL).status_code == 404
    assert as_user(person).get(URL).status_code == 404


def test_the_supporter_section_lists_a_series_coming_occasions(ride, pat, patient):
    take(ride, pat)
    response = as_user(pat.user).get(f"/api/v1/supporter/patients/{patient.pk}/")
    section = response.json()["help_tasks"]
    assert section["open"] == [] and section["mine"] == []  # the old keys stay
    occasions = section["occasions"]
    assert [(o["occurs_on"], o["mine"]) for o in occasions] == [
        ("2026-12-01", False),
        ("2026-12-08", True),
    ]
