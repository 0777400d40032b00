"""POST /api/v1/imports/patients/ and /api/v1/imports/contacts/: a CSV or XLSX file (multipart,
field `file`; or CSV text as `content` in a JSON body) checked row by row and, with
`dry_run=false`, saved in one transaction; the same checks and services as the imports page
(imports.services). Clinic admins only: anyone else gets 404, before the body is read.

A file that cannot be read is a 400 naming `file`; rows with problems are a 400 naming each cell
as `rows.<row>.<column>` (the sheet's row number: the column names are row 1), and nothing is
saved. Without errors the answer holds the counts: 200 for a dry run, 201 once saved.
"""

from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, StrictJSONParser, StrictMultiPartParser
from imports.columns import CONTACTS, PATIENTS, names, required
from imports.services import ImportRefused, Plan, import_plan, import_save
from imports.tables import MAX_BYTES, FileProblem, read_upload


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy(
            "A CSV (UTF-8, comma or semicolon) or XLSX file, up to 10 MB and 20,000 rows; "
            "row 1 holds the column names of the template."
        )
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text=gettext_lazy("true (the default): check only; false: save every row or none."),
    )


class ImportTextSerializer(serializers.Serializer):
    content = serializers.CharField(
        trim_whitespace=False,
        max_length=MAX_BYTES,
        help_text=gettext_lazy("The CSV text itself (row 1: the column names), for scripts."),
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text=gettext_lazy("true (the default): check only; false: save every row or none."),
    )


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[PATIENTS, CONTACTS])
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text=gettext_lazy("Rows read from the file."))
    would_create = serializers.IntegerField(help_text=gettext_lazy("Rows a save would create."))
    created = serializers.IntegerField(help_text=gettext_lazy("Rows created (0 in a dry run)."))
    errors = serializers.IntegerField(help_text=gettext_lazy("Always 0: errors answer 400."))
    new_programs = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Programs named in the file that the clinic lacks: created too."),
    )


ROW_ERRORS_EXAMPLE = OpenApiExample(
    "A row with a bad cell",
    status_codes=["400"],
    response_only=True,
    value={
        "detail": "1 row of 3 needs attention; nothing was imported.",
        "rows.3.date_of_birth": ["“23/04/1990” is not a date; write it as YYYY-MM-DD."],
    },
)


def row_errors_body(plan: Plan) -> dict[str, Any]:
    """The one error shape, each cell as `rows.<row>.<column>`."""
    body: dict[str, Any] = {}
    for error in plan.errors:
        key = f"rows.{error.row}.{error.column}" if error.column else f"rows.{error.row}"
        body.setdefault(key, []).append(error.message)
    bad_rows = len({error.row for error in plan.errors})
    detail = ngettext(
        "%(bad)s row of %(rows)s needs attention; nothing was imported.",
        "%(bad)s rows of %(rows)s need attention; nothing was imported.",
        bad_rows,
    ) % {"bad": bad_rows, "rows": plan.total}
    return {"detail": detail, **body}


class ImportView(ApiView):
    kind: ClassVar[str]
    parser_classes = [StrictMultiPartParser, StrictJSONParser]

    def upload(self, request: Request) -> tuple[UploadedFile, bool]:
        """The file and `dry_run`: a multipart upload, or CSV text in a JSON body."""
        if request.content_type.startswith("multipart/"):
            data = self.parse(ImportUploadSerializer, request.data)
            return data["file"], data["dry_run"]
        data = self.parse(ImportTextSerializer, request.data)
        text = SimpleUploadedFile(f"{self.kind}.csv", data["content"].encode("utf-8"))
        return text, data["dry_run"]

    def post(self, request: Request) -> Response:
        membership = self.membership()
        if membership is None or not membership.is_admin:
            raise NotFound  # before the body is read
        upload, dry_run = self.upload(request)
        try:
            table = read_upload(upload, required(self.kind), names(self.kind))
        except FileProblem as problem:
            raise serializers.ValidationError({"file": [problem.message]}) from None
        if not table.rows:
            message = _("The file has column names but no rows to import.")
            raise serializers.ValidationError({"file": [message]})
        clinic = membership.organization
        try:
            if dry_run:
                plan = import_plan(kind=self.kind, clinic=clinic, rows=table.rows)
                if not plan.ok:
                    raise ImportRefused(plan)
            else:
                plan = import_save(
                    kind=self.kind,
                    clinic=clinic,
                    actor=request.user,
                    rows=table.rows,
                    file_name=upload.name or "",
                    request=request,
                )
        except ImportRefused as refused:
            return Response(row_errors_body(refused.plan), status=status.HTTP_400_BAD_REQUEST)
        result = {
            "kind": self.kind,
            "dry_run": dry_run,
            "rows": plan.total,
            "would_create": len(plan.valid),
            "created": 0 if dry_run else len(plan.valid),
            "errors": 0,
            "new_programs": plan.new_programs,
        }
        return Response(result, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


SCHEMA = {
    "request": {
        "multipart/form-data": ImportUploadSerializer,
        "application/json": ImportTextSerializer,
    },
    "responses": {200: ImportResultSerializer, 201: ImportResultSerializer},
    "examples": [ROW_ERRORS_EXAMPLE],
}


class PatientImportView(ImportView):
    """Import patients (columns: the patients template, GET /clinic/imports/template/
    patients.csv). A program the clinic lacks is created."""

    kind = PATIENTS

    @extend_schema(operation_id="imports_patients_create", **SCHEMA)
    def post(self, request: Request) -> Response:
        return super().post(request)


class ContactImportView(ImportView):
    """Import network contacts (columns: the contacts template); each names its patient by
    record number (`patient_mrn`), so import the patients first."""

    kind = CONTACTS

    @extend_schema(operation_id="imports_contacts_create", **SCHEMA)
    def post(self, request: Request) -> Response:
        return super().post(request)
