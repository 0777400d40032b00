"""Reminder delivery: the clinic's messages by kind, channel and status, with the reasons."""

import csv
import io
import random
from datetime import date, datetime
from itertools import count

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, Role
from notifications.models import Channel, Kind, Notification, Status
from patients.models import Patient, Program, Setback
from recovery_hub.demo import seed_demo
from reports.definitions import delivery, milestones
from reports.demo_activity import seed_activity
from reports.filters import Filters, default_filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import NEW_YORK, bulk_patients, moment, queries_of

pytestmark = pytest.mark.django_db

RANGE = Filters(start=date(2025, 3, 1), end=date(2025, 3, 16))
now = time_machine.travel(moment(date(2025, 3, 20)), tick=False)
occurrences = count()


def message(
    clinic: Organization,
    kind: str,
    channel: str,
    status: str,
    *,
    patient: Patient | None = None,
    due: datetime | None = None,
    reason: str = "",
    last_error: str = "",
) -> Notification:
    return Notification.objects.create(
        clinic=clinic,
        patient=patient,
        kind=kind,
        channel=channel,
        status=status,
        occurrence=f"test-{next(occurrences)}",
        recipient_key="user:1",
        body="Hello",
        due_at=due or moment(date(2025, 3, 10)),
        reason=reason,
        last_error=last_error,
    )


@pytest.fixture
def known(clinic, other_clinic) -> Program:
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    person = PatientFactory(clinic=clinic, program=outpatient)
    PatientFactory(clinic=clinic, program=outpatient)  # nothing sent about them
    reminder, digest = Kind.CHECKIN_REMINDER, Kind.DIGEST
    message(clinic, reminder, Channel.EMAIL, Status.SENT, patient=person)
    message(clinic, reminder, Channel.EMAIL, Status.SENT, patient=person)
    message(
        clinic,
        reminder,
        Channel.EMAIL,
        Status.SKIPPED,
        patient=person,
        reason="The patient was discharged.",
    )
    message(
        clinic,
        reminder,
        Channel.SMS,
        Status.FAILED,
        patient=person,
        last_error="Provider said: number unreachable",
    )
    for _ in range(2):
        message(
            clinic,
            digest,
            Channel.EMAIL,
            Status.SKIPPED,
            patient=person,
            reason="No consent in force for this any more.",
        )
    # No patient; due 23:30 on the range's last day in New York (already 17 March in UTC).
    message(
        clinic,
        Kind.MONTHLY_SUMMARY,
        Channel.EMAIL,
        Status.PENDING,
        due=datetime(2025, 3, 16, 23, 30, tzinfo=NEW_YORK),
    )
    # Outside the range (the clinic's days) or the clinic: not counted.
    message(
        clinic,
        reminder,
        Channel.EMAIL,
        Status.SENT,
        patient=person,
        due=datetime(2025, 2, 28, 23, 30, tzinfo=NEW_YORK),
    )
    message(
        clinic,
        reminder,
        Channel.EMAIL,
        Status.SENT,
        patient=person,
        due=datetime(2025, 3, 17, 0, 30, tzinfo=NEW_YORK),
    )
    message(
        other_clinic,
        reminder,
        Channel.EMAIL,
        Status.FAILED,
        patient=PatientFactory(clinic=other_clinic),
        last_error="Elsewhere",
    )
    return outpatient


def figures(kind: str, channel: str, **counts: int) -> dict:
    row = {
        "kind": kind,
        "channel": channel,
        "sent": 0,
        "pending": 0,
        "sending": 0,
        "skipped": 0,
        "failed": 0,
    }
    row.update(counts)
    row["total"] = sum(counts.values())
    return row


@now
def test_messages_by_kind_channel_and_status_match_the_hand_count(clinic, known):
    table = delivery(clinic, RANGE).table("delivery")
    assert table.rows == [
        figures("Daily check-in reminder", "Email", sent=2, skipped=1),
        figures("Daily check-in reminder", "Text message", failed=1),
        figures("Weekly digest for supporters", "Email", skipped=2),
        figures("Monthly clinic summary", "Email", pending=1),
    ]
    assert {k: v for k, v in table.totals.items() if k not in ("kind", "channel")} == {
        "sent": 2,
        "pending": 1,
        "sending": 0,
        "skipped": 3,
        "failed": 1,
        "total": 7,
    }


@now
def test_skip_and_failure_reasons_are_counted(clinic, known):
    assert delivery(clinic, RANGE).table("reasons").rows == [
        {"status": "Failed", "reason": "Provider said: number unreachable", "messages": 1},
        {"status": "Skipped", "reason": "No consent in force for this any more.", "messages": 2},
        {"status": "Skipped", "reason": "The patient was discharged.", "messages": 1},
    ]


