"""The consent page: the patient signs in the app, the care team records a signed paper form;
a new consent supersedes the old one (kept in the history); revocation acts at once."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.consent import consented_scopes
from networks.manage_forms import MAX_PAPER_FORM_BYTES
from networks.models import Consent, Scope, SignatureMethod

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% signed consent\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def consent_url(contact) -> str:
    return reverse("networks:consent", args=[contact.patient_id, contact.pk])


def revoke_url(consent) -> str:
    return reverse(
        "networks:consent_revoke", args=[consent.patient_id, consent.contact_id, consent.pk]
    )


def by_patient(**extra) -> dict:
    data = {
        "scopes": ["milestones", "help_tasks"],
        "purpose": "To support my recovery",
        "until_discharge": "on",
        "signed_name": "Jordan Rivera",
        "agree": "on",
    }
    return data | extra


def by_staff(upload=None, **extra) -> dict:
    upload = upload or SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    return {
        "scopes": ["coping_plan"],
        "purpose": "To support recovery",
        "until_discharge": "on",
        "signed_name": "Jordan Rivera",
        "paper_form": upload,
    } | extra


def test_the_person_in_recovery_signs_in_the_app(client, contact, person):
    client.force_login(person)
    page = client.get(consent_url(contact)).content.decode()
    assert 'data-testid="part2-explanation"' in page
    assert "You may not share it with anyone else" in page  # the redisclosure notice
    assert "Harbor Recovery Center" in page  # who discloses

    response = client.post(consent_url(contact), by_patient())

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signature_method == SignatureMethod.IN_APP
    assert (consent.recorded_by, consent.signed_name) == (person, "Jordan Rivera")
    assert consent.scopes == ["help_tasks", "milestones"]
    assert consent.expires_on_event == "discharge" and not consent.paper_form
    assert consented_scopes(contact) == {Scope.MILESTONES, Scope.HELP_TASKS}


def test_signing_in_the_app_needs_i_agree(client, contact, person):
    client.force_login(person)

    response = client.post(consent_url(contact), by_patient(agree=""))

    assert response.status_code == 200
    assert response.context["form"].errors["agree"]
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["diagnosis"]}, "scopes"),
        ({"purpose": ""}, "purpose"),
        ({"signed_name": ""}, "signed_name"),
        ({"until_discharge": ""}, "expires_on"),
    ],
)
def test_an_incomplete_consent_saves_nothing(client, contact, person, change, field):
    client.force_login(person)

    response = client.post(consent_url(contact), by_patient(**change))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Consent.objects.exists()


def test_an_end_date_in_the_past_comes_back_from_the_service(client, contact, person, patient):
    client.force_login(person)
    yesterday = patient.local_today() - timedelta(days=1)

    response = client.post(
        consent_url(contact), by_patient(until_discharge="", expires_on=yesterday.isoformat())
    )

    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"] == ["The end date must be after today."]
    assert not Consent.objects.exists()


def test_the_care_team_records_a_signed_paper_form(client, contact, team_clinician):
    client.force_login(team_clinician)
    form = client.get(consent_url(contact)).context["form"]
    assert "paper_form" in form.fields and "agree" not in form.fields

    response = client.post(consent_url(contact), by_staff())

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signature_method == SignatureMethod.PAPER
    assert consent.recorded_by == team_clinician
    assert consent.paper_form.name.endswith(".pdf")
    assert "scan" not in consent.paper_form.name  # stored under a name of our own
    assert consented_scopes(contact) == {Scope.COPING_PLAN}


def test_a_png_photo_of_the_form_is_accepted(client, contact, team_clinician):
    client.force_login(team_clinician)

    upload = SimpleUploadedFile("photo.PNG", PNG, "image/png")
    response = client.post(consent_url(contact), by_staff(upload))

    assert response.status_code == 302
    assert Consent.objects.get().paper_form.name.endswith(".png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("form.docx", b"PK\x03\x04", "application/msword"),
            "Upload the signed form as a PDF, JPEG or PNG file.",
        ),
        (
            SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            "This file is not a readable PDF, JPEG or PNG. Scan the signed form again.",
        ),
        (
            SimpleUploadedFile(
                "form.pdf", b"%PDF-" + b"0" * MAX_PAPER_FORM_BYTES, "application/pdf"
            ),
            "The file is larger than 5 MB. Scan it at a lower resolution, or as a PDF.",
        ),
    ],
    ids=["type", "content", "size"],
)
def test_a_bad_upload_is_refused_with_a_clear_error(
    client, contact, team_clinician, upload, message
):
    client.force_login(team_clinician)

    response = client.post(consent_url(contact), by_staff(upload))

    assert response.status_code == 200
    assert response.context["form"].errors["paper_form"] == [message]
    assert not Consent.objects.exists()


def test_staff_cannot_record_without_the_paper_form(client, contact, team_clinician):
    client.force_login(team_clinician)
    data = by_staff()
    del data["paper_form"]

    response = client.post(consent_url(contact), data)

    assert response.status_code == 200
    assert response.context["form"].errors["paper_form"]
    assert not Consent.objects.exists()


def test_a_new_consent_supersedes_and_the_history_is_kept(client, contact, person):
    client.force_login(person)
    client.post(consent_url(contact), by_patient(scopes=["milestones"]))
    client.post(consent_url(contact), by_patient(scopes=["appointments"], purpose="Come along"))

    first, second = Consent.objects.order_by("pk")
    assert first.superseded_by == second and first.superseded_at is not None
    assert consented_scopes(contact) == {Scope.APPOINTMENTS}
    page = client.get(consent_url(contact))
    assert page.context["current"] == second
    assert page.context["history"] == [first]
    html = page.content.decode()
    assert "Replaced by a newer consent on" in html
    assert "Sessions I invite them to" in html  # scopes in plain words


def test_revoke_with_a_reason(client, contact, person, team_clinician):
    client.force_login(person)
    client.post(consent_url(contact), by_patient())
    consent = Consent.objects.get()
    client.force_login(team_clinician)

    response = client.post(revoke_url(consent), {"reason": "Asked by phone"}, follow=True)

    consent.refresh_from_db()
    assert consent.revoked_by == team_clinician
    assert consent.revocation_reason == "Asked by phone"
    assert consented_scopes(contact) == frozenset()
    html = response.content.decode()
    assert "The consent was revoked." in html
    assert "Revoked on" in html and "Asked by phone" in html
    assert response.context["current"] is None


def test_revoking_twice_is_a_message_not_an_error(client, contact, person):
    client.force_login(person)
    client.post(consent_url(contact), by_patient())
    consent = Consent.objects.get()
    client.post(revoke_url(consent))

    response = client.post(revoke_url(consent), follow=True)

    assert response.status_code == 200
    assert "This consent was already revoked." in response.content.decode()


def test_a_consent_of_another_contact_is_404(client, contact, patient, person):
    from networks.services import contact_add

    client.force_login(person)
    client.post(consent_url(contact), by_patient())
    consent = Consent.objects.get()
    other = contact_add(
        patient=patient, actor=person, name="Lee", relationship="friend", preferred_channel="in_app"
    )
    wrong = reverse("networks:consent_revoke", args=[patient.pk, other.pk, consent.pk])

    assert client.post(wrong).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_the_consent_page_shows_an_ended_consent_as_ended(client, contact, person, patient):
    client.force_login(person)
    client.post(consent_url(contact), by_patient())
    patient.status = "discharged"
    patient.save()

    html = client.get(consent_url(contact)).content.decode()

    assert 'data-testid="consent-not-in-force"' in html


def test_a_change_starts_from_the_open_consent(client, contact, person):
    client.force_login(person)
    client.post(consent_url(contact), by_patient(scopes=["milestones"], purpose="Celebrate"))

    form = client.get(consent_url(contact)).context["form"]

    assert form.initial["scopes"] == ["milestones"] and form.initial["purpose"] == "Celebrate"
    assert form.initial["until_discharge"] is True
    assert "signed_name" not in form.initial  # every consent is signed anew
