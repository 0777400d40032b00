"""Two reports about what happened in a period: milestones reached and setbacks (with the time
to re-engagement), and the delivery of the clinic's messages. Like reports.definitions, each
computes in the database with a fixed number of queries; Python loops walk groups (programs,
kinds), never patients or rows."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Left, NullIf
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.models import CheckIn
from notifications.models import Channel, Kind, Notification, Status
from patients.models import Setback
from reports.definitions import date_plus_days, programs_of
from reports.filters import Filters, clinic_today, patients_for
from reports.registry import Chart, Column, Report, Result, Table, register

# (key, days after the recovery start, label). The year is the calendar anniversary, as in
# patients/milestones.py: a start on 29 February reaches it on 28 February in a common year.
MILESTONES = (
    ("d30", 30, _("30 days")),
    ("d90", 90, _("90 days")),
    ("d180", 180, _("180 days")),
    ("y1", None, _("1 year")),
)
STATUS_ORDER = [Status.SENT, Status.PENDING, Status.SENDING, Status.SKIPPED, Status.FAILED]


def one_year_after(day: object) -> Func:
    """PostgreSQL's `date + interval '1 year'` keeps the calendar day (29 Feb -> 28 Feb)."""
    return Func(
        day, template="((%(expressions)s) + interval '1 year')::date", output_field=DateField()
    )


def _program_groups(clinic: Organization, filters: Filters) -> list[tuple[int | None, str]]:
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    return groups


# --- milestones --------------------------------------------------------------------------------


def _milestone_counts(clinic: Organization, filters: Filters) -> dict[int | None, dict]:
    """{program id: patients reaching each milestone in the range}: one grouped query. A
    milestone after the clinic's today is not reached yet, whatever the range says."""
    last = min(filters.end, clinic_today(clinic))
    start = F("recovery_start")
    reached = {
        key: date_plus_days(start, Value(days)) if days else one_year_after(start)
        for key, days, _label in MILESTONES
    }
    patients = patients_for(clinic, filters).filter(recovery_start__isnull=False)
    counts = patients.annotate(**{f"_{key}": when for key, when in reached.items()})
    counts = counts.values("program").annotate(
        **{
            key: Count("pk", filter=Q(**{f"_{key}__gte": filters.start, f"_{key}__lte": last}))
            for key in reached
        }
    )
    return {row["program"]: row for row in counts}


def _setback_counts(clinic: Organization, filters: Filters) -> dict[int | None, dict]:
    """{program id: setbacks in the range, the people they happened to, how many re-engaged
    (a check-in on a later day, up to today) and the mean days until then}: one query."""
    next_checkin = (
        CheckIn.objects.filter(patient=OuterRef("patient"), local_date__gt=OuterRef("occurred_on"))
        .order_by()
        .values("patient")
        .annotate(first=Min("local_date"))
        .values("first")
    )
    days_to = Func(
        Subquery(next_checkin, output_field=DateField()),
        F("occurred_on"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    rows = (
        Setback.objects.filter(
            patient__in=patients_for(clinic, filters),
            occurred_on__gte=filters.start,
            occurred_on__lte=filters.end,
        )
        .annotate(days_to=days_to)
        .values("patient__program")
        .annotate(
            setbacks=Count("pk"),
            setback_patients=Count("patient", distinct=True),
            reengaged=Count("days_to"),
            mean_days=Avg("days_to"),
        )
    )
    return {row["patient__program"]: row for row in rows}


def milestones(clinic: Organization, filters: Filters) -> Result:
    """Per program: patients reaching 30, 90, 180 days and a year in recovery in the range
    (from the recovery start date on record), and the setbacks recorded in the range."""
    reached = _milestone_counts(clinic, filters)
    setbacks = _setback_counts(clinic, filters)
    groups = _program_groups(clinic, filters)
    keys = [key for key, _days, _label in MILESTONES]

    rows = []
    for program_id, name in groups:
        found = reached.get(program_id, {})
        row = {"program": name, **{key: found.get(key, 0) for key in keys}}
        row["total"] = sum(row[key] for key in keys)
        rows.append(row)
    totals = {"program": _("All programs"), **{k: sum(r[k] for r in rows) for k in keys}}
    totals["total"] = sum(totals[key] for key in keys)

    setback_rows = []
    for program_id, name in groups:
        found = setbacks.get(program_id, {})
        mean = found.get("mean_days")
        setback_rows.append(
            {
                "program": name,
                "setbacks": found.get("setbacks", 0),
                "patients": found.get("setback_patients", 0),
                "reengaged": found.get("reengaged", 0),
                "mean_days": round(float(mean), 2) if mean is not None else None,
            }
        )
    setback_totals = {
        "program": _("All programs"),
        **{k: sum(r[k] for r in setback_rows) for k in ("setbacks", "patients", "reengaged")},
    }
    # The overall mean weighs each re-engagement once, not each program once.
    weighted = sum(r["mean_days"] * r["reengaged"] for r in setback_rows if r["reengaged"])
    setback_totals["mean_days"] = (
        round(weighted / setback_totals["reengaged"], 2) if setback_totals["reengaged"] else None
    )

    columns = [
        Column("program", _("Program"), "text"),
        *[Column(key, label, patients=key) for key, _days, label in MILESTONES],
        Column("total", _("Milestones reached"), patients="total"),
    ]
    setback_columns = [
        Column("program", _("Program"), "text"),
        Column("setbacks", _("Setbacks recorded"), patients="patients"),
        Column("patients", _("People with a setback"), patients="patients"),
        Column("reengaged", _("Re-engaged (a later check-in)"), patients="reengaged"),
        Column("mean_days", _("Mean days to re-engagement"), "number", patients="reengaged"),
    ]
    chart = Chart(
        "bar",
        [row["program"] for row in rows],
        [
            {"label": str(label), "data": [row[key] for row in rows]}
            for key, _days, label in MILESTONES
        ],
        y_label=_("Patients"),
    )
    return Result(
        tables=[
            Table("milestones", _("Milestones reached, per program"), columns, rows, totals),
            Table(
                "setbacks",
                _("Setbacks and re-engagement, per program"),
                setback_columns,
                setback_rows,
                setback_totals,
            ),
        ],
        chart=chart,
        notes=[
            _(
                "A milestone counts when it falls in the range and not after today, from the "
                "recovery start date on record now (a setback may have moved it)."
            ),
            _(
                "Re-engagement is the first check-in on a day after the setback, up to today; "
                "the mean counts only the people who re-engaged."
            ),
        ],
    )


# --- delivery ----------------------------------------------------------------------------------


def _messages(clinic: Organization, filters: Filters) -> object:
    """The clinic's messages due in the range (the clinic's days). A program, clinician or
    status filter keeps only messages about the patients it selects."""
    zone = ZoneInfo(clinic.time_zone)
    messages = Notification.objects.filter(
        clinic=clinic,
        due_at__gte=datetime.combine(filters.start, datetime.min.time(), zone),
        due_at__lt=datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), zone),
    )
    if filters.program is not None or filters.clinician is not None or filters.status:
        messages = messages.filter(patient__in=patients_for(clinic, filters))
    return messages


