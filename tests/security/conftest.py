"""Shared by the security tests (issue #16)."""

import pytest

from tests.security.report import LINES

# --- helper "matrix": the permission matrix prints its counts in the run's summary -------------


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(LINES, [])
    if lines:
        terminalreporter.section("security")
        for line in lines:
            terminalreporter.write_line(line)
