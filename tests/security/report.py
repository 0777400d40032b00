"""Lines the security tests print at the end of the run (pytest's terminal summary), so the
counts show in the `make test` log without `-s`."""

import pytest

LINES = pytest.StashKey[list[str]]()


def report_lines(config: pytest.Config) -> list[str]:
    return config.stash.setdefault(LINES, [])
