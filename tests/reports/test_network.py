"""Network size and engagement per program, and outcomes beside the network."""

import csv
import io
import random
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from coping.models import Assessment
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpStatus,
    HelpTask,
    Invitation,
    ReachOut,
    Relationship,
    SignatureMethod,
    SupportContact,
)
from patients.models import PatientStatus
from recovery_hub.demo import seed_demo
from reports.definitions import network, outcomes
from reports.demo_network import seed_network_reports
from reports.filters import Filters, default_filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, checkin, moment, queries_of

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)
SINCE30 = TODAY - timedelta(days=29)  # 19 February


def contact(patient, name: str, status: str = ContactStatus.ACTIVE) -> SupportContact:
    return SupportContact.objects.create(
        patient=patient, name=name, relationship=Relationship.FRIEND, status=status
    )


def invite(supporter: SupportContact, sent: date, accepted: date | None = None) -> Invitation:
    with time_machine.travel(moment(sent), tick=False):
        return Invitation.objects.create(
            contact=supporter,
            email=f"{supporter.pk}@example.org",
            nonce=f"n{supporter.pk}{sent}",
            expires_at=moment(sent + timedelta(days=7)),
            accepted_at=moment(accepted) if accepted else None,
        )


def consent(supporter: SupportContact, recorder, **fields: object) -> Consent:
    return Consent.objects.create(
        patient=supporter.patient,
        clinic=supporter.patient.clinic,
        contact=supporter,
        scopes=["milestones"],
        purpose="To support my recovery",
        signed_name="P",
        signature_method=SignatureMethod.PAPER,
        signed_at=moment(date(2025, 1, 3)),
        recorded_by=recorder,
        **fields,
    )


def at(day: date) -> datetime:
    return moment(day)


@pytest.fixture
def known(clinic, other_clinic, clinic_admin):
    """Outpatient: p1 with three active supporters, p2 with one active (and one invited, one
    removed), p3 admitted 15 March with none, p6 discharged with none. Residential: nobody.
    No program: p5 with a paused contact. Another clinic's patient is ignored."""
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    ProgramFactory(clinic=clinic, name="Residential")
    with time_machine.travel(moment(date(2025, 1, 2)), tick=False):
        p1 = PatientFactory(clinic=clinic, program=outpatient)
        p2 = PatientFactory(clinic=clinic, program=outpatient)
        p5 = PatientFactory(clinic=clinic, program=None)
        PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.DISCHARGED)
        stranger = PatientFactory(clinic=other_clinic)
    with time_machine.travel(moment(date(2025, 3, 15)), tick=False):
        PatientFactory(clinic=clinic, program=outpatient)  # p3
    c1, c2, c3 = contact(p1, "C1"), contact(p1, "C2"), contact(p1, "C3")
    c4 = contact(p2, "C4")
    c5 = contact(p2, "C5", ContactStatus.INVITED)
    contact(p2, "C6", ContactStatus.REMOVED)
    c7 = contact(p5, "C7", ContactStatus.PAUSED)
    outsider = contact(stranger, "Outsider")

    invite(c1, date(2025, 3, 1), accepted=date(2025, 3, 2))
    invite(c2, date(2025, 1, 10), accepted=date(2025, 1, 11))  # before the range
    invite(c3, date(2025, 3, 5))
    invite(c5, date(2025, 3, 6))
    invite(outsider, date(2025, 3, 6), accepted=date(2025, 3, 7))

    consent(c1, clinic_admin)  # in force, no end date
    consent(c2, clinic_admin, expires_on=date(2025, 4, 10))  # in force, ends within 30 days
    consent(c3, clinic_admin, revoked_at=at(date(2025, 3, 1)))
    newer = consent(c4, clinic_admin, expires_on=date(2025, 5, 30))  # in force
    consent(c4, clinic_admin, superseded_by=newer, superseded_at=at(date(2025, 2, 1)))
    consent(c4, clinic_admin, expires_on=date(2025, 3, 1))  # expired
    consent(c7, clinic_admin)  # the contact is paused
    consent(outsider, clinic_admin)

    with time_machine.travel(moment(date(2025, 1, 5)), tick=False):
        old = HelpTask.objects.create(patient=p1, kind="ride", title="Ride")
    old.status, old.claimed_by, old.claimed_at = HelpStatus.CLAIMED, c1, at(date(2025, 3, 3))
    old.save()
    with time_machine.travel(moment(date(2025, 3, 4)), tick=False):
        HelpTask.objects.create(
            patient=p1,
            kind="meal",
            title="Meal",
            status=HelpStatus.DONE,
            claimed_by=c2,
            claimed_at=at(date(2025, 3, 4)),
            done_at=at(date(2025, 3, 8)),
        )
        HelpTask.objects.create(patient=p1, kind="call", title="Call")
        HelpTask.objects.create(patient=stranger, kind="call", title="Call")

    ReachOut.objects.create(contact=c1, patient=p1, channel="call", happened_on=date(2025, 3, 10))
    ReachOut.objects.create(contact=c4, patient=p2, channel="visit", happened_on=date(2025, 3, 11))
    ReachOut.objects.create(contact=c1, patient=p1, channel="call", happened_on=date(2025, 2, 1))
    with time_machine.travel(moment(date(2025, 3, 12)), tick=False):
        Encouragement.objects.create(patient=p1, contact=c2, message="Proud of you")
        Encouragement.objects.create(patient=p5, contact=c7, message="Thinking of you")
        Encouragement.objects.create(patient=stranger, contact=outsider, message="Hi")

    for offset in range(30):
        checkin(p1, TODAY - timedelta(days=offset))
        checkin(p5, TODAY - timedelta(days=offset))
    for offset in range(10):
        checkin(p2, TODAY - timedelta(days=offset))
    for day, total, band in (
        (date(2025, 2, 25), 16, "moderately_severe"),
        (date(2025, 3, 18), 8, "mild"),
    ):
        Assessment.objects.create(
            patient=p1, instrument="phq9", answers=[], total=total, band=band, local_date=day
        )
    return {"outpatient": outpatient}


