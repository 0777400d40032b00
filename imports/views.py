"""The clinic admin's imports page: upload a CSV or XLSX file of patients or network contacts,
read the preview (what would be created and every error, by row and column), then confirm to
save it all in one transaction. Templates and exports in the same columns. Admins only; anyone
else, and anything of another admin or clinic, answers 404."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from imports.columns import COLUMNS, CONTACTS, PATIENTS, names, required
from imports.exports import FORMATS, export_file, template_file
from imports.forms import UploadForm
from imports.models import ImportKind, PendingImport
from imports.services import ImportRefused, Plan, import_plan, import_save
from imports.tables import FileProblem, read_upload

PREVIEW_ROWS = 50  # rows shown in the preview; all are checked and counted
ERRORS_SHOWN = 1000
# What the preview shows of each row that would be created.
PREVIEW_COLUMNS = {
    PATIENTS: ("mrn", "legal_name", "preferred_name", "date_of_birth", "program", "status"),
    CONTACTS: ("patient_mrn", "name", "relationship", "email", "phone", "preferred_channel"),
}


def _columns_help() -> list[tuple[str, object]]:
    return [(ImportKind(kind).label, COLUMNS[kind]) for kind in (PATIENTS, CONTACTS)]


def _index(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "columns_help": _columns_help(), "kinds": (PATIENTS, CONTACTS)}
    return render(request, "imports/index.html", context, status=status)


@role_required(Role.ADMIN)
def index(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _index(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    kind = form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    try:
        table = read_upload(upload, required(kind), names(kind))
    except FileProblem as problem:
        form.add_error("file", problem.message)
        return _index(request, form, status=400)
    if not table.rows:
        form.add_error("file", _("The file has column names but no rows to import."))
        return _index(request, form, status=400)
    with transaction.atomic():
        # One preview per admin at a time; old ones are swept away.
        PendingImport.objects.stale().delete()
        PendingImport.objects.filter(clinic=request.clinic, uploaded_by=request.user).delete()
        pending = PendingImport.objects.create(
            clinic=request.clinic,
            uploaded_by=request.user,
            kind=kind,
            file_name=(upload.name or "")[:200],
            file_format=table.file_format,
            rows=table.rows,
            created_at=timezone.now(),
        )
    return redirect("imports:preview", import_id=pending.pk)


def _pending(request: HttpRequest, import_id: int) -> PendingImport:
    """The admin's own upload in this clinic, while it lasts; 404 otherwise."""
    rows = PendingImport.objects.live().filter(clinic=request.clinic, uploaded_by=request.user)
    return get_object_or_404(rows, pk=import_id)


def _preview(
    request: HttpRequest, pending: PendingImport, plan: Plan, status: int = 200
) -> HttpResponse:
    shown = PREVIEW_COLUMNS[pending.kind]
    context = {
        "pending": pending,
        "kind_label": ImportKind(pending.kind).label,
        "plan": plan,
        "errors": plan.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(plan.errors) - ERRORS_SHOWN, 0),
        "headers": shown,
        "sample": [
            (number, [(name, _shown(fields.get(name))) for name in shown])
            for number, fields in plan.valid[:PREVIEW_ROWS]
        ],
        "more_rows": max(len(plan.valid) - PREVIEW_ROWS, 0),
    }
    return render(request, "imports/preview.html", context, status=status)


def _shown(value: object) -> str:
    """A cleaned value as the file wrote it (dates ISO, as in the file)."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@role_required(Role.ADMIN)
def preview(request: HttpRequest, import_id: int) -> HttpResponse:
    pending = _pending(request, import_id)
    plan = import_plan(kind=pending.kind, clinic=request.clinic, rows=pending.rows)
    return _preview(request, pending, plan)


@role_required(Role.ADMIN)
@require_POST
def confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    pending = _pending(request, import_id)
    try:
        plan = import_save(
            kind=pending.kind,
            clinic=request.clinic,
            actor=request.user,
            rows=pending.rows,
            file_name=pending.file_name,
            request=request,
        )
    except ImportRefused as refused:
        return _preview(request, pending, refused.plan, status=400)
    pending.delete()
    created = len(plan.valid)
    if pending.kind == PATIENTS:
        text = _("%(count)s patients were imported.") % {"count": created}
    else:
        text = _("%(count)s network contacts were imported.") % {"count": created}
    if plan.new_programs:
        text += " " + _("New programs: %(names)s.") % {"names": ", ".join(plan.new_programs)}
    messages.success(request, text)
    return redirect("imports:index")


@role_required(Role.ADMIN)
@require_POST
def cancel(request: HttpRequest, import_id: int) -> HttpResponse:
    _pending(request, import_id).delete()
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("imports:index")


def _download(data: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.ADMIN)
def template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in COLUMNS or file_format not in FORMATS:
        raise Http404
    data = template_file(kind=kind, file_format=file_format)
    return _download(data, file_format, f"{kind}-template.{file_format}")


@role_required(Role.ADMIN)
def export(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in COLUMNS or file_format not in FORMATS:
        raise Http404
    data = export_file(kind=kind, file_format=file_format, clinic=request.clinic, request=request)
    day = timezone.localdate().isoformat()
    return _download(data, file_format, f"{request.clinic.slug}-{kind}-{day}.{file_format}")