@now
def test_a_program_filter_keeps_only_messages_about_its_patients(clinic, known):
    result = delivery(clinic, Filters(start=RANGE.start, end=RANGE.end, program=known))
    assert result.table("delivery").totals["total"] == 6  # not the monthly summary
    empty = ProgramFactory(clinic=clinic, name="Residential")
    result = delivery(clinic, Filters(start=RANGE.start, end=RANGE.end, program=empty))
    assert result.table("delivery").rows == []
    assert result.table("reasons").rows == []


@now
def test_the_page_csv_and_api_show_the_same_figures(admin_signed_in, known):
    query = {"from": "2025-03-01", "to": "2025-03-16"}
    page = admin_signed_in.get(reverse("reports:report", args=["delivery"]), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>2</td><td>0</td><td>0</td><td>1</td><td>0</td><td>3</td>" in html
    assert "Provider said: number unreachable" in html
    response = admin_signed_in.get(reverse("reports:report_csv", args=["delivery"]), query)
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Daily check-in reminder", "Email", "2", "0", "0", "1", "0", "3"] in lines
    assert ["Weekly digest for supporters", "Email", "0", "0", "0", "2", "0", "2"] in lines
    assert ["Skipped", "No consent in force for this any more.", "2"] in lines
    data = admin_signed_in.get(reverse("api:report", args=["delivery"]), query).json()
    assert data["tables"][0]["totals"]["total"] == 7


@now
def test_an_export_shared_outside_leaves_out_the_providers_errors(admin_signed_in, known):
    query = {"from": "2025-03-01", "to": "2025-03-16", "outside": "1"}
    response = admin_signed_in.get(reverse("reports:report_csv", args=["delivery"]), query)
    text = response.content.decode()
    assert "number unreachable" not in text
    # Rows are messages, not patients: nothing to suppress.
    assert "Daily check-in reminder,Email,2,0,0,1,0,3" in text


@now
def test_the_query_count_does_not_grow_with_the_messages(clinic):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)

    def messages_about(patients: list[Patient]) -> None:
        Notification.objects.bulk_create(
            Notification(
                clinic=clinic,
                patient=p,
                kind=Kind.CHECKIN_REMINDER,
                channel=channel,
                status=status,
                occurrence=f"bulk-{p.pk}",
                recipient_key=f"patient:{p.pk}",
                body="Hello",
                due_at=moment(date(2025, 3, 10)),
                reason="Opted out" if status == Status.SKIPPED else "",
            )
            for p in patients
            for channel, status in ((Channel.EMAIL, Status.SENT), (Channel.SMS, Status.SKIPPED))
        )

    messages_about(bulk_patients(clinic, 10, program=program, clinician=clinician, today=RANGE.end))
    small = queries_of(lambda: delivery(clinic, RANGE))
    messages_about(
        bulk_patients(clinic, 490, program=program, clinician=clinician, today=RANGE.end)
    )
    assert small == queries_of(lambda: delivery(clinic, RANGE))
    result = delivery(clinic, RANGE)
    assert result.table("delivery").totals["total"] == 1000
    assert result.table("reasons").rows == [
        {"status": "Skipped", "reason": "Opted out", "messages": 500}
    ]


def test_bad_filters_get_a_clear_message_not_a_500(admin_signed_in):
    response = admin_signed_in.get(
        reverse("reports:report", args=["delivery"]), {"from": "2025-13-01", "program": "x"}
    )
    assert response.status_code in (200, 400)
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()
    api = admin_signed_in.get(reverse("api:report", args=["delivery"]), {"to": "nope"})
    assert api.status_code == 400
    assert "to" in api.json()


def test_the_demo_seed_gives_both_reports_something_to_show():
    """The demo's people (no one added) have a lapse they came back from and a month of
    messages sent, skipped and failed; running the step again adds nothing."""
    demos = seed_demo(patients=3)
    assert Patient.objects.count() == 3
    rows_before = Notification.objects.count(), Setback.objects.count()
    seed_activity(demos, random.Random(1), timezone.localdate())
    assert rows_before == (Notification.objects.count(), Setback.objects.count())
    assert Patient.objects.count() == 3
    clinic = demos[0].clinic
    filters = default_filters(clinic)
    setbacks = milestones(clinic, filters).table("setbacks").totals
    assert setbacks["setbacks"] >= 1 and setbacks["reengaged"] >= 1
    sent = delivery(clinic, filters).table("delivery").totals
    assert sent["sent"] > 0 and sent["skipped"] >= 2 and sent["failed"] >= 3
    assert sent["pending"] == sent["sending"] == 0  # nothing for a live worker to send
    reasons = delivery(clinic, filters).table("reasons").rows
    assert {row["status"] for row in reasons} == {"Failed", "Skipped"}
    assert all(row["reason"] != "No reason recorded" for row in reasons)