ENGAGEMENT = (
    "patients",
    "invited",
    "accepted",
    "active",
    "patients_networked",
    "consents",
    "expiring",
    "tasks_created",
    "tasks_claimed",
    "tasks_done",
    "reach_outs",
    "encouragements",
)


def engagement(row):
    return tuple(row[key] for key in ENGAGEMENT)


@time_machine.travel(moment(TODAY), tick=False)
def test_network_engagement_per_program_matches_the_hand_count(clinic, known):
    result = network(clinic, Filters(start=SINCE30, end=TODAY))
    rows = {row["program"]: row for row in result.table("programs").rows}
    # Outpatient: 4 patients; invited c1, c3, c5 in the range; c1 accepted in it; c1-c4
    # active on 2 patients; consents of c1, c2 and c4's newest (c2's ends 10 April); tasks
    # created Meal, Call; claimed Ride, Meal; done Meal; two reach-outs, one encouragement.
    assert engagement(rows["Outpatient"]) == (4, 3, 1, 4, 2, 3, 1, 2, 2, 1, 2, 1)
    assert engagement(rows["Residential"]) == (0,) * 12
    assert engagement(rows["No program"]) == (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    totals = result.table("programs").totals
    assert engagement(totals) == (5, 3, 1, 4, 2, 3, 1, 2, 2, 1, 2, 2)


@time_machine.travel(moment(TODAY), tick=False)
def test_outcomes_beside_the_network_match_the_hand_count(clinic, known):
    result = network(clinic, Filters(start=SINCE30, end=TODAY))
    groups = {row["group"]: row for row in result.table("outcomes").rows}
    keys = (
        "patients",
        "active",
        "done30",
        "expected30",
        "rate30",
        "cohort",
        "retained",
        "retention",
        "phq9_patients",
        "phq9_change",
    )
    # None: p3 (0 of 6 days), p5 (30 of 30), p6 discharged; joined before: p5, p6; kept: p5.
    assert tuple(groups["No active supporter"][k] for k in keys) == (
        3,
        2,
        30,
        36,
        83.3,
        2,
        1,
        50.0,
        0,
        None,
    )
    assert tuple(groups["One or two active supporters"][k] for k in keys) == (
        1,
        1,
        10,
        30,
        33.3,
        1,
        1,
        100.0,
        0,
        None,
    )
    assert tuple(groups["Three or more active supporters"][k] for k in keys) == (
        1,
        1,
        30,
        30,
        100.0,
        1,
        1,
        100.0,
        1,
        -8.0,
    )


@time_machine.travel(moment(TODAY), tick=False)
def test_the_program_filter(clinic, known):
    result = network(clinic, Filters(start=SINCE30, end=TODAY, program=known["outpatient"]))
    assert [row["program"] for row in result.table("programs").rows] == ["Outpatient"]
    groups = {row["group"]: row["patients"] for row in result.table("outcomes").rows}
    assert groups["No active supporter"] == 2


@time_machine.travel(moment(TODAY), tick=False)
def test_page_csv_and_api_show_the_same_figures(admin_signed_in, clinic, known):
    html = admin_signed_in.get(reverse("reports:report", args=["network"])).content.decode()
    cells = "".join(f"<td>{value}</td>" for value in (4, 3, 1, 4, 2, 3, 1, 2, 2, 1, 2, 1))
    assert f'<th scope="row">Outpatient</th>{cells}' in html
    assert '<th scope="row">No active supporter</th><td>3</td><td>2</td><td>83.3</td>' in html
    body = admin_signed_in.get(reverse("reports:report_csv", args=["network"])).content.decode()
    lines = list(csv.reader(io.StringIO(body)))
    assert ["Outpatient", "4", "3", "1", "4", "2", "3", "1", "2", "2", "1", "2", "1"] in lines
    assert any(line[:6] == ["No active supporter", "3", "2", "83.3", "2", "50.0"] for line in lines)
    api = admin_signed_in.get(reverse("api:report", args=["network"])).json()
    outcomes = next(t for t in api["tables"] if t["key"] == "outcomes")
    assert outcomes["rows"][2]["phq9_change"] == -8.0


@time_machine.travel(moment(TODAY), tick=False)
def test_an_export_for_sharing_outside_suppresses_small_groups(admin_signed_in, clinic, known):
    url = reverse("reports:report_csv", args=["network"])
    lines = list(
        csv.reader(io.StringIO(admin_signed_in.get(url, {"outside": "1"}).content.decode()))
    )
    # Every group stands for fewer than 5 patients (the default threshold).
    assert ["Outpatient"] + ["<5"] * 12 in lines
    assert any(line[:4] == ["No active supporter", "<5", "<5", "<5"] for line in lines)


def test_the_query_count_does_not_grow_with_the_patients(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)

    def add(count: int) -> None:
        patients = bulk_patients(clinic, count, program=program, clinician=clinician, today=TODAY)
        contacts = SupportContact.objects.bulk_create(
            SupportContact(
                patient=p, name="S", relationship=Relationship.FRIEND, status=ContactStatus.ACTIVE
            )
            for p in patients
        )
        ReachOut.objects.bulk_create(
            ReachOut(contact=c, patient=c.patient, channel="call", happened_on=TODAY)
            for c in contacts
        )
        HelpTask.objects.bulk_create(
            HelpTask(patient=p, kind="call", title="Call") for p in patients
        )

    add(10)
    filters = Filters(start=SINCE30, end=TODAY)
    with time_machine.travel(moment(TODAY), tick=False):
        small = queries_of(lambda: network(clinic, filters))
        add(490)
        # Programs, one GROUP BY per engagement figure, one for the network groups.
        with django_assert_num_queries(small):
            result = network(clinic, filters)
    assert result.table("programs").totals["reach_outs"] == 500
    groups = {row["group"]: row["patients"] for row in result.table("outcomes").rows}
    assert groups["One or two active supporters"] == 500


def test_the_demo_gives_every_network_group_and_figure_something_to_show():
    """With the demo's twelve people (one discharged, one alumni), every engagement figure and
    every network group has someone; a re-run adds nothing."""
    demos = seed_demo(clinics=1, patients=12)
    before = (
        Invitation.objects.count(),
        HelpTask.objects.count(),
        Consent.objects.count(),
        Assessment.objects.count(),
    )
    seed_network_reports(demos, random.Random(7), timezone.localdate())
    assert (
        Invitation.objects.count(),
        HelpTask.objects.count(),
        Consent.objects.count(),
        Assessment.objects.count(),
    ) == before
    demo = demos[0].clinic
    result = network(demo, default_filters(demo))
    totals = result.table("programs").totals
    for key in (
        "invited",
        "accepted",
        "active",
        "consents",
        "expiring",
        "tasks_created",
        "tasks_claimed",
        "tasks_done",
        "reach_outs",
        "encouragements",
    ):
        assert totals[key] > 0, key
    groups = {row["group"]: row["patients"] for row in result.table("outcomes").rows}
    assert groups["No active supporter"] >= 1
    assert groups["One or two active supporters"] >= 1
    assert groups["Three or more active supporters"] >= 1
    # Only people whose treatment ended stepped back from their networks.
    quiet = SupportContact.objects.filter(patient__clinic=demo, status=ContactStatus.PAUSED)
    assert set(quiet.values_list("patient__status", flat=True)) <= {
        PatientStatus.DISCHARGED,
        PatientStatus.ALUMNI,
    }
    compared = {
        row["instrument"]: row["patients"]
        for row in outcomes(demo, default_filters(demo)).table("instruments").rows
    }
    assert compared["PHQ-9"] > 0 and compared["GAD-7"] > 0
