"""Consents under /api/v1/patients/{patient_id}/contacts/{contact_id}/consents/: the list with
its filters, a new consent, switching what one supporter sees (.../{consent_id}/change/, the
page's consent_scopes_change) and revoking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.models import Consent
from tests.api_networks.conftest import as_user, grant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 signed form"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def url(contact, part: str = "") -> str:
    return f"/api/v1/patients/{contact.patient_id}/contacts/{contact.pk}/consents/{part}"


def test_the_patient_switches_a_scope_on_a_new_version_keeping_purpose_and_end(person, contact):
    current = grant(contact, person, ["milestones"], purpose="Walks together")

    response = as_user(person).post(
        url(contact, f"{current.pk}/change/"),
        {
            "scopes": ["milestones", "help_tasks"],
            "signed_name": "Jordan Rivera",
            "signature_method": "in_app",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    current.refresh_from_db()
    new = Consent.objects.get(pk=response.json()["id"])
    assert current.superseded_by == new
    assert new.scopes == ["help_tasks", "milestones"] and new.purpose == "Walks together"
    assert new.expires_on_event == "discharge"
    assert response.json()["state"] == "active"


def test_a_clinician_records_the_change_with_the_signed_paper_form(team_clinician, person, contact):
    current = grant(contact, person, ["milestones"])

    response = as_user(team_clinician).post(
        url(contact, f"{current.pk}/change/"),
        {
            "scopes": ["appointments"],
            "signed_name": "Jordan Rivera",
            "signature_method": "paper",
            "paper_form": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    new = Consent.objects.get(pk=response.json()["id"])
    assert new.scopes == ["appointments"] and new.paper_form.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scopes": ["milestones"]}, "scopes"),  # nothing changed (the service's rule)
        ({"scopes": []}, "scopes"),
        ({"scopes": ["diagnosis"]}, "scopes.0"),
        ({"scopes": ["help_tasks"], "signature_method": "paper"}, "signature_method"),
        ({"scopes": ["help_tasks"], "signed_name": ""}, "signed_name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_signs_nothing(person, contact, body, field):
    current = grant(contact, person, ["milestones"])
    data = {"signed_name": "Jordan Rivera", "signature_method": "in_app"} | body

    response = as_user(person).post(url(contact, f"{current.pk}/change/"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Consent.objects.count() == 1


def test_changing_a_consent_that_was_replaced_meanwhile_is_a_400_not_an_overwrite(person, contact):
    stale = grant(contact, person, ["milestones"])
    grant(contact, person, ["appointments"])
    body = {"scopes": ["help_tasks"], "signed_name": "Jordan Rivera", "signature_method": "in_app"}

    response = as_user(person).post(url(contact, f"{stale.pk}/change/"), body, format="json")

    assert response.status_code == 400 and "scopes" in response.json()
    assert Consent.objects.count() == 2


def test_the_list_filters_the_consent_in_force(person, contact):
    old = grant(contact, person, ["milestones"])
    current = grant(contact, person, ["appointments"])
    api = as_user(person)

    in_force = api.get(url(contact) + "?in_force=true").json()["results"]
    others = api.get(url(contact) + "?in_force=false").json()["results"]
    bad = api.get(url(contact) + "?in_force=perhaps")

    assert [row["id"] for row in in_force] == [current.pk]
    assert [row["id"] for row in others] == [old.pk]
    assert bad.status_code == 400 and "in_force" in bad.json()


def test_revoking_under_the_patient_path(person, contact):
    consent = grant(contact, person, ["milestones"])

    response = as_user(person).post(url(contact, f"{consent.pk}/revoke/"), {}, format="json")

    assert response.status_code == 200 and response.json()["state"] == "revoked"
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_a_clinic_admin_gets_403_and_outsiders_404(
    clinic_admin, clinician, supporter, person, contact, elsewhere
):
    consent = grant(contact, person, ["milestones"])
    body = {"scopes": ["help_tasks"], "signed_name": "X", "signature_method": "paper"}

    admin = as_user(clinic_admin).post(url(contact, f"{consent.pk}/change/"), body, format="json")
    assert admin.status_code == 403
    for user in (clinician, supporter):
        refused = as_user(user).post(url(contact, f"{consent.pk}/change/"), body, format="json")
        assert refused.status_code == 404
    across = f"/api/v1/patients/{contact.patient_id}/contacts/{elsewhere.pk}/consents/"
    assert as_user(person).get(across).status_code == 404
    assert as_user(person).get(url(elsewhere)).status_code == 404
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_keeps_a_flat_number_of_queries(
    person, contact, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        grant(contact, person, ["milestones"])

    # The membership, the patient, the contact, the count, the page (with `in_force` and who
    # recorded each, in the same query), and the audited read.
    with django_assert_max_num_queries(9):
        response = as_user(person).get(url(contact))

    assert response.json()["count"] == rows
