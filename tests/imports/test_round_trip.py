"""Must show: the demo clinic's own patients and contacts, exported and imported into an empty
clinic, give the same counts (and export back the same file)."""

from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Organization, Role, User
from imports.models import PendingImport
from networks.models import ContactStatus, SupportContact
from patients.models import Patient
from recovery_hub.demo import seed_demo
from tests.factories import OrganizationFactory, member
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Organization]:
    """The real demo seed, made once for the module (it takes a while)."""
    with shared_rows(django_db_blocker):
        seed_demo()
        yield Organization.objects.get(slug="demo")


def export(client, kind: str, file_format: str) -> bytes:
    response = client.get(reverse("imports:export", args=[kind, file_format]))
    assert response.status_code == 200
    return response.content


def import_file(client, kind: str, data: bytes, file_format: str) -> None:
    upload = SimpleUploadedFile(f"{kind}.{file_format}", data)
    response = client.post(reverse("imports:index"), {"kind": kind, "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = PendingImport.objects.get(uploaded_by_id=client.session["_auth_user_id"])
    done = client.post(reverse("imports:confirm", args=[pending.pk]))
    page = done.content.decode()
    assert done.status_code == 302, page[page.find("import-errors") :][:3000]


def census(clinic: Organization) -> dict[str, object]:
    patients = Patient.objects.filter(clinic=clinic)
    contacts = SupportContact.objects.filter(patient__clinic=clinic).exclude(
        status=ContactStatus.REMOVED
    )
    return {
        "patients": patients.count(),
        "by_status": Counter(patients.values_list("status", flat=True)),
        "by_program": Counter(patients.values_list("program__name", flat=True)),
        "with_recovery_start": patients.filter(recovery_start__isnull=False).count(),
        "contacts": contacts.count(),
        "by_relationship": Counter(contacts.values_list("relationship", flat=True)),
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_demo_clinic_exported_and_imported_into_an_empty_clinic_counts_the_same(
    demo, client, file_format
):
    client.force_login(User.objects.get(email="admin@demo.clinic"))
    patients = export(client, "patients", file_format)
    contacts = export(client, "contacts", file_format)
    empty = OrganizationFactory(name="New Horizons", slug="new-horizons")
    client.force_login(member(Role.ADMIN, empty))

    import_file(client, "patients", patients, file_format)
    import_file(client, "contacts", contacts, file_format)

    before = census(demo)
    assert before["patients"] >= 12 and before["contacts"] > 0
    assert census(empty) == before
    if file_format == "csv":  # the new clinic's export is the same file
        assert export(client, "patients", "csv") == patients
        assert export(client, "contacts", "csv") == contacts
