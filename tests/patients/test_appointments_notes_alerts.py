from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from patients.models import Alert, AlertKind, AlertSeverity, Appointment, ClinicalNote
from patients.services import alert_raise, note_create
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def _appointment(patient, **overrides: object) -> dict[str, object]:
    data = {
        "kind": "individual",
        "title": "",
        "date": (patient.local_today() + timedelta(days=2)).isoformat(),
        "start_time": "09:30",
        "duration_minutes": "50",
        "location": "Room 2",
        "video_url": "",
        "status": "scheduled",
    }
    data.update(overrides)
    return data


def test_scheduling_uses_the_patients_time_zone(client, clinic, team_clinician):
    patient = PatientFactory(clinic=clinic, time_zone="America/Denver")
    from patients.models import TeamRole
    from patients.services import care_team_add

    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.CASE_MANAGER,
        actor=team_clinician,
    )
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:appointment_new", args=[patient.pk]),
        _appointment(patient, staff_attendees=[team_clinician.pk]),
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    local = appointment.starts_at.astimezone(ZoneInfo("America/Denver"))
    assert (local.hour, local.minute) == (9, 30)
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)
    assert list(appointment.staff_attendees.all()) == [team_clinician]
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="patients.Appointment")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "telehealth"}, "video_url"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"date": "31-31-2026"}, "date"),
        ({"video_url": "javascript:alert(1)", "kind": "telehealth"}, "video_url"),
    ],
)
def test_bad_appointment_input_saves_nothing(client, patient, team_clinician, changes, field):
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:appointment_new", args=[patient.pk]), _appointment(patient, **changes)
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Appointment.objects.exists()


