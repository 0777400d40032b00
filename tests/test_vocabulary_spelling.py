"""One spelling for the words the privacy and messaging rules turn on.

A consent scope is `networks.models.Scope`, a channel `notifications.models.Channel` and a kind
of message `notifications.models.Kind`. Typed as a raw string anywhere else, a value escapes
the type: a renamed scope would leave the copy behind, and a typo would be a silent leak or a
message never sent. This test reads every module of the project's apps (migrations, which
freeze history, and the enums' own modules left out) and fails on any such string:

- a value that can only mean the enum's (`"help_tasks"`, `"checkin_reminder"`) wherever it is;
- a short value that is also an ordinary word (`"email"`, `"digest"`) where it plays the enum's
  part: passed as `kind=`, `channel=`, `scope=` (or a list of them), compared with something
  named after them, or given to a name that is.

Docstrings are prose and are not read. A dict key, a URL or related name and another enum's
member are names, not values, and a line marked `# spelling: <reason>` says why it keeps a raw
string that only looks like one of ours (a stored key that predates the enum, say).
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from networks.models import Scope
from notifications.models import Channel, Kind
from tests.test_architecture import PACKAGES, ROOT

ENUM_MODULES = {ROOT / "networks" / "models.py", ROOT / "notifications" / "models.py"}
VALUES = {
    **{value: f"Scope.{Scope(value).name}" for value in Scope.values},
    **{value: f"Channel.{Channel(value).name}" for value in Channel.values},
    **{value: f"Kind.{Kind(value).name}" for value in Kind.values},
}
# Values that are ordinary words too: only where they play the enum's part.
ORDINARY = {
    "email",
    "sms",
    "in_app",
    "account",
    "digest",
    "invitation",
    "milestones",
    "appointments",
    "updates",  # also the updates app's label
}
NAME_ARGUMENTS = {"name", "related_name", "related_query_name", "url_name"}
MARK = "# spelling:"
ROLE = re.compile(r"(^|_)(kinds?|channels?|scopes?)($|_)", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """The string constants of a value, looking into list, tuple, set and dict-key literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _strings(element)
    elif isinstance(node, ast.Dict):
        for key in node.keys:
            if key is not None:
                yield from _strings(key)


def _named_for_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return bool(ROLE.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(ROLE.search(node.attr))
    if isinstance(node, ast.Subscript):
        return _named_for_role(node.value)
    if isinstance(node, ast.Call):
        return _named_for_role(node.func)
    return False


def _names(tree: ast.AST) -> set[int]:
    """String constants that are names: dict keys, `name=`-like arguments, enum members."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found |= {id(key) for key in node.keys if isinstance(key, ast.Constant)}
        elif isinstance(node, ast.keyword) and node.arg in NAME_ARGUMENTS:
            found |= {id(s) for s in _strings(node.value)}
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Attribute | ast.Name)
            and getattr(base, "attr", getattr(base, "id", "")).endswith("Choices")
            for base in node.bases
        ):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    found |= {id(s) for s in ast.walk(statement.value)}
    return found


def _in_role(tree: ast.AST) -> set[int]:
    """The string constants that stand where a scope, a channel or a kind goes."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and ROLE.search(node.arg):
            found |= {id(s) for s in _strings(node.value)}
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_named_for_role(side) for side in sides):
                for side in sides:
                    found |= {id(s) for s in _strings(side)}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(_named_for_role(t) for t in targets):
                found |= {id(s) for s in _strings(node.value)}
    return found


def raw_spellings(path: Path) -> Iterator[tuple[int, str, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    prose = _docstrings(tree)
    names = _names(tree)
    in_role = _in_role(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in prose or node.value not in VALUES or MARK in lines[node.lineno - 1]:
            continue
        if id(node) not in in_role and (node.value in ORDINARY or id(node) in names):
            continue
        found.append((node.lineno, node.col_offset, node.value))
    for line, _column, value in sorted(found):
        yield line, value, VALUES[value]


def project_modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path not in ENUM_MODULES:
                yield path


def test_no_scope_channel_or_kind_is_typed_as_a_raw_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r} (use {name})"
        for path in project_modules()
        for line, value, name in raw_spellings(path)
    ]
    assert not found, "Raw spellings outside their enum:\n" + "\n".join(found)


def test_the_check_finds_a_raw_spelling_in_each_of_its_forms(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring may say help_tasks."""\n'
        'enqueue(kind="checkin_reminder")\n'
        'if message.channel == "email":\n'
        "    pass\n"
        'scopes = ["milestones", "coping_plan"]\n'
        'label = "email"\n'
        'details = {"help_request": 1}\n'
        'path("x/", view, name="help_tasks")\n'
        'key = "help_task_week"  # spelling: a stored key\n',
        encoding="utf-8",
    )
    assert [(line, value) for line, value, _ in raw_spellings(sample)] == [
        (2, "checkin_reminder"),
        (3, "email"),
        (5, "milestones"),
        (5, "coping_plan"),
    ]
