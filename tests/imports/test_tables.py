"""Reading an upload: CSV (UTF-8, a byte-order mark, commas or semicolons) or XLSX, and a clear
sentence for every file that cannot be imported, never an exception."""

import io
from datetime import date, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports import tables
from imports.columns import CONTACTS, PATIENTS, names, required
from imports.exports import template_file
from imports.tables import FileProblem, read_upload, unescape, write_csv
from tests.imports.conftest import PATIENT_HEADER, patient_line


def read(data: bytes, name: str = "patients.csv", kind: str = PATIENTS) -> tables.Table:
    return read_upload(SimpleUploadedFile(name, data), required(kind), names(kind))


def problem(data: bytes, name: str = "patients.csv") -> str:
    with pytest.raises(FileProblem) as raised:
        read(data, name)
    return raised.value.message


def test_a_csv_with_a_byte_order_mark_and_crlf_lines_reads_cleanly():
    data = ("\ufeff" + PATIENT_HEADER + "\r\n" + patient_line(1) + "\r\n").encode()

    table = read(data)

    assert table.columns[0] == "mrn" and table.file_format == "csv"
    assert table.rows[0]["mrn"] == "M-00001" and table.row_number(0) == 2


def test_a_semicolon_csv_from_a_european_spreadsheet_reads_the_same():
    data = (PATIENT_HEADER.replace(",", ";") + "\n" + patient_line(1).replace(",", ";")).encode()

    assert read(data).rows[0]["legal_name"] == "Person 1"


def test_headers_are_matched_whatever_their_case_and_spaces():
    data = b"MRN, Legal Name ,Date of birth\nX-1,Jo Doe,1990-01-01\n"

    assert read(data).rows == [
        {"mrn": "X-1", "legal_name": "Jo Doe", "date_of_birth": "1990-01-01"}
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty: it needs a row of column names."),
        (b"\n\n  \n", "The file is empty: it needs a row of column names."),
        (b"mrn,legal_name\nX-1,Jo\n", "A required column is missing: date_of_birth."),
        (
            b"mrn,legal_name,date_of_birth,colour\n",
            "Unknown column: colour. The columns are: " + ", ".join(names(PATIENTS)) + ".",
        ),
        (b"mrn,mrn,legal_name,date_of_birth\n", "The column “mrn” appears twice."),
        (b"\xff\xfe\x00m\x00r\x00n", "This file is not a CSV file in UTF-8 text."),
        (b"mrn,legal_name,date_of_birth\n\x00\x01\x02", "This file is not a CSV file (it holds"),
        (b'mrn,legal_name,date_of_birth\n"X-1,Jo', "This file could not be read as CSV"),
        (b"PK\x03\x04not really a workbook", "This file is not a readable XLSX workbook."),
    ],
    ids=[
        "empty",
        "blank",
        "missing",
        "unknown",
        "twice",
        "utf16",
        "binary",
        "unclosed-quote",
        "fake-xlsx",
    ],
)
def test_a_file_that_cannot_be_imported_says_why(data: bytes, message: str):
    assert problem(data).startswith(message)


def test_an_old_excel_file_is_refused_by_name():
    assert problem(b"\xd0\xcf\x11\xe0 old binary", "patients.xls") == "Upload a .csv or .xlsx file."


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_BYTES", 100)

    assert problem(PATIENT_HEADER.encode() + b"\n" + b"x" * 200) == (
        "The file is larger than 0 MB. Split it into smaller files."
    )


def test_the_size_limit_is_ten_megabytes_and_twenty_thousand_rows():
    assert tables.MAX_BYTES == 10 * 1024 * 1024 and tables.MAX_ROWS == 20_000
    big = SimpleUploadedFile("big.csv", b"x" * (tables.MAX_BYTES + 1))

    with pytest.raises(FileProblem, match="larger than 10 MB"):
        read_upload(big, required(PATIENTS), names(PATIENTS))


def test_a_file_over_the_row_limit_is_refused():
    lines = [PATIENT_HEADER] + [patient_line(n) for n in range(tables.MAX_ROWS + 1)]

    assert problem("\n".join(lines).encode()) == (
        "The file has more than 20,000 rows. Split it into smaller files."
    )


def test_blank_rows_at_the_end_are_dropped_and_extra_cells_kept_for_the_check():
    data = (PATIENT_HEADER + "\n" + patient_line(1) + ",surprise\n,,,\n\n").encode()

    rows = read(data).rows

    assert len(rows) == 1 and rows[0]["__extra__"] == "surprise"


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_file_reads_dates_numbers_and_times_as_the_csv_would():
    data = xlsx(
        [
            ["mrn", "legal_name", "date_of_birth", "checkin_reminder_time", None],
            [1042, "Jo Doe", datetime(1990, 4, 23), time(8, 30)],  # noqa: DTZ001  (a naive cell),
            [1043.0, "Al Roe", date(1985, 1, 2), "19:00"],
        ]
    )

    table = read(data, "whatever-name.bin")

    assert table.file_format == "xlsx"
    assert table.rows == [
        {
            "mrn": "1042",
            "legal_name": "Jo Doe",
            "date_of_birth": "1990-04-23",
            "checkin_reminder_time": "08:30",
        },
        {
            "mrn": "1043",
            "legal_name": "Al Roe",
            "date_of_birth": "1985-01-02",
            "checkin_reminder_time": "19:00",
        },
    ]


@pytest.mark.parametrize("kind", [PATIENTS, CONTACTS])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_each_template_reads_back_as_its_columns_with_no_rows(kind: str, file_format: str):
    table = read(template_file(kind=kind, file_format=file_format), f"t.{file_format}", kind)

    assert table.columns == names(kind) and table.rows == []


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_safely_and_read_back():
    data = write_csv(["name", "phone"], [['=HYPERLINK("x")', "+1 312 555 0101"]])

    text = data.decode("utf-8-sig")

    assert "'=HYPERLINK" in text and ",+1 312 555 0101" in text
    assert unescape('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
