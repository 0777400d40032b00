"""POST /api/v1/imports/patients/ and /contacts/: a dry run by default, counts when the file is
right, a 400 naming each row and column when not (and nothing saved), admins only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from audit.models import AuditEvent
from networks.models import SupportContact
from patients.models import Patient
from tests.api.conftest import as_user
from tests.factories import PatientFactory, member
from tests.imports.conftest import CONTACT_HEADER, patient_line, patients_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]

PATIENTS_URL = "/api/v1/imports/patients/"
CONTACTS_URL = "/api/v1/imports/contacts/"


@pytest.fixture
def admin_api(clinic_admin):
    return as_user(clinic_admin)


def post(api, url: str, data: bytes, name: str = "file.csv", **fields):
    return api.post(url, {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def test_a_dry_run_is_the_default_and_saves_nothing(admin_api, clinic):
    response = post(admin_api, PATIENTS_URL, patients_csv(patient_line(1), patient_line(2)))

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "kind": "patients",
        "dry_run": True,
        "rows": 2,
        "would_create": 2,
        "created": 0,
        "errors": 0,
        "new_programs": [],
    }
    assert not Patient.objects.filter(clinic=clinic).exists()


def test_dry_run_false_saves_every_row_and_audits_the_counts(admin_api, clinic):
    response = post(
        admin_api, PATIENTS_URL, patients_csv(patient_line(1), patient_line(2)), dry_run="false"
    )

    assert response.status_code == 201
    assert response.json()["created"] == 2
    assert Patient.objects.filter(clinic=clinic).count() == 2
    event = AuditEvent.objects.get(details__import="patients")
    assert event.details == {
        "import": "patients",
        "file": "file.csv",
        "rows": 2,
        "created": 2,
        "errors": 0,
        "new_programs": 0,
    }


def test_a_bad_row_is_a_400_naming_row_and_column_and_nothing_is_saved(admin_api, clinic):
    data = patients_csv(patient_line(1), patient_line(2, time_zone="Europe/Atlantis"))

    response = post(admin_api, PATIENTS_URL, data, dry_run="false")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "1 row of 2 needs attention; nothing was imported."
    assert body["rows.3.time_zone"] == [
        "“Europe/Atlantis” is not a time zone; use a name such as America/Chicago."
    ]
    assert not Patient.objects.filter(clinic=clinic).exists()


def test_contacts_import_from_xlsx(admin_api, clinic):
    from openpyxl import Workbook

    PatientFactory(clinic=clinic, mrn="A-1")
    workbook = Workbook()
    for row in [CONTACT_HEADER.split(","), ["A-1", "Rosa", "parent", "rosa@example.org"]]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)

    response = post(admin_api, CONTACTS_URL, out.getvalue(), "c.xlsx", dry_run="false")

    assert response.status_code == 201, response.json()
    assert SupportContact.objects.get(patient__clinic=clinic).name == "Rosa"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (b"colour\nblue\n", "file", "Unknown column: colour."),
        (b"mrn,legal_name,date_of_birth\n", "file", "The file has column names but no rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_naming_file(admin_api, data, field, message):
    response = post(admin_api, PATIENTS_URL, data)

    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)


def test_no_file_and_a_bad_dry_run_are_400s(admin_api):
    response = admin_api.post(PATIENTS_URL, {"dry_run": "maybe"}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "file", "dry_run"}


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_only_admins_may_import_others_get_404_before_the_body_is_read(clinic, role):
    api = as_user(member(role, clinic))

    response = api.post(PATIENTS_URL, {"dry_run": "maybe"}, format="multipart")

    assert response.status_code == 404


def test_an_admin_of_another_clinic_imports_into_their_own(other_clinic, clinic):
    PatientFactory(clinic=clinic, mrn="M-00001")
    api = as_user(member(Role.ADMIN, other_clinic))

    response = post(api, PATIENTS_URL, patients_csv(patient_line(1)), dry_run="false")

    assert response.status_code == 201  # M-00001 of the other clinic is no conflict
    assert Patient.objects.filter(clinic=other_clinic).count() == 1


def test_csv_text_in_a_json_body_imports_too(admin_api, clinic):
    text = patients_csv(patient_line(1)).decode()

    response = admin_api.post(PATIENTS_URL, {"content": text, "dry_run": False}, format="json")

    assert response.status_code == 201, response.json()
    assert Patient.objects.filter(clinic=clinic).count() == 1


def test_a_json_body_has_the_documented_types(admin_api):
    response = admin_api.post(PATIENTS_URL, {"content": 12, "dry_run": "no"}, format="json")

    assert response.status_code == 400
    assert {"content", "dry_run"} <= set(response.json())