def delivery(clinic: Organization, filters: Filters) -> Result:
    """Messages by kind and channel with their status, and why messages were skipped or
    failed: two grouped queries."""
    messages = _messages(clinic, filters)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in messages.values("kind", "channel", "status").annotate(n=Count("pk")):
        counts.setdefault((row["kind"], row["channel"]), {})[row["status"]] = row["n"]

    kind_labels = dict(Kind.choices)
    channel_labels = dict(Channel.choices)
    rows = []
    for (kind, channel), found in sorted(counts.items()):
        row = {
            "kind": str(kind_labels.get(kind, kind)),
            "channel": str(channel_labels.get(channel, channel)),
            **{str(status): found.get(status, 0) for status in STATUS_ORDER},
        }
        row["total"] = sum(found.values())
        rows.append(row)
    totals = {
        "kind": _("All messages"),
        "channel": "",
        **{k: sum(r[k] for r in rows) for k in [*map(str, STATUS_ORDER), "total"]},
    }

    # A skip says why in `reason`; a failure keeps the provider's error in `last_error`.
    why = Coalesce(NullIf(F("reason"), Value("")), Left(NullIf(F("last_error"), Value("")), 200))
    reasons = (
        messages.filter(status__in=[Status.SKIPPED, Status.FAILED])
        .annotate(why=Coalesce(why, Value(str(_("No reason recorded")))))
        .values("status", "why")
        .annotate(n=Count("pk"))
        .order_by("status", "-n", "why")
    )
    status_labels = dict(Status.choices)
    reason_rows = [
        {"status": str(status_labels[r["status"]]), "reason": r["why"], "messages": r["n"]}
        for r in reasons
    ]

    # Rows are messages, not patients: no cell here counts patients.
    columns = [
        Column("kind", _("Kind"), "text"),
        Column("channel", _("Channel"), "text"),
        *[Column(str(status), status.label) for status in STATUS_ORDER],
        Column("total", _("Total")),
    ]
    reason_columns = [
        Column("status", _("Status"), "text"),
        Column("reason", _("Reason"), "text"),
        Column("messages", _("Messages")),
    ]
    chart = Chart(
        "bar",
        [f"{row['kind']} ({row['channel']})" for row in rows],
        [
            {"label": str(status.label), "data": [row[str(status)] for row in rows]}
            for status in STATUS_ORDER
        ],
        y_label=_("Messages"),
        stacked=True,
    )
    return Result(
        tables=[
            Table(
                "delivery",
                _("Messages by kind, channel and status"),
                columns,
                rows,
                totals,
                empty_text=_("No messages were due in this range."),
            ),
            Table(
                "reasons",
                _("Why messages were skipped or failed"),
                reason_columns,
                reason_rows,
                # A provider's error may quote an address: kept inside the clinic.
                identifies=True,
                empty_text=_("Every message due in this range was sent or is still planned."),
            ),
        ],
        chart=chart,
        notes=[
            _(
                "Counts are of messages due in the range, not of patients. A program, "
                "clinician or status filter keeps only messages about those patients."
            )
        ],
    )


def register_activity() -> None:
    """The milestones and delivery reports (idempotent)."""
    register(
        Report(
            "milestones",
            _("Milestones and setbacks"),
            _("Milestones reached in the period; setbacks and the time to re-engagement."),
            milestones,
        )
    )
    register(
        Report(
            "delivery",
            _("Message delivery"),
            _("Messages by kind, channel and status, with the reasons for failures."),
            delivery,
        )
    )
