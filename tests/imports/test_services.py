"""The import service: every row checked before anything is saved; all rows saved in one
transaction or none; duplicates found before saving; one audit event with the counts."""

import pytest

from audit.models import Action, AuditEvent
from imports.columns import CONTACTS, PATIENTS
from imports.services import ImportRefused, import_plan, import_save
from imports.tables import read_csv
from networks.models import SupportContact
from patients.models import Patient, Program, RecoveryDate
from tests.factories import PatientFactory, ProgramFactory, SupportContactFactory
from tests.imports.conftest import CONTACT_HEADER, SAMPLES, patient_line, patients_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]


def rows_of(data: bytes, kind: str = PATIENTS) -> list[dict[str, str]]:
    from imports.columns import names, required

    return read_csv(data, required(kind), names(kind)).rows


def test_the_sample_files_import_patients_then_contacts(clinic, clinic_admin):
    patients = import_save(
        kind=PATIENTS,
        clinic=clinic,
        actor=clinic_admin,
        rows=rows_of((SAMPLES / "patients.csv").read_bytes()),
    )
    contacts = import_save(
        kind=CONTACTS,
        clinic=clinic,
        actor=clinic_admin,
        rows=rows_of((SAMPLES / "contacts.csv").read_bytes(), CONTACTS),
    )

    assert len(patients.valid) == 3 and len(contacts.valid) == 3
    alex = Patient.objects.get(clinic=clinic, mrn="S-1001")
    assert alex.preferred_name == "Alex" and alex.program.name == "Intensive outpatient"
    assert alex.time_zone == "America/Chicago" and str(alex.date_of_birth) == "1988-03-14"
    assert RecoveryDate.objects.filter(patient=alex).count() == 1  # as at intake
    assert set(Program.objects.filter(clinic=clinic).values_list("name", flat=True)) == {
        "Intensive outpatient",
        "Outpatient",
    }
    rosa = SupportContact.objects.get(patient=alex, name="Rosa Moreno")
    assert rosa.offers == ["meals", "company"] and rosa.reach_out_weekday == 6
    assert (rosa.status, rosa.added_by, rosa.language) == ("invited", clinic_admin, "en")
    rosa_event = AuditEvent.objects.get(object_type="networks.SupportContact", object_id=rosa.pk)
    assert (rosa_event.action, rosa_event.patient) == (Action.CREATE, alex)
    # Each record audited as when typed in, and one event for each import with its counts.
    assert (
        AuditEvent.objects.filter(action=Action.CREATE, object_type="patients.Patient").count() == 3
    )
    summary = AuditEvent.objects.filter(details__import=PATIENTS).get()
    assert summary.details["created"] == 3 and summary.details["errors"] == 0
    assert summary.actor == clinic_admin and summary.clinic == clinic


def test_one_bad_row_saves_nothing_and_names_the_row_and_column(clinic, clinic_admin):
    lines = [patient_line(n) for n in range(1, 6)]
    lines[3] = patient_line(4, date_of_birth="04/23/1990")  # sheet row 5
    rows = rows_of(patients_csv(*lines))

    with pytest.raises(ImportRefused) as refused:
        import_save(kind=PATIENTS, clinic=clinic, actor=clinic_admin, rows=rows)

    assert [str(error) for error in refused.value.plan.errors] == [
        "Row 5, column date_of_birth: “04/23/1990” is not a date; write it as YYYY-MM-DD, "
        "such as 1990-04-23."
    ]
    assert Patient.objects.filter(clinic=clinic).count() == 0
    refusal = AuditEvent.objects.filter(details__import=PATIENTS).get()
    assert refusal.details["created"] == 0 and refusal.details["errors"] == 1


def test_a_rule_only_the_service_knows_still_saves_nothing(clinic, clinic_admin, monkeypatch):
    rows = rows_of(patients_csv(patient_line(1), patient_line(2), patient_line(3)))
    # Another admin adds M-00003 between the check and the save: the service refuses that row.
    from imports import services

    real = services.import_plan

    def plan_then_race(**kwargs):
        plan = real(**kwargs)
        PatientFactory(clinic=clinic, mrn="M-00003")
        return plan

    monkeypatch.setattr(services, "import_plan", plan_then_race)

    with pytest.raises(ImportRefused) as refused:
        import_save(kind=PATIENTS, clinic=clinic, actor=clinic_admin, rows=rows)

    assert [(e.row, e.column) for e in refused.value.plan.errors] == [(4, "mrn")]
    assert not Patient.objects.filter(clinic=clinic, mrn__in=["M-00001", "M-00002"]).exists()


def test_duplicate_record_numbers_and_emails_are_found_before_saving(clinic, other_clinic):
    PatientFactory(clinic=clinic, mrn="M-00001", email="taken@example.org")
    PatientFactory(clinic=other_clinic, mrn="M-00002")  # another clinic's: no conflict
    rows = rows_of(
        patients_csv(
            patient_line(1),
            patient_line(2),
            patient_line(3, email="TAKEN@example.org"),
            patient_line(4, mrn="m-00002", email="four@example.org"),
            patient_line(5, email="person3@example.org"),
        )
    )

    plan = import_plan(kind=PATIENTS, clinic=clinic, rows=rows)

    assert [str(error) for error in plan.errors] == [
        "Row 2, column mrn: A patient of this clinic already has this record number.",
        "Row 4, column email: A patient of this clinic already has this email address.",
        "Row 5, column mrn: Row 3 has the same record number.",
    ]


