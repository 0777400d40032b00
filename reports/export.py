"""Formatting a report's cells for the page and the CSV, and the small-numbers rule."""

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from core.dates import day
from reports.registry import Column, Result, Table


def suppressed(value: Any, column: Column, row: dict[str, Any], threshold: int) -> bool:
    """A cell standing for at least one but fewer than `threshold` patients."""
    if column.patients is None:
        return False
    patients = row.get(column.patients)
    return isinstance(patients, int) and 0 < patients < threshold


def cell(value: Any, column: Column, row: dict[str, Any], threshold: int | None) -> str:
    """The text of one cell; `threshold` set means an export shared outside the clinic."""
    if threshold is not None and suppressed(value, column, row, threshold):
        return f"<{threshold}"
    if value is None:
        return "" if column.kind == "text" else "–"
    if column.kind == "date" and hasattr(value, "isoformat"):
        return day(value)  # the one date style, in the reader's language
    if column.kind in ("percent", "number") and isinstance(value, float):
        return f"{value:.1f}" if column.kind == "percent" else f"{value:.2f}"
    return str(value)


def shown_tables(result: Result, *, outside: bool) -> list[Table]:
    """What an export includes: never a list naming patients when shared outside the clinic."""
    return [table for table in result.tables if not (outside and table.identifies)]


def rendered(table: Table, threshold: int | None) -> dict[str, Any]:
    """A table as text cells: the page and the CSV show exactly these."""
    return {
        "key": table.key,
        "title": str(table.title),
        "headers": [str(column.label) for column in table.columns],
        "rows": [
            [cell(row.get(c.key), c, row, threshold) for c in table.columns] for row in table.rows
        ],
        "totals": (
            [cell(table.totals.get(c.key), c, table.totals, threshold) for c in table.columns]
            if table.totals is not None
            else None
        ),
        "empty_text": str(table.empty_text),
        "identifies": table.identifies,
    }


def _safe(text: str) -> str:
    # A text cell starting with = + - @ would run as a formula in a spreadsheet.
    try:
        float(text)
    except ValueError:
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text
    return text


def as_csv(title: str, filters_line: str, result: Result, *, threshold: int | None) -> str:
    """One CSV: a title, the filters, then each table with its header and totals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(title)])
    writer.writerow([_safe(filters_line)])
    if threshold is not None:
        writer.writerow(
            [_("Counts of fewer than %(n)s patients are shown as <%(n)s.") % {"n": threshold}]
        )
    for table in shown_tables(result, outside=threshold is not None):
        data = rendered(table, threshold)
        writer.writerow([])
        writer.writerow([_safe(data["title"])])
        writer.writerow(data["headers"])
        for row in data["rows"]:
            writer.writerow([_safe(value) for value in row])
        if data["totals"] is not None:
            writer.writerow([_safe(value) for value in data["totals"]])
    return out.getvalue()
