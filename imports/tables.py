"""Spreadsheets in and out: a CSV or XLSX upload read into rows of text, and rows written back
as CSV or XLSX. Nothing here knows what a patient is; imports.columns says which columns a
kind of import has.

A problem with the file as a whole (empty, too large, not a spreadsheet, wrong headers) is a
`FileProblem` with a sentence for the person; a problem in one cell is found later, by the
import's validation, and named by its row and column.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 10 * 1024 * 1024  # 10 MB
MAX_ROWS = 20_000
# The first data row is row 2 of the sheet: row 1 holds the headers.
FIRST_ROW = 2
XLSX_MAGIC = b"PK\x03\x04"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FileProblem(Exception):
    """The file as a whole cannot be imported; `message` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """An upload's rows: `rows[i]` is sheet row `FIRST_ROW + i`, each {column: text}."""

    columns: tuple[str, ...]
    rows: list[dict[str, str]]
    file_format: str  # "csv" or "xlsx"

    def row_number(self, index: int) -> int:
        return FIRST_ROW + index


def _header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def check_columns(found: Sequence[str], required: Sequence[str], known: Sequence[str]) -> None:
    """Every required column present, none unknown, none twice (else a FileProblem)."""
    if not any(found):
        raise FileProblem(_("The first row must hold the column names; it is empty."))
    seen: set[str] = set()
    for name in found:
        if name and name in seen:
            raise FileProblem(_("The column “%(column)s” appears twice.") % {"column": name})
        seen.add(name)
    unknown = [name for name in found if name and name not in known]
    if unknown:
        raise FileProblem(
            ngettext(
                "Unknown column: %(columns)s. The columns are: %(known)s.",
                "Unknown columns: %(columns)s. The columns are: %(known)s.",
                len(unknown),
            )
            % {"columns": ", ".join(unknown), "known": ", ".join(known)}
        )
    missing = [name for name in required if name not in seen]
    if missing:
        raise FileProblem(
            ngettext(
                "A required column is missing: %(columns)s.",
                "Required columns are missing: %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )


def _too_many_rows() -> FileProblem:
    return FileProblem(
        _("The file has more than %(rows)s rows. Split it into smaller files.")
        % {"rows": f"{MAX_ROWS:,}"}
    )


def _blank(values: Iterable[str]) -> bool:
    return not any(value.strip() for value in values)


def _rows(
    header: list[str], body: Iterable[list[str]], required: Sequence[str], known: Sequence[str]
) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    columns = [_header(name) for name in header]
    # Trailing empty header cells (a spreadsheet's untouched columns) are not columns.
    while columns and not columns[-1]:
        columns.pop()
    check_columns(columns, required, known)
    rows: list[dict[str, str]] = []
    for number, values in enumerate(body, start=FIRST_ROW):
        if number - FIRST_ROW >= MAX_ROWS:
            raise _too_many_rows()
        cells = [value.strip() for value in values]
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns) if name}
        extra = cells[len(columns) :]
        if any(extra):
            row["__extra__"] = " ".join(value for value in extra if value)
        rows.append(row)
    while rows and _blank(rows[-1].values()):  # blank rows at the end of a sheet
        rows.pop()
    return tuple(name for name in columns if name), rows


def read_csv(data: bytes, required: Sequence[str], known: Sequence[str]) -> Table:
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is dropped
    except UnicodeDecodeError:
        raise FileProblem(
            _(
                "This file is not a CSV file in UTF-8 text. In your spreadsheet choose "
                "“Save as”, then “CSV UTF-8”, or upload the .xlsx file itself."
            )
        ) from None
    if "\x00" in text:
        raise FileProblem(_("This file is not a CSV file (it holds binary data)."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to a comma decimal separator write CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise FileProblem(
            _("This file could not be read as CSV (%(reason)s).") % {"reason": exc}
        ) from None
    if not lines or _blank(lines[0]):
        raise FileProblem(_("The file is empty: it needs a row of column names."))
    columns, rows = _rows(lines[0], lines[1:], required, known)
    return Table(columns, rows, "csv")


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates ISO, times HH:MM, whole numbers
    without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_xlsx(data: bytes, required: Sequence[str], known: Sequence[str]) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem(_("This file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("The workbook has no sheet."))
        lines: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            if len(lines) > MAX_ROWS + 1:
                raise _too_many_rows()
            lines.append([_cell_text(value) for value in values])
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(_("This file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
    if not lines or _blank(lines[0]):
        raise FileProblem(_("The file is empty: it needs a row of column names."))
    columns, rows = _rows(lines[0], lines[1:], required, known)
    return Table(columns, rows, "xlsx")


def read_upload(upload: UploadedFile, required: Sequence[str], known: Sequence[str]) -> Table:
    """The rows of an uploaded CSV or XLSX file (told apart by content, not by name)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise FileProblem(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileProblem(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise FileProblem(_("The file is empty: it needs a row of column names."))
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, required, known)
    name = (upload.name or "").lower()
    if name.endswith((".xls", ".xlsm", ".ods", ".numbers", ".pdf", ".docx")):
        raise FileProblem(_("Upload a .csv or .xlsx file."))
    return read_csv(data, required, known)


# --- Writing ----------------------------------------------------------------------------------


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens accents correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[str]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A phone number or a number: starts with + or -, yet no spreadsheet runs it as a formula.
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().-]+$")


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): text that starts with
    =, +, - or @ gets a leading apostrophe, which the import takes off again."""
    if value and value[0] in "=+-@\t\r" and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def unescape(value: str) -> str:
    """The text a cell held before `_safe_cell` protected it."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value
