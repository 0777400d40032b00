"""The `delivery` report: the clinic's messages by kind, channel and status, with the
reasons for failures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    F,
    Value,
)
from django.db.models.functions import Coalesce, Left, NullIf
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from notifications.models import Channel, Kind, Notification, Status
from reports.filters import Filters, patients_for
from reports.registry import Chart, Column, Report, Result, Table

STATUS_ORDER = [Status.SENT, Status.PENDING, Status.SENDING, Status.SKIPPED, Status.FAILED]


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


DELIVERY_REPORT = Report(
    "delivery",
    _("Message delivery"),
    _("Messages by kind, channel and status, with the reasons for failures."),
    delivery,
)
