from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from core.dates import day
from patients.models import PatientStatus
from reports.export import as_csv, rendered
from reports.filters import Filters, ReportFilterForm
from reports.models import small_number_threshold
from reports.registry import REPORTS, Report, available, database_ready
from reports.selectors import clinic_overview, dashboard_tiles


@role_required(Role.ADMIN)
def dashboard(request: HttpRequest) -> HttpResponse:
    context = clinic_overview(clinic=request.clinic)
    context["tiles"] = (
        dashboard_tiles(clinic=request.clinic, data_version=context["data_version"])
        if database_ready()
        else None
    )
    context["reports"] = available()
    return render(request, "reports/dashboard.html", context)


def _report(slug: str) -> Report:
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    return report


def _needs_postgresql(request: HttpRequest, report: Report) -> HttpResponse:
    context = {"report": report, "reports": available()}
    return render(request, "reports/needs_postgresql.html", context, status=503)


def filters_line(filters: Filters) -> str:
    parts = [
        _("From %(start)s to %(end)s") % {"start": day(filters.start), "end": day(filters.end)}
    ]
    if filters.program is not None:
        parts.append(_("program: %(name)s") % {"name": filters.program.name})
    if filters.clinician is not None:
        parts.append(_("clinician: %(name)s") % {"name": filters.clinician.display_name})
    if filters.status:
        parts.append(_("status: %(status)s") % {"status": PatientStatus(filters.status).label})
    return "; ".join(parts)


@role_required(Role.ADMIN)
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    report = _report(slug)
    if not database_ready():
        return _needs_postgresql(request, report)
    # An empty query string is valid: the last 30 days, every program and clinician.
    form = ReportFilterForm(request.GET, clinic=request.clinic)
    context: dict[str, object] = {"report": report, "form": form, "reports": available()}
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400)
    filters = form.filters()
    result = report.build(request.clinic, filters)
    audit_record(
        action=Action.VIEW, request=request, details={"report": slug, "filters": filters.as_dict()}
    )
    context.update(
        result=result,
        tables=[rendered(table, None) for table in result.tables],
        chart=_chart(result),
        threshold=small_number_threshold(request.clinic),
        query=request.GET.urlencode(),
    )
    return render(request, "reports/report.html", context)


def _chart(result: object) -> dict | None:
    chart = result.chart
    if chart is None:
        return None
    return {
        "kind": chart.kind,
        "labels": chart.labels,
        "datasets": chart.datasets,
        "y_label": str(chart.y_label),
        "stacked": chart.stacked,
    }


@role_required(Role.ADMIN)
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    report = _report(slug)
    if not database_ready():
        return _needs_postgresql(request, report)
    form = ReportFilterForm(request.GET, clinic=request.clinic)
    if not form.is_valid():
        return render(
            request,
            "reports/report.html",
            {"report": report, "form": form, "reports": available()},
            status=400,
        )
    filters = form.filters()
    outside = request.GET.get("outside") in ("1", "on", "true")
    threshold = small_number_threshold(request.clinic) if outside else None
    result = report.build(request.clinic, filters)
    audit_record(
        action=Action.EXPORT,
        request=request,
        details={
            "report": slug,
            "filters": filters.as_dict(),
            "format": "csv",
            "shared_outside": outside,
        },
    )
    body = as_csv(str(report.title), filters_line(filters), result, threshold=threshold)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"{slug}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