def test_every_bad_cell_is_named_in_one_pass(clinic):
    rows = rows_of(
        patients_csv(
            patient_line(1, time_zone="Mars/Olympus", email="not-an-email"),
            patient_line(2, date_of_birth="2030-01-01", status="cured"),
            patient_line(3, legal_name="", checkin_reminder_time="7pm"),
            patient_line(4, recovery_start="2027-01-01", preferred_language="fr"),
        )
    )

    plan = import_plan(kind=PATIENTS, clinic=clinic, rows=rows)

    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "time_zone"),
        (2, "email"),
        (3, "date_of_birth"),
        (3, "status"),
        (4, "legal_name"),
        (4, "checkin_reminder_time"),
        (5, "recovery_start"),
        (5, "preferred_language"),
    ]
    assert plan.valid == []


def test_empty_cells_take_the_clinic_defaults(clinic, clinic_admin):
    clinic.time_zone, clinic.default_language = "America/Denver", "es"
    clinic.save()
    rows = rows_of(patients_csv("M-1,Jo Doe,,,1980-02-29,,,,,,,,", header=patients_header()))

    import_save(kind=PATIENTS, clinic=clinic, actor=clinic_admin, rows=rows)

    jo = Patient.objects.get(clinic=clinic, mrn="M-1")
    assert (jo.time_zone, jo.preferred_language, jo.status) == ("America/Denver", "es", "intake")
    assert jo.program is None and jo.recovery_start is None


def patients_header() -> str:
    from tests.imports.conftest import PATIENT_HEADER

    return PATIENT_HEADER


def test_an_existing_program_is_matched_whatever_its_case(clinic, clinic_admin):
    program = ProgramFactory(clinic=clinic, name="Outpatient")
    rows = rows_of(patients_csv(patient_line(1, program="OUTPATIENT")))

    plan = import_save(kind=PATIENTS, clinic=clinic, actor=clinic_admin, rows=rows)

    assert plan.new_programs == []
    assert Patient.objects.get(clinic=clinic).program == program


def test_contacts_name_their_patient_and_duplicates_per_patient_are_refused(clinic, clinic_admin):
    first = PatientFactory(clinic=clinic, mrn="A-1")
    PatientFactory(clinic=clinic, mrn="A-2")
    SupportContactFactory(patient=first, email="rosa@example.org")
    data = "\n".join(
        [
            CONTACT_HEADER,
            "A-1,Rosa,parent,ROSA@example.org,,email,en,,,,",  # already this patient's contact
            "A-2,Rosa,parent,rosa@example.org,,email,en,,,,",  # another patient: fine
            "A-2,Rosa again,parent,rosa@example.org,,email,en,,,,",  # twice for A-2
            "B-9,Nobody,friend,,555,sms,en,,,,",  # no such patient
            "A-2,Kim,cousin,,,sms,en,boat,,9,25:00",
            "A-2,No email,friend,,,email,en,,,,",
        ]
    ).encode()

    plan = import_plan(kind=CONTACTS, clinic=clinic, rows=rows_of(data, CONTACTS))

    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "email"),
        (4, "email"),
        (5, "patient_mrn"),
        (6, "phone"),
        (6, "offers"),
        (6, "relationship"),
        (6, "reach_out_weekday"),
        (6, "reach_out_time"),
        (7, "email"),
    ]
    assert [number for number, _fields in plan.valid] == [3]


@pytest.mark.parametrize("rows", [5, 200])
def test_an_import_takes_the_same_queries_whatever_its_size(
    clinic, clinic_admin, rows, django_assert_max_num_queries
):
    lines = [patient_line(n, program=f"Program {n % 3}") for n in range(rows)]
    data = rows_of(patients_csv(*lines))

    # Whatever the rows: 3 reads (record numbers, emails, programs) and the programs again to
    # save, 3 new programs through program_save (6 queries each: check, savepoints, insert,
    # audit), the patients in one INSERT (in a savepoint: 3), their recovery dates, their
    # audit events and the summary event (3), and the import's own savepoint (2).
    with django_assert_max_num_queries(33):
        import_save(kind=PATIENTS, clinic=clinic, actor=clinic_admin, rows=data)

    assert Patient.objects.filter(clinic=clinic).count() == rows


def test_a_row_longer_than_the_headers_is_named_without_a_column(clinic):
    rows = rows_of(patients_csv(patient_line(1) + ",extra"))

    plan = import_plan(kind=PATIENTS, clinic=clinic, rows=rows)

    assert [str(error) for error in plan.errors] == [
        "Row 2: This row has more cells than there are columns."
    ]
