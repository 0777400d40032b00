"""The layers of docs/architecture.md, beyond what import-linter sees.

import-linter (`.importlinter`, run by scripts/test.sh) checks which app may import which. This
test adds the rule it cannot: a cross-app import inside a function is a cycle dodged, not a
dependency removed, so it is allowed only where the line says why (`# layering: <reason>`).
Imports under `if TYPE_CHECKING:` are types only and never count; `AppConfig.ready()` is where
Django wants an app's wiring imported, so its imports are not function imports here.
"""

import ast
import configparser
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
MARK = "# layering:"


def contract_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config["importlinter"]["root_packages"].split()


PACKAGES = contract_packages()


def modules() -> Iterator[tuple[str, Path]]:
    """(package, file) for every Python module of the project's packages."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, path: Path) -> list[str]:
    """The top-level packages the statement imports (relative imports resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if node.level:  # relative: inside the importer's own package
        return [path.relative_to(ROOT).parts[0]]
    return [(node.module or "").split(".")[0]]


def function_imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, imported package, source lines) of every import inside a function body that is not
    under `if TYPE_CHECKING:`. An app's `AppConfig.ready()` (in apps.py) is left out: importing
    there, once the models are loaded, is how Django wires an app's registrations and signals
    (import-linter still checks that those imports go down the layers)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    is_apps = path.name == "apps.py"

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[int, str, list[str]]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                yield from (item for branch in child.orelse for item in visit(branch, in_function))
                continue
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                # The statement's own lines and a comment line just above it.
                start = child.lineno - 1
                text = lines[max(start - 1, 0) : child.end_lineno or child.lineno]
                if start == 0 or not text[0].lstrip().startswith("#"):
                    text = lines[start : child.end_lineno or child.lineno]
                for package in _imported(child, path):
                    yield child.lineno, package, text
            if is_apps and isinstance(child, ast.FunctionDef) and child.name == "ready":
                continue  # AppConfig.ready(): where Django wants the wiring imported
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from visit(child, inner)

    yield from visit(ast.parse(source, filename=str(path)), in_function=False)


def test_the_contract_names_every_app_of_ours():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if (ROOT / config.name.split(".")[0]).is_dir()
    }
    assert ours <= set(PACKAGES), sorted(ours - set(PACKAGES))
    assert settings.ROOT_URLCONF.split(".")[0] in PACKAGES


def test_no_cross_app_import_inside_a_function_without_a_reason():
    """Each one found is either made a top-level import (when the layers allow it) or replaced
    by a registry or a signal; the few that must stay say why on the line: `# layering: ...`."""
    found = []
    for package, path in modules():
        for line, imported, text in function_imports(path):
            if imported == package or imported not in PACKAGES:
                continue
            if any(MARK in piece for piece in text):
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not found, "\n".join(found)


def test_the_check_sees_function_imports_and_skips_type_checking(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from patients.models import Patient\n"
        "def f():\n"
        "    if TYPE_CHECKING:\n"
        "        from networks.models import SupportContact\n"
        "    from coping.models import CheckIn\n"
        "    # layering: a documented exception\n"
        "    from events.models import Event\n"
        "    from reports import (\n"
        "        selectors,  # layering: another\n"
        "    )\n"
        "    return 1\n",
        encoding="utf-8",
    )
    found = list(function_imports(module))
    assert [(line, package) for line, package, _ in found] == [
        (7, "coping"),
        (9, "events"),
        (10, "reports"),
    ]
    marked = [any(MARK in piece for piece in text) for _, _, text in found]
    assert marked == [False, True, True]


def test_the_check_leaves_out_an_app_configs_ready(tmp_path):
    module = tmp_path / "apps.py"
    module.write_text(
        "class Config:\n"
        "    def ready(self):\n"
        "        from notifications.planner import register_rule\n"
        "    def other(self):\n"
        "        from notifications.outbox import enqueue\n",
        encoding="utf-8",
    )
    assert [(line, package) for line, package, _ in function_imports(module)] == [
        (5, "notifications")
    ]