def test_attendees_must_be_on_the_care_team(client, patient, team_clinician, colleague):
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:appointment_new", args=[patient.pk]),
        _appointment(patient, staff_attendees=[colleague.pk]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get("staff_attendees")
    assert not Appointment.objects.exists()


def test_editing_an_appointment_marks_it_attended(client, patient, team_clinician):
    client.force_login(team_clinician)
    client.post(reverse("patients:appointment_new", args=[patient.pk]), _appointment(patient))
    appointment = Appointment.objects.get()

    client.post(
        reverse("patients:appointment_edit", args=[patient.pk, appointment.pk]),
        _appointment(patient, status="attended", title="Relapse-prevention session"),
    )

    appointment.refresh_from_db()
    assert appointment.status == "attended" and appointment.title == "Relapse-prevention session"


def test_clinical_notes_never_reach_the_patient_or_an_admin(
    client, clinic, patient, team_clinician
):
    secret = "Discussed family conflict; plan to revisit trauma work next session."
    note_create(patient=patient, author=team_clinician, body=secret)
    person = member(Role.PATIENT, clinic)
    patient.user = person
    patient.save()
    admin = member(Role.ADMIN, clinic)

    client.force_login(team_clinician)
    assert secret in client.get(reverse("patients:notes", args=[patient.pk])).content.decode()
    assert secret in client.get(reverse("patients:journey", args=[patient.pk])).content.decode()

    client.force_login(admin)
    assert client.get(reverse("patients:notes", args=[patient.pk])).status_code == 404
    for name in ["chart", "journey", "care_team", "appointments", "alerts"]:
        page = client.get(reverse(f"patients:{name}", args=[patient.pk])).content.decode()
        assert secret not in page, name
    assert (
        client.post(reverse("patients:notes", args=[patient.pk]), {"body": "x"}).status_code == 404
    )

    client.force_login(person)
    assert secret not in client.get(reverse("patients:patient_home")).content.decode()
    assert client.get(reverse("patients:notes", args=[patient.pk])).status_code == 404


def test_an_empty_note_is_refused(client, patient, team_clinician):
    client.force_login(team_clinician)

    response = client.post(reverse("patients:notes", args=[patient.pk]), {"body": "   "})

    assert response.status_code == 200
    assert not ClinicalNote.objects.exists()


def _alert(patient, source: str = "checkin:1") -> Alert:
    return alert_raise(
        patient=patient,
        kind=AlertKind.HIGH_CRAVING,
        message="Craving 9 of 10.",
        source=source,
        severity=AlertSeverity.HIGH,
    )


def test_an_event_raises_its_alert_once_to_the_primary_clinician(patient, team_clinician):
    first = _alert(patient)
    again = _alert(patient)

    assert first is not None and again is None
    assert Alert.objects.count() == 1
    assert first.owner == team_clinician


def test_acknowledge_then_resolve_with_a_comment(client, patient, team_clinician):
    alert = _alert(patient)
    client.force_login(team_clinician)

    client.post(reverse("patients:alert_acknowledge", args=[patient.pk, alert.pk]))
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == team_clinician

    missing = client.post(
        reverse("patients:alert_resolve", args=[patient.pk, alert.pk]), {"comment": ""}
    )
    alert.refresh_from_db()
    assert missing.status_code == 302 and alert.status == "acknowledged"

    client.post(
        reverse("patients:alert_resolve", args=[patient.pk, alert.pk]),
        {"comment": "Called Jordan; safe, plans to attend group tonight."},
    )
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_comment.startswith("Called Jordan")


def test_resolve_in_place_with_htmx_returns_the_card(client, patient, team_clinician):
    alert = _alert(patient)
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:alert_resolve", args=[patient.pk, alert.pk]),
        {"comment": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="alert-{alert.pk}"' in html and "Say how the alert was resolved" in html
    assert "<html" not in html


def test_admin_and_colleague_cannot_act_on_alerts(client, clinic, patient, colleague):
    alert = _alert(patient)
    for user in (colleague, member(Role.ADMIN, clinic)):
        client.force_login(user)
        url = reverse("patients:alert_acknowledge", args=[patient.pk, alert.pk])
        assert client.post(url).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_high_severity_alert_is_flagged_in_the_chart_header(client, patient, team_clinician):
    _alert(patient)
    client.force_login(team_clinician)

    page = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert "1 high-severity alert is open" in page


def test_journey_is_one_timeline_newest_first(client, patient, team_clinician):
    from coping.models import CheckIn

    today = patient.local_today()
    CheckIn.objects.create(
        patient=patient, local_date=today - timedelta(days=3), mood=6, craving=2, stress=3
    )
    start = datetime.combine(today - timedelta(days=1), datetime.min.time()).replace(
        hour=10, tzinfo=ZoneInfo(patient.time_zone)
    )
    Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind="group",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    client.force_login(team_clinician)

    page = client.get(reverse("patients:journey", args=[patient.pk])).content.decode()

    assert page.index("Group session") < page.index("Daily check-in")


def test_an_appointment_stays_editable_after_an_attendee_leaves_the_team(
    client, clinic, patient, team_clinician
):
    from patients.models import TeamRole
    from patients.services import care_team_add, care_team_end

    prescriber = member(Role.CLINICIAN, clinic)
    seat = care_team_add(
        patient=patient, clinician=prescriber, team_role=TeamRole.PRESCRIBER, actor=team_clinician
    )
    client.force_login(team_clinician)
    client.post(
        reverse("patients:appointment_new", args=[patient.pk]),
        _appointment(patient, staff_attendees=[prescriber.pk]),
    )
    care_team_end(member=seat, actor=team_clinician)

    response = client.post(
        reverse("patients:appointment_edit", args=[patient.pk, Appointment.objects.get().pk]),
        _appointment(patient, status="attended", staff_attendees=[prescriber.pk]),
    )

    assert response.status_code == 302
    assert Appointment.objects.get().status == "attended"


def test_a_care_team_seat_cannot_end_in_the_future(patient, team_clinician):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from patients.services import care_team_end

    seat = patient.care_team.get()
    with pytest.raises(ValidationError):
        care_team_end(
            member=seat, actor=team_clinician, ended_on=timezone.localdate() + timedelta(days=3)
        )
    seat.refresh_from_db()
    assert seat.ended_on is None
