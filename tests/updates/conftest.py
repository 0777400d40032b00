"""The updates tests use the shared people of tests/conftest.py: Jordan Rivera (the person in
recovery) and Pat Rivera (a supporter, active, no consent yet). Here Pat is granted `updates`;
Sam is a second supporter who also sees updates; Lee supports Jordan without `updates` (only
milestones). Photos are written under a temporary MEDIA_ROOT."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from networks.models import (
    Consent,
    ContactStatus,
    ExpiryEvent,
    Relationship,
    Scope,
    SignatureMethod,
    SupportContact,
)
from networks.services import consent_grant, contact_add
from patients.models import Patient
from tests.factories import member
from updates import services
from updates.models import Update


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def grant(contact: SupportContact, scopes: list[str]) -> Consent:
    patient = contact.patient
    return consent_grant(
        contact=contact,
        actor=patient.user,
        scopes=scopes,
        purpose="To support my recovery",
        signed_name=patient.legal_name,
        signature_method=SignatureMethod.IN_APP,
        expires_on_event=ExpiryEvent.DISCHARGE,
    )


def add_supporter(patient: Patient, name: str, email: str, scopes: list[str]) -> SupportContact:
    contact = contact_add(
        patient=patient,
        actor=patient.user,
        name=name,
        relationship=Relationship.FRIEND,
        email=email,
    )
    contact.user = member(Role.SUPPORTER, patient.clinic, full_name=name, email=email)
    contact.status = ContactStatus.ACTIVE
    contact.save()
    if scopes:
        grant(contact, scopes)
    return contact


@pytest.fixture
def pat(contact) -> SupportContact:
    """Pat, who sees updates."""
    grant(contact, [Scope.UPDATES, Scope.MILESTONES])
    return contact


@pytest.fixture
def sam(patient) -> SupportContact:
    """Sam, a second supporter who sees updates."""
    return add_supporter(patient, "Sam Okafor", "sam@example.org", [Scope.UPDATES])


@pytest.fixture
def lee(patient) -> SupportContact:
    """Lee, who supports Jordan without `updates` (milestones only)."""
    return add_supporter(patient, "Lee Moreno", "lee@example.org", [Scope.MILESTONES])


def jpeg_bytes(size: tuple[int, int] = (400, 300), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG", **save)
    return out.getvalue()


def photo_upload(data: bytes | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def update(patient, pat, sam) -> Update:
    """Jordan's update to Pat and Sam, with a photo."""
    return services.update_post(
        patient=patient,
        author=patient.user,
        text="Two weeks of morning walks. I sleep better.",
        audience=[pat, sam],
        photo=photo_upload(),
    )
