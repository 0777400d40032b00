"""The imports page: upload, preview (what would be created, every error by row and column),
confirm or discard; templates and exports. Admins only, each their own upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent, ListedPatient
from imports.models import PendingImport
from patients.models import Patient
from tests.factories import PatientFactory, member
from tests.imports.conftest import PATIENT_HEADER, patient_line, patients_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]

INDEX = reverse("imports:index")


def upload(client, data: bytes, kind: str = "patients", name: str = "people.csv"):
    return client.post(INDEX, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_upload_preview_then_confirm_imports_every_row(admin_signed_in, clinic):
    data = patients_csv(*(patient_line(n, program="Outpatient") for n in range(1, 4)))

    response = upload(admin_signed_in, data)
    preview = admin_signed_in.get(response["Location"])

    assert response.status_code == 302
    page = preview.content.decode()
    assert "3 records will be created." in page and "M-00002" in page
    assert "New programs to be created:" in page and "Outpatient" in page
    assert Patient.objects.filter(clinic=clinic).count() == 0  # nothing before confirming

    pending = PendingImport.objects.get()
    done = admin_signed_in.post(reverse("imports:confirm", args=[pending.pk]), follow=True)

    assert "3 patients were imported." in done.content.decode()
    assert Patient.objects.filter(clinic=clinic).count() == 3
    assert not PendingImport.objects.exists()


def test_a_file_with_one_bad_row_lists_it_and_offers_no_confirm(admin_signed_in, clinic):
    data = patients_csv(patient_line(1), patient_line(2, email="jo@@example"), patient_line(3))

    preview = admin_signed_in.get(upload(admin_signed_in, data)["Location"])

    page = preview.content.decode()
    assert "Row 3, column email: “jo@@example” is not an email address." in page
    assert 'data-testid="import-confirm"' not in page
    # Confirming anyway (an old tab) saves nothing and says why.
    pending = PendingImport.objects.get()
    refused = admin_signed_in.post(reverse("imports:confirm", args=[pending.pk]))
    assert refused.status_code == 400
    assert "Row 3, column email" in refused.content.decode()
    assert Patient.objects.filter(clinic=clinic).count() == 0


def test_confirm_checks_again_what_changed_since_the_preview(admin_signed_in, clinic):
    upload(admin_signed_in, patients_csv(patient_line(1), patient_line(2)))
    PatientFactory(clinic=clinic, mrn="M-00002")  # typed in meanwhile

    pending = PendingImport.objects.get()
    refused = admin_signed_in.post(reverse("imports:confirm", args=[pending.pk]))

    assert "Row 3, column mrn" in refused.content.decode()
    assert Patient.objects.filter(clinic=clinic).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (PATIENT_HEADER.encode() + b"\n", "The file has column names but no rows to import."),
        (b"name,age\nJo,3\n", "Unknown columns: name, age."),
        (bytes(range(256)) * 4, "This file is not a CSV file in UTF-8 text."),
    ],
    ids=["empty", "headers-only", "wrong-headers", "binary"],
)
def test_a_file_that_cannot_be_read_is_named_on_the_form(admin_signed_in, data, message):
    response = upload(admin_signed_in, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PendingImport.objects.exists()


def test_discarding_removes_the_upload(admin_signed_in):
    upload(admin_signed_in, patients_csv(patient_line(1)))
    pending = PendingImport.objects.get()

    admin_signed_in.post(reverse("imports:cancel", args=[pending.pk]))

    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_only_admins_reach_the_pages(client, clinic, role):
    client.force_login(member(role, clinic))

    for url in [
        INDEX,
        reverse("imports:template", args=["patients", "csv"]),
        reverse("imports:export", args=["patients", "csv"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_another_admins_upload_is_404(client, admin_signed_in, clinic, other_clinic):
    upload(admin_signed_in, patients_csv(patient_line(1)))
    pending = PendingImport.objects.get()

    colleague = member(Role.ADMIN, clinic)
    client.force_login(colleague)
    for name in ("imports:preview",):
        assert client.get(reverse(name, args=[pending.pk])).status_code == 404
    for name in ("imports:confirm", "imports:cancel"):
        assert client.post(reverse(name, args=[pending.pk])).status_code == 404
    client.force_login(member(Role.ADMIN, other_clinic))
    assert client.get(reverse("imports:preview", args=[pending.pk])).status_code == 404
    assert PendingImport.objects.exists()


def test_the_page_links_templates_and_exports(admin_signed_in):
    page = admin_signed_in.get(INDEX).content.decode()

    for kind in ("patients", "contacts"):
        for file_format in ("csv", "xlsx"):
            assert reverse("imports:template", args=[kind, file_format]) in page
            assert reverse("imports:export", args=[kind, file_format]) in page
    assert 'enctype="multipart/form-data"' in page


def test_a_template_downloads_with_the_headers(admin_signed_in):
    response = admin_signed_in.get(reverse("imports:template", args=["patients", "csv"]))

    assert response["Content-Disposition"] == 'attachment; filename="patients-template.csv"'
    assert response.content.decode("utf-8-sig").strip() == PATIENT_HEADER


def test_an_export_is_an_audited_read_naming_each_patient(admin_signed_in, clinic, other_clinic):
    mine = [PatientFactory(clinic=clinic) for _ in range(3)]
    PatientFactory(clinic=other_clinic, mrn="THEIRS")

    response = admin_signed_in.get(reverse("imports:export", args=["patients", "xlsx"]))

    assert response.status_code == 200 and response.content.startswith(b"PK")
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.details == {"export": "patients", "format": "xlsx", "rows": 3}
    listed = set(ListedPatient.objects.filter(event=event).values_list("patient_id", flat=True))
    assert listed == {patient.pk for patient in mine}
    csv_text = admin_signed_in.get(reverse("imports:export", args=["patients", "csv"]))
    assert "THEIRS" not in csv_text.content.decode("utf-8-sig")


def test_the_admin_menu_links_the_imports_page(admin_signed_in):
    page = admin_signed_in.get(reverse("clinic_admin:patients")).content.decode()

    assert f'href="{INDEX}"' in page
