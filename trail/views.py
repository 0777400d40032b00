"""The audit trail for clinic admins, and "who saw my information" for the person in recovery.

Admin pages answer 404 to every other role and to another clinic's admin; the person's page
shows only their own record. Reading the trail, exporting it and reading an access report are
themselves audited.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from audit.targets import TargetIndex
from patients.access import patient_for_staff
from patients.models import Patient
from patients.selectors import patient_record_for
from trail.forms import AccessPeriodForm, AuditFilterForm
from trail.selectors import (
    access_report,
    access_rows,
    details_text,
    events_of_clinic,
    filter_events,
    object_label,
    role_label,
)

TRAIL_PAGE_SIZE = 50
EXPORT_CHUNK = 2000
# A spreadsheet runs a cell that starts with one of these as a formula: neutralise it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_response(filename: str, header: list[str], rows: Iterable[list[object]]) -> HttpResponse:
    """A streamed CSV download: rows are written as the database hands them over."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


# --- The clinic's audit trail -----------------------------------------------------------------


def who_text(event: AuditEvent, targets: TargetIndex) -> str:
    """Who acted, by name: a staff member or person signed in, an invitee or a supporter who
    came through a link without signing in, an address a failed sign-in tried, else the system
    (reminders, scheduled jobs)."""
    if event.actor_id is not None:
        return event.actor.full_name or event.actor.email
    anonymous = targets.anonymous_actor(event)
    if anonymous:
        return anonymous
    attempted = (event.details or {}).get("email") if isinstance(event.details, dict) else ""
    if attempted:
        return _("Unknown (tried %(email)s)") % {"email": attempted}
    return _("The system")


def trail_row(event: AuditEvent, zone: ZoneInfo, targets: TargetIndex) -> list[object]:
    """One event as the CSV shows it: the page's columns, the stored ids, and the record in
    words last."""
    return [
        _local(event.occurred_at, zone),
        who_text(event, targets),
        event.actor.email if event.actor_id else "",
        role_label(event.actor_role) if event.actor_id else "",
        event.get_action_display(),
        event.patient.display_name if event.patient_id else "",
        event.patient.mrn if event.patient_id else "",
        object_label(event.object_type),
        event.object_id,
        details_text(event.details),
        event.ip_address or "",
        targets.label(event),
    ]


def trail_header() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("Email"),
        _("Role"),
        _("Action"),
        _("Patient"),
        _("MRN"),
        _("Object"),
        _("Object id"),
        _("Details"),
        _("From"),
        _("Record"),
    ]


def trail_rows(events: QuerySet[AuditEvent], zone: ZoneInfo) -> Iterator[list[object]]:
    """The export's rows, streamed: each chunk's targets are named with one query per kind."""
    chunk: list[AuditEvent] = []

    def named(events: list[AuditEvent]) -> Iterator[list[object]]:
        with timezone.override(zone):
            targets = TargetIndex.for_events(events)
            rows = [trail_row(event, zone, targets) for event in events]
        yield from rows

    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(event)
        if len(chunk) == EXPORT_CHUNK:
            yield from named(chunk)
            chunk = []
    yield from named(chunk)


def _trail_page(request: HttpRequest, form: AuditFilterForm, status: int = 200) -> HttpResponse:
    zone = ZoneInfo(request.clinic.time_zone)
    filters = form.filters()
    # Recorded first: an event written between the page's count and its rows would shift it.
    audit_record(
        action=Action.VIEW, request=request, details={"page": "audit_trail", **filters.as_details()}
    )
    events = filter_events(events_of_clinic(request.clinic), filters, zone)
    page = Paginator(events, TRAIL_PAGE_SIZE).get_page(request.GET.get("page"))
    events_here = list(page.object_list)
    with timezone.override(zone):
        targets = TargetIndex.for_events(events_here)
        rows = [
            (
                event,
                who_text(event, targets),
                role_label(event.actor_role) if event.actor_id else "",
                details_text(event.details),
                targets.label(event),
            )
            for event in events_here
        ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "export_refused": status == 400,
        "filtered": bool(request.GET),
    }
    return render(request, "audit/trail.html", context, status=status)


@role_required(Role.ADMIN)
def trail(request: HttpRequest) -> HttpResponse:
    return _trail_page(request, AuditFilterForm(request.GET or None))


@role_required(Role.ADMIN)
def trail_csv(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        # An export of something other than what was asked for is worse than none.
        return _trail_page(request, form, status=400)
    zone = ZoneInfo(request.clinic.time_zone)
    filters = form.filters()
    with transaction.atomic():
        audit_record(
            action=Action.EXPORT,
            request=request,
            details={"export": "audit_trail", **filters.as_details()},
        )
    events = filter_events(events_of_clinic(request.clinic), filters, zone)
    rows = trail_rows(events, zone)
    stamp = timezone.now().astimezone(zone).strftime("%Y-%m-%d")
    return csv_response(f"audit-trail-{request.clinic.slug}-{stamp}.csv", trail_header(), rows)


# --- Who saw my information -------------------------------------------------------------------


def _access_context(request: HttpRequest, patient: Patient) -> dict[str, object]:
    form = AccessPeriodForm(request.GET or None, initial={"period": AccessPeriodForm.DEFAULT})
    groups = access_report(patient, form.since())
    return {"form": form, "groups": groups, "patient": patient}


@role_required(Role.PATIENT)
def who_saw_me(request: HttpRequest) -> HttpResponse:
    patient = patient_record_for(user=request.user, clinic=request.clinic)
    if patient is None:
        raise Http404
    context = _access_context(request, patient)
    audit_record(
        action=Action.VIEW,
        request=request,
        target=patient,
        patient=patient,
        details={"page": "who_saw_my_information"},
    )
    return render(request, "audit/who_saw_me.html", context)


@role_required(Role.ADMIN)
def access_report_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_staff(request.membership, patient_id)
    context = _access_context(request, patient)
    audit_record(
        action=Action.VIEW,
        request=request,
        target=patient,
        patient=patient,
        details={"page": "access_report"},
    )
    return render(request, "audit/access_report.html", context)


@role_required(Role.ADMIN)
def access_report_csv(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_staff(request.membership, patient_id)
    form = AccessPeriodForm(request.GET or None)
    period = form.cleaned_data.get("period") if form.is_valid() else ""
    with transaction.atomic():
        audit_record(
            action=Action.EXPORT,
            request=request,
            target=patient,
            patient=patient,
            details={"export": "access_report", "period": period or "90"},
        )
    zone = ZoneInfo(request.clinic.time_zone)
    groups = access_report(patient, form.since())
    rows = (
        [group.name, group.role, _local(entry.at, zone), entry.what, entry.detail]
        for group, entry in access_rows(groups)
    )
    header = [_("Person"), _("Role"), _("When"), _("What"), _("Details")]
    return csv_response(f"access-report-{patient.pk}.csv", header, rows)
