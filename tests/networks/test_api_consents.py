"""/api/v1/contacts/{contact_id}/consents/: every consent newest first with what became of it; a new
consent (signed in the app by the patient, or a paper form recorded by a clinician) and its
revocation, through networks.services."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import Action, AuditEvent
from networks.consent import consented_scopes
from networks.models import Consent, Scope, SupportContact
from networks.serializers import PAPER_FORM_MAX_BYTES
from networks.services import consent_grant, consent_revoke
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def names(body: dict, field: str) -> bool:
    """The error body names the field, or a place inside it (`answers.3`)."""
    return any(key == field or key.startswith(f"{field}.") for key in body)


PDF = b"%PDF-1.4\n% signed by the patient\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(contact: SupportContact) -> str:
    return f"/api/v1/contacts/{contact.pk}/consents/"


def grant(contact: SupportContact, actor: User, scopes: list[str], **extra: object) -> Consent:
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=actor, scopes=scopes, **data)


IN_APP = {
    "scopes": ["milestones", "help_tasks"],
    "purpose": "So my dad can help me stay on track",
    "signed_name": "Jordan Rivera",
    "signature_method": "in_app",
    "expires_on_event": "discharge",
}


def paper(content: bytes = PDF, name: str = "scan.pdf", kind: str = "application/pdf") -> dict:
    return {
        "scopes": ["appointments", "milestones"],
        "purpose": "Support",
        "signed_name": "Jordan Rivera",
        "signature_method": "paper",
        "expires_on": "2099-12-31",
        "paper_form": SimpleUploadedFile(name, content, kind),
    }


def test_the_list_is_newest_first_with_each_consents_state(person, patient, contact):
    revoked = grant(contact, person, ["milestones"])
    consent_revoke(consent=revoked, actor=person, reason="Not now")
    superseded = grant(contact, person, ["milestones", "coping_plan"])
    dated = grant(
        contact,
        person,
        ["appointments"],
        expires_on=patient.local_today() + timedelta(days=2),
        expires_on_event="",
    )

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = as_user(person).get(url(contact))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["id"], r["state"]) for r in rows] == [
        (dated.pk, "expired"),
        (superseded.pk, "superseded"),
        (revoked.pk, "revoked"),
    ]
    assert rows[1]["superseded_by"] == dated.pk
    assert rows[2]["revocation_reason"] == "Not now"
    assert rows[0]["recorded_by_name"] == "Jordan Rivera"
    assert rows[0]["has_paper_form"] is False
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, details__api="consents"
    ).exists()


def test_a_consent_ending_at_discharge_shows_expired_after_discharge(person, patient, contact):
    grant(contact, person, ["milestones"])
    assert as_user(person).get(url(contact)).json()["results"][0]["state"] == "active"

    patient.status = "discharged"
    patient.save()

    assert as_user(person).get(url(contact)).json()["results"][0]["state"] == "expired"


def test_the_patient_signs_a_consent_in_the_app(person, patient, contact):
    earlier = grant(contact, person, ["coping_plan"])

    response = as_user(person).post(url(contact), IN_APP, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scopes"] == ["help_tasks", "milestones"]
    assert body["state"] == "active" and body["signature_method"] == "in_app"
    assert consented_scopes(contact) == {Scope.HELP_TASKS, Scope.MILESTONES}
    earlier.refresh_from_db()
    assert earlier.superseded_by_id == body["id"]
    assert AuditEvent.objects.filter(action=Action.CONSENT_CHANGE, patient=patient).count() == 2


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF, "scan.pdf", "application/pdf"),
        (PNG, "photo.png", "image/png"),
        (JPEG, "photo.jpeg", "image/jpeg"),
    ],
)
def test_a_clinician_records_a_signed_paper_form(team_clinician, contact, content, name, kind):
    response = as_user(team_clinician).post(
        url(contact), paper(content, name, kind), format="multipart"
    )

    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(pk=response.json()["id"])
    assert consent.signature_method == "paper" and consent.recorded_by == team_clinician
    assert consent.paper_form.read() == content
    assert consent.paper_form.name.rsplit(".", 1)[1] in {"pdf", "png", "jpg"}
    assert response.json()["has_paper_form"] is True
    assert consented_scopes(contact) == {Scope.APPOINTMENTS, Scope.MILESTONES}


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (b"MZ\x90\x00 an executable", "scan.pdf", "application/pdf"),  # the name lies
        (b"<html><script>alert(1)</script>", "form.html", "text/html"),
        (b"GIF89a" + b"\0" * 16, "photo.gif", "image/gif"),
        (b"", "empty.pdf", "application/pdf"),
    ],
)
def test_a_paper_form_that_is_not_a_pdf_jpeg_or_png_is_refused(
    team_clinician, contact, content, name, kind
):
    response = as_user(team_clinician).post(
        url(contact), paper(content, name, kind), format="multipart"
    )

    assert response.status_code == 400
    assert "paper_form" in response.json()
    assert not Consent.objects.exists()


def test_a_paper_form_over_5_mb_is_refused(team_clinician, contact):
    big = PDF + b"\0" * (PAPER_FORM_MAX_BYTES + 1 - len(PDF))

    response = as_user(team_clinician).post(url(contact), paper(big), format="multipart")

    assert response.status_code == 400
    assert "paper_form" in response.json()
    assert not Consent.objects.exists()


def test_a_paper_form_of_exactly_5_mb_is_accepted(team_clinician, contact):
    exact = PDF + b"\0" * (PAPER_FORM_MAX_BYTES - len(PDF))

    response = as_user(team_clinician).post(url(contact), paper(exact), format="multipart")

    assert response.status_code == 201


def test_a_paper_consent_needs_the_form(team_clinician, contact):
    body = paper()
    del body["paper_form"]

    response = as_user(team_clinician).post(url(contact), body, format="multipart")

    assert response.status_code == 400
    assert "paper_form" in response.json()
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["diagnosis"]}, "scopes"),
        ({"scopes": "milestones"}, "scopes"),
        ({"scopes": [["milestones"]]}, "scopes"),
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "x" * 301}, "purpose"),
        ({"signed_name": ""}, "signed_name"),
        ({"signature_method": "fax"}, "signature_method"),
        ({"expires_on_event": ""}, "expires_on"),
        ({"expires_on_event": "someday"}, "expires_on_event"),
        ({"expires_on": "2001-01-01", "expires_on_event": ""}, "expires_on"),
        ({"expires_on": "31/12/2099", "expires_on_event": ""}, "expires_on"),
        ({"expires_on": 20991231}, "expires_on"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(person, contact, changes, field):
    response = as_user(person).post(url(contact), IN_APP | changes, format="json")

    assert response.status_code == 400
    assert names(response.json(), field)
    assert not Consent.objects.exists()


@pytest.mark.parametrize("raw", ["{", "[]", "null", '{"scopes": {"a": 1}}'])
def test_malformed_json_is_a_400_and_saves_nothing(person, contact, raw):
    response = as_user(person).post(url(contact), raw, content_type="application/json")

    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_only_the_patient_signs_in_the_app(team_clinician, contact):
    response = as_user(team_clinician).post(url(contact), IN_APP, format="json")

    assert response.status_code == 400
    assert "signature_method" in response.json()
    assert not Consent.objects.exists()


def test_revoking_acts_on_the_supporters_very_next_request(person, supporter, contact):
    consent = grant(contact, person, ["milestones"])
    supporter_api = as_user(supporter)
    assert supporter_api.get("/api/v1/supporter/patients/").json()["results"][0]["scopes"] == [
        "milestones"
    ]

    response = as_user(person).post(
        f"{url(contact)}{consent.pk}/revoke/", {"reason": "I want a break"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert response.json()["revocation_reason"] == "I want a break"
    assert supporter_api.get("/api/v1/supporter/patients/").json()["results"][0]["scopes"] == []


def test_revoking_without_a_reason_and_twice(team_clinician, person, contact):
    consent = grant(contact, person, ["milestones"])
    api = as_user(team_clinician)

    assert api.post(f"{url(contact)}{consent.pk}/revoke/").status_code == 200
    again = api.post(f"{url(contact)}{consent.pk}/revoke/")

    assert again.status_code == 400
    assert "consent" in again.json()


def test_a_bad_revocation_reason_is_a_400_and_revokes_nothing(person, contact):
    consent = grant(contact, person, ["milestones"])

    response = as_user(person).post(
        f"{url(contact)}{consent.pk}/revoke/", {"reason": "x" * 301}, format="json"
    )

    assert response.status_code == 400 and "reason" in response.json()
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_consent_of_another_contact_is_404_through_this_contact(
    clinic, team_clinician, person, patient, contact
):
    other = SupportContact.objects.create(
        patient=patient, name="Sam", relationship="friend", email="sam@example.org", status="active"
    )
    theirs = grant(other, person, ["milestones"])

    response = as_user(person).post(f"{url(contact)}{theirs.pk}/revoke/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_contact_of_another_patient_is_404(clinic, team_clinician, person):
    stranger = PatientFactory(clinic=clinic)
    theirs = SupportContact.objects.create(
        patient=stranger, name="Sam", relationship="friend", email="sam@example.org"
    )

    assert as_user(person).get(url(theirs)).status_code == 404
    assert as_user(team_clinician).get(url(theirs)).status_code == 404
    assert as_user(person).post(url(theirs), IN_APP, format="json").status_code == 404
    assert not Consent.objects.exists()


@pytest.mark.parametrize("rows", [3, 50])
def test_the_list_keeps_a_constant_number_of_queries(
    team_clinician, person, contact, rows, django_assert_max_num_queries
):
    for n in range(rows):
        grant(contact, person, ["milestones"] if n % 2 else ["help_tasks"])
    api = as_user(team_clinician)

    # memberships, the contact, its patient (care-team check inside), count, page of consents
    # with who recorded them, audit insert.
    with django_assert_max_num_queries(6):
        response = api.get(url(contact), {"page_size": 100})

    states = [row["state"] for row in response.json()["results"]]
    assert states == ["active"] + ["superseded"] * (rows - 1)


def test_an_upload_posted_as_json_is_not_a_file(team_clinician, contact):
    body = paper() | {"paper_form": BytesIO(PDF).getvalue().decode("latin-1")}

    response = as_user(team_clinician).post(url(contact), body, format="json")

    assert response.status_code == 400
    assert "paper_form" in response.json()
    assert not Consent.objects.exists()
