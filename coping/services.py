"""Writes of the coping app: check-ins, assessments, plan versions, and the alerts they raise.
Each runs in one transaction, writes its audit event, and raises ValidationError with field
names for bad input."""

from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_record
from coping.instruments import INSTRUMENTS, score
from coping.models import (
    HOURS_IN_A_WEEK,
    USE_COST_MAX_PER_WEEK,
    Assessment,
    AssessmentSchedule,
    CheckIn,
    CopingPlan,
    CopingPlanVersion,
    Currency,
    Strategy,
    UseCost,
)
from coping.plan import empty_plan, normalize_plan
from coping.signals import checkin_saved
from patients.models import AlertKind, AlertSeverity, Patient
from patients.services import alert_raise


def _scale(value: object, field: str, errors: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        errors[field] = [_("Choose a whole number from 0 to 10.")]
        return 0
    return value


def _sleep(value: object, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
        if not hours.is_finite():
            raise ValueError(value)
        hours = hours.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["sleep_hours"] = [_("Hours of sleep must be a number.")]
        return None
    if not Decimal(0) <= hours <= Decimal(24):
        errors["sleep_hours"] = [_("Hours of sleep must be between 0 and 24.")]
        return None
    return hours


def plan_strategies(patient: Patient) -> list[dict]:
    """The strategies of the patient's current plan: what a check-in can tick."""
    version = current_version(patient)
    return version.content.get("strategies", []) if version else []


@transaction.atomic
def checkin_submit(
    *,
    patient: Patient,
    actor: User | None,
    mood: int,
    craving: int,
    stress: int,
    sleep_hours: object = None,
    used_since_last: bool = False,
    use_details: str = "",
    strategies_used: list[str] | tuple[str, ...] = (),
    note: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[CheckIn, bool]:
    """Today's check-in, in the patient's own time zone: created, or updated if one exists
    for this local day. Returns (check-in, created)."""
    errors: dict[str, list[str]] = {}
    values = {
        "mood": _scale(mood, "mood", errors),
        "craving": _scale(craving, "craving", errors),
        "stress": _scale(stress, "stress", errors),
        "sleep_hours": _sleep(sleep_hours, errors),
        "used_since_last": bool(used_since_last),
        "use_details": str(use_details or "").strip()[:200] if used_since_last else "",
        "note": str(note or "").strip()[:2000],
    }
    plan = {item["id"]: item["text"] for item in plan_strategies(patient)}
    unknown = [s for s in strategies_used if not isinstance(s, str) or s not in plan]
    if unknown:
        errors["strategies_used"] = [_("Choose strategies from the coping plan.")]
    if errors:
        raise ValidationError(errors)
    values["strategies_used"] = [{"id": s, "text": plan[s]} for s in dict.fromkeys(strategies_used)]
    values["entered_by"] = actor
    # No actor: the person themselves, through a one-action link before they had a sign-in.
    values["on_behalf"] = actor is not None and patient.user_id != actor.pk
    local_date = timezone.localtime(at or timezone.now(), patient.zone).date()

    checkin = (
        CheckIn.objects.select_for_update().filter(patient=patient, local_date=local_date).first()
    )
    created = checkin is None
    if created:
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(patient=patient, local_date=local_date, **values)
        except IntegrityError:  # a second device submitted the same day at the same moment
            checkin = CheckIn.objects.select_for_update().get(
                patient=patient, local_date=local_date
            )
            created = False
    if not created:
        for name, value in values.items():
            setattr(checkin, name, value)
        checkin.save()
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=checkin,
        patient=patient,
    )
    _checkin_alerts(patient, checkin)
    # The apps above hear of it here (engagement: the escalation ladder ends).
    checkin_saved.send(sender=CheckIn, patient=patient, checkin=checkin)
    return checkin, created


@transaction.atomic
def checkin_reminder_time_set(
    *, patient: Patient, at: time, actor: User | None, request: HttpRequest | None = None
) -> Patient:
    """The person chooses when the daily check-in reminder comes (their own time zone)."""
    patient.checkin_reminder_time = at
    patient.save(update_fields=["checkin_reminder_time", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        target=patient,
        patient=patient,
        details={"fields": ["checkin_reminder_time"]},
    )
    return patient


def _checkin_alerts(patient: Patient, checkin: CheckIn) -> None:
    threshold = patient.clinic.craving_alert_threshold
    if checkin.craving >= threshold:
        alert_raise(
            patient=patient,
            kind=AlertKind.HIGH_CRAVING,
            severity=AlertSeverity.MEDIUM,
            message=_("Craving %(n)s of 10 in the check-in of %(day)s.")
            % {"n": checkin.craving, "day": checkin.local_date.isoformat()},
            source=f"checkin:{checkin.pk}:craving",
        )
    if checkin.used_since_last:
        alert_raise(
            patient=patient,
            kind=AlertKind.REPORTED_USE,
            severity=AlertSeverity.MEDIUM,
            message=_("Reported use since the last check-in (%(day)s).")
            % {"day": checkin.local_date.isoformat()},
            source=f"checkin:{checkin.pk}:use",
        )


@transaction.atomic
def assessment_submit(
    *,
    patient: Patient,
    instrument: str,
    answers: list[int],
    actor: User,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Assessment:
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise ValidationError({"instrument": _("Choose one of the instruments.")})
    try:
        result = score(instrument, answers)
    except ValueError as exc:
        raise ValidationError({"answers": [str(exc)]}) from None
    previous = (
        Assessment.objects.filter(patient=patient, instrument=instrument)
        .order_by("-created_at", "-id")
        .first()
    )
    assessment = Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        answers=list(answers),
        total=Decimal(str(result.total)),
        band=result.band,
        flags=sorted(result.flags),
        local_date=timezone.localtime(at or timezone.now(), patient.zone).date(),
        entered_by=actor,
        on_behalf=patient.user_id != actor.pk,
    )
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=assessment,
        patient=patient,
        details={"instrument": instrument},
    )
    _assessment_alerts(patient, assessment, previous)
    return assessment


def _assessment_alerts(
    patient: Patient, assessment: Assessment, previous: Assessment | None
) -> None:
    clinic = patient.clinic
    source = f"assessment:{assessment.pk}"
    if "self_harm" in assessment.flags:
        alert_raise(
            patient=patient,
            kind=AlertKind.SELF_HARM,
            severity=AlertSeverity.HIGH,
            message=_(
                "PHQ-9 item 9 was answered above 0 (thoughts of self-harm). Reach out "
                "today and review the crisis plan."
            ),
            source=source,
        )
    if previous is None:
        return
    change = assessment.total - previous.total
    if assessment.instrument == "brs" and -change >= clinic.brs_drop_alert:
        alert_raise(
            patient=patient,
            kind=AlertKind.RESILIENCE_DROP,
            severity=AlertSeverity.MEDIUM,
            message=_("BRS fell from %(old)s to %(new)s.")
            % {"old": previous.total, "new": assessment.total},
            source=source,
        )
    if assessment.instrument in ("phq9", "gad7") and change >= clinic.score_rise_alert:
        alert_raise(
            patient=patient,
            kind=AlertKind.SCORE_RISE,
            severity=AlertSeverity.MEDIUM,
            message=_("%(name)s rose from %(old)s to %(new)s.")
            % {
                "name": INSTRUMENTS[assessment.instrument].short_name,
                "old": int(previous.total),
                "new": int(assessment.total),
            },
            source=source,
        )


def current_version(patient: Patient) -> CopingPlanVersion | None:
    return (
        CopingPlanVersion.objects.filter(plan__patient=patient)
        .select_related("author")
        .order_by("-number")
        .first()
    )


@transaction.atomic
def plan_save(
    *,
    patient: Patient,
    content: object,
    actor: User,
    change_summary: str = "",
    restored_from: CopingPlanVersion | None = None,
    request: HttpRequest | None = None,
) -> CopingPlanVersion:
    """Save the whole plan as a new version; earlier versions are never changed."""
    clean = normalize_plan(content)
    _check_library(patient, clean)
    plan, _created = CopingPlan.objects.get_or_create(patient=patient)
    plan = CopingPlan.objects.select_for_update().get(pk=plan.pk)  # one number per save
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = CopingPlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        content=clean,
        change_summary=change_summary.strip()[:300],
        author=actor,
        restored_from=restored_from,
    )
    audit_record(
        action=Action.UPDATE if last else Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=version,
        patient=patient,
        details={"version": version.number},
    )
    return version


def _check_library(patient: Patient, content: dict) -> None:
    ids = {item["strategy_id"] for item in content["strategies"] if item.get("strategy_id")}
    if ids:
        known = set(
            Strategy.objects.filter(clinic_id=patient.clinic_id, pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        for item in content["strategies"]:
            if item.get("strategy_id") not in known:
                item["strategy_id"] = None  # never point at another clinic's library


def plan_restore(
    *, patient: Patient, version: CopingPlanVersion, actor: User, request: HttpRequest | None = None
) -> CopingPlanVersion:
    if version.plan.patient_id != patient.pk:
        raise ValidationError({"version": _("This version belongs to another plan.")})
    return plan_save(
        patient=patient,
        content=version.content,
        actor=actor,
        restored_from=version,
        change_summary=_("Restored version %(n)s") % {"n": version.number},
        request=request,
    )


def plan_content_or_empty(patient: Patient) -> dict:
    version = current_version(patient)
    if version is not None:
        return version.content
    return empty_plan(patient.clinic.local_emergency_number)


@transaction.atomic
def assessment_schedule_set(
    *,
    patient: Patient,
    instrument: str,
    interval_days: int,
    is_active: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> AssessmentSchedule:
    """How often this patient completes an instrument (the care team decides)."""
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise ValidationError({"instrument": _("Choose one of the instruments.")})
    if (
        isinstance(interval_days, bool)
        or not isinstance(interval_days, int)
        or not (1 <= interval_days <= 365)
    ):
        raise ValidationError({"interval_days": _("Choose every 1 to 365 days.")})
    schedule, _created = AssessmentSchedule.objects.update_or_create(
        patient=patient,
        instrument=instrument,
        defaults={"interval_days": interval_days, "is_active": is_active},
    )
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=schedule,
        patient=patient,
        details={"instrument": instrument, "interval_days": interval_days, "active": is_active},
    )
    return schedule


# --- What use cost (the person's own, for the money and hours regained) ----------------------


def _weekly(value: object, field: str, most: int, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = [_("Enter a number, such as 40.")]
        return None
    if not number.is_finite() or not 0 <= number <= most:
        errors[field] = [_("Enter a number from 0 to %(most)s.") % {"most": f"{most:,}"}]
        return None
    return number


@transaction.atomic
def use_cost_set(
    *,
    patient: Patient,
    actor: User | None,
    amount_per_week: object = None,
    hours_per_week: object = None,
    currency: str = Currency.USD,
    request: HttpRequest | None = None,
) -> UseCost:
    """Save what use cost the person each week (money, hours or both). The audit event names
    the fields, never the figures."""
    errors: dict[str, list[str]] = {}
    amount = _weekly(amount_per_week, "amount_per_week", USE_COST_MAX_PER_WEEK, errors)
    hours = _weekly(hours_per_week, "hours_per_week", HOURS_IN_A_WEEK, errors)
    if currency not in Currency.values:
        errors["currency"] = [_("Choose a currency from the list.")]
    if not errors and amount is None and hours is None:
        errors["amount_per_week"] = [_("Enter money, hours or both; or clear what you entered.")]
    if errors:
        raise ValidationError(errors)
    amount = amount.quantize(Decimal("0.01")) if amount is not None else None
    hours = hours.quantize(Decimal("0.1")) if hours is not None else None
    use_cost, created = UseCost.objects.update_or_create(
        patient=patient,
        defaults={"amount_per_week": amount, "hours_per_week": hours, "currency": currency},
    )
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=use_cost,
        patient=patient,
        details={"fields": ["amount_per_week", "hours_per_week", "currency"]},
    )
    return use_cost


@transaction.atomic
def use_cost_clear(
    *, patient: Patient, actor: User | None, request: HttpRequest | None = None
) -> bool:
    """Forget what use cost; returns whether there was anything to forget."""
    use_cost = UseCost.objects.filter(patient=patient).first()
    if use_cost is None:
        return False
    audit_record(
        action=Action.DELETE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=use_cost,
        patient=patient,
    )
    use_cost.delete()
    return True
