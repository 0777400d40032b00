"""The reports a clinic admin can run, by slug, and the shape every report returns.

A report is a function `(clinic, filters) -> Result`. It computes its figures in the database
with a fixed number of queries, whatever the number of patients or rows; the page, the CSV and
the API all render the same Result.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from accounts.models import Organization

# The contract: these slugs name the report pages, their CSV and the API, in this order.
SLUGS = (
    "caseload",
    "census",
    "adherence",
    "trends",
    "outcomes",
    "milestones",
    "network",
    "delivery",
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # "text", "date", "count" (a number of patients or rows), "number" (a mean) or "percent".
    kind: str = "count"
    # The column holding how many patients a cell stands for; a cell standing for fewer
    # patients than the clinic's threshold is suppressed in exports shared outside the clinic.
    patients: str | None = None


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    # Names people (a list of patients): never part of an export shared outside the clinic.
    identifies: bool = False
    empty_text: str | Promise = ""


@dataclass
class Chart:
    kind: str  # "bar" or "line"
    labels: list[str]
    datasets: list[dict[str, Any]]  # {"label": ..., "data": [...]}
    y_label: str | Promise = ""
    stacked: bool = False


@dataclass
class Result:
    tables: list[Table]
    chart: Chart | None = None
    notes: list[str | Promise] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    summary: str | Promise
    build: Callable[[Organization, Any], Result]


REPORTS: dict[str, Report] = {}


def register(report: Report) -> None:
    if report.slug not in SLUGS:
        raise ValueError(f"Unknown report slug {report.slug!r}")
    REPORTS[report.slug] = report


def database_ready() -> bool:
    """The reports aggregate with PostgreSQL's SQL (time zones, window functions, grouping
    sets). On SQLite (a laptop without PostgreSQL) the pages say so instead of failing."""
    from django.db import connection

    return connection.vendor == "postgresql"


def available() -> list[Report]:
    """The finished reports, in the contract's order."""
    return [REPORTS[slug] for slug in SLUGS if slug in REPORTS]
