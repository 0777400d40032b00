"""The clinic admin's audit trail: every event of the clinic, filtered, paginated, exported."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from tests.factories import PASSWORD, PatientFactory, member, sign_in_through_form

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def rows_of(response) -> list[AuditEvent]:
    return [event for event, *_ in response.context["rows"]]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_admin_sees_the_clinics_events_newest_first_and_nothing_of_another_clinic(
    admin_signed_in, clinic, other_clinic, patient, team_clinician
):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=NEW_YORK)):
        older = audit_record(
            action=Action.VIEW, actor=team_clinician, clinic=clinic, target=patient, patient=patient
        )
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=NEW_YORK)):
        newer = audit_record(
            action=Action.UPDATE,
            actor=team_clinician,
            clinic=clinic,
            target=patient,
            patient=patient,
            details={"fields": ["phone"]},
        )
    elsewhere_patient = PatientFactory(clinic=other_clinic, legal_name="Lakeside Only")
    audit_record(
        action=Action.VIEW,
        actor=member(Role.CLINICIAN, other_clinic),
        clinic=other_clinic,
        patient=elsewhere_patient,
    )

    response = admin_signed_in.get(reverse("audit:trail"))

    assert response.status_code == 200
    shown = [event.pk for event in rows_of(response) if event.pk in (older.pk, newer.pk)]
    assert shown == [newer.pk, older.pk]
    page = response.content.decode()
    assert "Chris Alvarez" in page and "Jordan Rivera" in page and "fields: phone" in page
    assert "Lakeside Only" not in page


def test_filters_by_who_patient_action_and_local_dates(
    admin_signed_in, clinic, patient, team_clinician, clinic_admin
):
    other = PatientFactory(clinic=clinic, legal_name="Sam Okafor", mrn="HR-200")
    # 23:30 in New York on 10 March is already 11 March in UTC: the filter goes by local days.
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=NEW_YORK)):
        late_view = audit_record(
            action=Action.VIEW, actor=team_clinician, clinic=clinic, patient=patient
        )
    with time_machine.travel(datetime(2026, 3, 11, 8, tzinfo=NEW_YORK)):
        audit_record(action=Action.UPDATE, actor=team_clinician, clinic=clinic, patient=patient)
        audit_record(action=Action.VIEW, actor=clinic_admin, clinic=clinic, patient=other)

    def matching(**params: str) -> set[int]:
        return {event.pk for event in rows_of(admin_signed_in.get(reverse("audit:trail"), params))}

    by_day = matching(date_from="2026-03-10", date_to="2026-03-10")
    assert by_day == {late_view.pk}
    assert matching(who="alvarez", action="view", date_to="2026-03-11") == {late_view.pk}
    assert {e.patient_id for e in AuditEvent.objects.filter(pk__in=matching(patient="hr-200"))} == {
        other.pk
    }
    assert matching(patient="Jordan", action="update") == {
        AuditEvent.objects.get(action=Action.UPDATE, patient=patient).pk
    }


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not-a-date"},
        {"date_from": "2026-03-12", "date_to": "2026-03-01"},
        {"action": "rewrite_history"},
        {"page": "banana"},
        {"who": "x" * 300},
    ],
)
def test_bad_filters_get_a_clear_message_not_a_500(admin_signed_in, params):
    response = admin_signed_in.get(reverse("audit:trail"), params)

    assert response.status_code == 200
    if "page" not in params:
        assert response.context["form"].errors


def test_export_of_bad_filters_is_refused_with_a_message(admin_signed_in):
    response = admin_signed_in.get(reverse("audit:trail_csv"), {"date_from": "31/02/2026"})

    assert response.status_code == 400
    assert b"Nothing was exported" in response.content
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_csv_has_the_filtered_events_with_the_pages_columns_and_is_audited(
    admin_signed_in, clinic, clinic_admin, patient, team_clinician
):
    audit_record(
        action=Action.VIEW,
        actor=team_clinician,
        clinic=clinic,
        target=patient,
        patient=patient,
        details={"page": "chart"},
    )
    audit_record(
        action=Action.UPDATE,
        actor=team_clinician,
        clinic=clinic,
        patient=patient,
        details={"note": '=HYPERLINK("http://evil")'},
    )

    response = admin_signed_in.get(reverse("audit:trail_csv"), {"who": "Alvarez"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header == [
        "When",
        "Who",
        "Email",
        "Role",
        "Action",
        "Patient",
        "MRN",
        "Object",
        "Object id",
        "Details",
        "From",
        "Record",
    ]
    assert [row[4] for row in rows] == ["Updated", "Viewed", "Created"]  # the care team
    viewed = rows[1]
    assert viewed[1:7] == [
        "Chris Alvarez",
        team_clinician.email,
        "Clinician",
        "Viewed",
        "Jordan Rivera",
        "HR-100",
    ]
    assert viewed[7:10] == ["patient", str(patient.pk), "page: chart"]
    assert viewed[11] == "Record of Jordan Rivera"
    assert rows[0][9] == 'note: =HYPERLINK("http://evil")'  # starts with text: left as is
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor == clinic_admin and export.clinic == clinic
    assert export.details == {"export": "audit_trail", "who": "Alvarez"}


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(admin_signed_in, clinic):
    sneaky = member(Role.CLINICIAN, clinic, full_name="=cmd|' /C calc'!A0")
    audit_record(action=Action.UPDATE, actor=sneaky, clinic=clinic, details={"x": 1})

    _, *rows = read_csv(admin_signed_in.get(reverse("audit:trail_csv")))

    row = next(row for row in rows if row[4] == "Updated")
    assert row[1] == "'=cmd|' /C calc'!A0"


def test_sign_ins_of_members_and_failed_sign_ins_with_their_email_are_in_the_trail(
    client, admin_signed_in, clinic, other_clinic, team_clinician
):
    outsider = member(Role.CLINICIAN, other_clinic, email="lee@lakeside.example")
    for email, password in [
        (team_clinician.email, "wrong"),
        (outsider.email, "wrong"),
        (team_clinician.email, PASSWORD),
    ]:
        sign_in_through_form(client.__class__(), email, password)  # the code too, for staff

    events = rows_of(admin_signed_in.get(reverse("audit:trail")))

    actions = [(event.action, event.actor_id, event.details.get("email")) for event in events]
    assert (Action.LOGIN, team_clinician.pk, None) in actions
    assert (Action.LOGIN_FAILED, None, team_clinician.email) in actions
    assert all(email != outsider.email for _, _, email in actions)


@pytest.mark.parametrize("count", [5, 200])
def test_query_count_does_not_grow_with_events(
    admin_signed_in, django_assert_max_num_queries, clinic, count
):
    patients = PatientFactory.create_batch(3, clinic=clinic)
    staff = [member(Role.CLINICIAN, clinic) for _ in range(3)]
    for n in range(count):
        audit_record(
            action=Action.VIEW,
            actor=staff[n % 3],
            clinic=clinic,
            patient=patients[n % 3],
            target=patients[n % 3],
        )

    # session + user + memberships (3), count and page (2), the page view's own audit event
    # (1) and its savepoint pair, the navigation's reads: the same for 5 or 200 events.
    with django_assert_max_num_queries(12):
        response = admin_signed_in.get(reverse("audit:trail"))
    # Every event, the page's own view event and the admin's sign-in, up to a page of 50.
    assert len(response.context["rows"]) == min(count + 2, 50)


@pytest.mark.parametrize("count", [5, 200])
def test_csv_query_count_does_not_grow_with_events(
    admin_signed_in, django_assert_max_num_queries, clinic, count
):
    patient = PatientFactory(clinic=clinic)
    for _ in range(count):
        audit_record(action=Action.VIEW, clinic=clinic, patient=patient)

    # session, user, memberships, the export's audit event (with its savepoint pair), and the
    # streamed read in chunks of 2,000 rows.
    with django_assert_max_num_queries(9):
        response = admin_signed_in.get(reverse("audit:trail_csv"))
        _, *rows = read_csv(response)
    assert len(rows) >= count


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
@pytest.mark.parametrize("url_name", ["audit:trail", "audit:trail_csv"])
def test_other_roles_get_404(client, clinic, role, url_name):
    client.force_login(member(role, clinic))

    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", ["audit:trail", "audit:trail_csv"])
def test_another_clinics_admin_sees_none_of_this_clinics_events(
    client, clinic, other_clinic, patient, team_clinician, url_name
):
    audit_record(action=Action.VIEW, actor=team_clinician, clinic=clinic, patient=patient)
    client.force_login(member(Role.ADMIN, other_clinic))

    response = client.get(reverse(url_name))
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()

    assert "Jordan Rivera" not in body and "Chris Alvarez" not in body


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit:trail"))

    assert response.status_code == 302 and "login" in response.url
