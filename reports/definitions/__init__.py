"""The reports, one module per report. Each computes in the database with a fixed number of
queries: the Python loops walk groups (programs, clinicians, weeks, months, kinds, instruments),
never patients or rows. A module defines the report's function and its `Report` (slug, title,
description); `register_all` registers them in the contract's order. The report functions are
importable from here (`from reports.definitions import census`), where each function's name
stands for it rather than for its module."""

from reports.definitions.adherence import ADHERENCE_REPORT, adherence
from reports.definitions.caseload import CASELOAD_REPORT, caseload
from reports.definitions.census import CENSUS_REPORT, census
from reports.definitions.delivery import DELIVERY_REPORT, delivery
from reports.definitions.milestones import MILESTONES_REPORT, milestones
from reports.definitions.network import NETWORK_REPORT, network
from reports.definitions.outcomes import OUTCOMES_REPORT, outcomes
from reports.definitions.trends import TRENDS_REPORT, trends
from reports.registry import register

# In the contract's order (the list of reports shows them so).
ALL_REPORTS = [
    CASELOAD_REPORT,
    CENSUS_REPORT,
    ADHERENCE_REPORT,
    TRENDS_REPORT,
    MILESTONES_REPORT,
    DELIVERY_REPORT,
    OUTCOMES_REPORT,
    NETWORK_REPORT,
]

__all__ = [
    "ALL_REPORTS",
    "adherence",
    "caseload",
    "census",
    "delivery",
    "milestones",
    "network",
    "outcomes",
    "register_all",
    "trends",
]


def register_all() -> None:
    """The finished reports, in the contract's order (idempotent)."""
    for report in ALL_REPORTS:
        register(report)
