"""Each page action's twin under /api/v1/, or why it has none: one module per app.

A module holds `TWINS`: the page's URL name (`networks:contact_edit`) mapped to the API route
names that do what the page does (`api:patient-contact-detail`, ...), or to `Why("...")` when
the page has no twin and should not. tests/api/test_api_twins.py walks every URL pattern and
lists the page actions found in none of them.
"""

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Why:
    """A page with no API twin, and the reason."""

    reason: str


Twin = tuple[str, ...] | Why


def all_twins() -> dict[str, Twin]:
    twins: dict[str, Twin] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        table = importlib.import_module(f"{__name__}.{module.name}").TWINS
        clash = set(twins) & set(table)
        assert not clash, f"{module.name} repeats {sorted(clash)}"
        twins.update(table)
    return twins
