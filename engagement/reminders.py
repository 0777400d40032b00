"""The missed-check-in rule: the escalation ladder's first rung, as a planner rule with its
texts (registered at start-up by engagement.rules, order 30; the later rungs are
engagement.ladder's own rule).

No check-in on each of the last N local days (N = clinic.missed_checkin_days) of an active
patient who existed before them: one care-team alert and one gentle note per streak (the streak
is named by the last check-in date). Acts from 9:00 patient-local. Unless the clinic turned the
ladder off, the same transaction opens the streak's Ladder with its nudge step; engagement.ladder
never takes a later rung without this one recorded.
"""

from datetime import time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organization
from coping.models import CheckIn
from engagement import ladder as ladders
from engagement.models import Ladder, LadderStep, Rung
from notifications.models import Channel, Kind
from notifications.planner import Planner, Recipient, Render, local, patient_link, register_rule
from patients.models import Alert, AlertKind, AlertSeverity, CareTeamMember, Patient, PatientStatus
from patients.services import alert_raise
from patients.signals import alerts_raised

MISSED_CHECKINS_FROM = time(9, 0)  # the missed-check-in rule acts from 9:00 patient-local on
MISSED_CHECKINS_ORDER = 30


def missed_checkins(planner: Planner) -> None:
    """Every streak that has begun and is not yet handled: its alert, its note and its ladder."""
    # Only people with no check-in since the latest day any streak can start (today in the
    # most eastern zone less the shortest streak of any clinic): a superset, in SQL.
    shortest = Organization.objects.aggregate(days=Min("missed_checkin_days"))["days"] or 0
    latest_first_missed = (planner.at + timedelta(hours=14)).date() - timedelta(days=shortest)
    recent = CheckIn.objects.filter(patient=OuterRef("pk"), local_date__gte=latest_first_missed)
    patients = (
        Patient.objects.filter(status=PatientStatus.ACTIVE)
        .filter(~Exists(recent))
        .select_related("clinic", "clinic__ladder_policy", "user")
        .annotate(last_checkin=Max("checkins__local_date"))
    )
    streaks: list[tuple[Patient, str, int]] = []
    for patient in patients:
        local_now = local(planner.at, patient.zone)
        if local_now.time() < MISSED_CHECKINS_FROM:
            continue
        today = local_now.date()
        days = patient.clinic.missed_checkin_days
        first_missed = today - timedelta(days=days)
        if patient.created_at.astimezone(patient.zone).date() >= first_missed:
            continue
        last = patient.last_checkin
        if last is not None and last >= first_missed:
            continue  # checked in on one of those days (or later)
        streaks.append((patient, last.isoformat() if last else "never", days))
    if not streaks:
        return
    raised = set(
        Alert.objects.filter(
            patient_id__in={p.pk for p, _s, _d in streaks},
            kind=AlertKind.MISSED_CHECKINS,
            source__in={f"missed:{s}" for _p, s, _d in streaks},
        ).values_list("patient_id", "source")
    )
    opened = ladders.ladders_opened([(p.pk, s) for p, s, _d in streaks])
    to_do = []
    for patient, streak, days in streaks:
        alerted = (patient.pk, f"missed:{streak}") in raised
        climbing = ladders.ladder_enabled(patient.clinic) and (patient.pk, streak) not in opened
        if alerted and not climbing:
            continue  # this streak was handled by an earlier run
        to_do.append((patient, streak, days, alerted, climbing))
    if not to_do:
        return
    try:
        # Every new streak at once (many fall due together at 9:00 in a zone): the ladders,
        # their first steps, the alerts and the notes, in one transaction.
        with transaction.atomic():
            _missed_together(planner, to_do)
    except IntegrityError:  # a concurrent run took some: one streak at a time, as it can
        planner.discard()
        for item in to_do:
            _missed_one(planner, *item)


def _missed_alert(patient: Patient, streak: str, days: int) -> dict:
    return {
        "patient": patient,
        "kind": AlertKind.MISSED_CHECKINS,
        "source": f"missed:{streak}",
        "message": ngettext(
            "No check-in for %(count)d day.", "No check-ins for %(count)d days.", days
        )
        % {"count": days},
    }


def _missed_note(planner: Planner, patient: Patient, streak: str) -> None:
    planner.send(
        Kind.MISSED_CHECKINS,
        f"missed:{patient.pk}:{streak}",
        planner.patient_recipient(patient, Channel.IN_APP),
        planner.at,
        patient,
        _note_text(planner, patient),
    )


def _note_text(planner: Planner, patient: Patient) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        today = local(planner.at, patient.zone).date()
        link = patient_link(patient, reverse("coping:my_checkin"), checkin_day=today)
        return (
            _("We have missed you"),
            _(
                "Hi %(name)s, we have not seen a check-in for a few days. Whenever "
                "you are ready, it takes a minute: %(link)s. If things are hard "
                "right now, your care team is here for you."
            )
            % {"name": patient.first_name, "link": link},
            link,
        )

    return render


def _missed_together(planner: Planner, to_do: list[tuple]) -> None:
    opened = Ladder.objects.bulk_create(
        Ladder(patient=patient, streak=streak, opened_at=planner.at)
        for patient, streak, _days, _alerted, climbing in to_do
        if climbing
    )
    alerted_earlier = {(p.pk, s) for p, s, _d, alerted, _c in to_do if alerted}
    LadderStep.objects.bulk_create(
        LadderStep(
            ladder=ladder,
            rung=Rung.NUDGE,
            taken_at=planner.at,
            note=ladders.NOTE_ALERTED_EARLIER
            if (ladder.patient_id, ladder.streak) in alerted_earlier
            else "",
        )
        for ladder in opened
    )
    new = [(p, s, d) for p, s, d, alerted, _c in to_do if not alerted]
    primary: dict[int, int] = {}
    for patient_id, clinician_id in (
        CareTeamMember.objects.current()
        .filter(patient_id__in=[p.pk for p, _s, _d in new], is_primary=True)
        .order_by("-started_on", "-pk")
        .values_list("patient_id", "clinician_id")
    ):
        primary[patient_id] = clinician_id  # the first seat wins, as alert_raise() does
    alerts = Alert.objects.bulk_create(
        Alert(
            **_missed_alert(patient, streak, days),
            clinic_id=patient.clinic_id,
            severity=AlertSeverity.MEDIUM,
            owner_id=primary.get(patient.pk),
        )
        for patient, streak, days in new
    )
    alerts_raised.send(sender=Alert, alerts=alerts)
    planner.tally.alerts += len(new)
    for patient, streak, _days in new:
        _missed_note(planner, patient, streak)
    planner.flush()


def _missed_one(
    planner: Planner, patient: Patient, streak: str, days: int, alerted: bool, climbing: bool
) -> None:
    with transaction.atomic():
        if climbing:
            # An alert raised before the ladder existed still gets its ladder.
            ladders.ladder_open(patient=patient, streak=streak, at=planner.at, alerted=alerted)
        if alerted:
            return
        alert = alert_raise(**_missed_alert(patient, streak, days))
        if alert is None:
            return  # a concurrent run raised it
        planner.tally.alerts += 1
        _missed_note(planner, patient, streak)
        planner.flush()


def register_missed_checkins() -> None:
    """Wiring (engagement.rules): the ladder's first rung, a planner rule."""
    register_rule(missed_checkins, order=MISSED_CHECKINS_ORDER)
