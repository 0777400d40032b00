"""The Spanish catalog is complete and current, and every word a person reads is marked.

- The msgids extracted from today's source (scripts/messages.py, into a temporary dir) are all
  in locale/es, translated, not fuzzy, with the same placeholders; the catalog has no entry the
  source no longer uses.
- The committed .mo files hold exactly their .po files' translations.
- Templates: no text node and no human-readable attribute outside {% translate %} /
  {% blocktranslate %}; no literal words passed through filters or {% with %}/{% include %}.
- JavaScript writes no literal words into the page (it reads them from data attributes).
- Python: no ValidationError / messages.* / form label with a bare string literal.
"""

import ast
import gettext
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import polib
import pytest
from django.template import Context, Template
from django.template.base import DebugLexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def _load_script(name: str) -> ModuleType:
    """scripts/<name>.py (not a package), under a name of its own in sys.modules."""
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# scripts/messages.py: the one definition of extraction, shared with `make messages`.
catalogs = _load_script("messages")

LOCALE_DIR = ROOT / "locale"

# ---------------------------------------------------------------------------------------------
# a. The catalog has every msgid of the source, translated.

PLACEHOLDER = re.compile(
    r"%\((?P<named>\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGrxXo]"  # %(name)s, %(total).1f
    r"|(?P<positional>%[-#0 +]*\d*(?:\.\d+)?[sdifeEgGrxXo])"  # %s, %d
    r"|\{(?P<brace>\w*)\}"  # {name}, {}
)


def placeholders(text: str) -> tuple[str, ...]:
    """The format fields of a message, sorted ('%%' is a literal percent sign)."""
    found = []
    for match in PLACEHOLDER.finditer(text.replace("%%", "")):
        if match["named"] is not None:
            found.append(f"%({match['named']})")
        elif match["positional"] is not None:
            found.append(match["positional"])
        else:
            found.append("{" + match["brace"] + "}")
    return tuple(sorted(found))


def entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def catalog_problems(extracted: polib.POFile, committed: polib.POFile) -> list[str]:
    """Everything wrong with `committed` against the msgids of `extracted`, one line each."""
    problems = []
    if not committed.metadata.get("Language"):
        problems.append("header: no Language (es)")
    if "nplurals=" not in committed.metadata.get("Plural-Forms", ""):
        problems.append("header: no Plural-Forms")
    by_key = {entry_key(entry): entry for entry in committed if not entry.obsolete}
    for wanted in extracted:
        where = wanted.occurrences[0][0] if wanted.occurrences else "?"
        label = f"{where}: {wanted.msgid!r}"
        entry = by_key.get(entry_key(wanted))
        if entry is None:
            problems.append(f"missing: {label}")
            continue
        if wanted.msgid_plural and entry.msgid_plural != wanted.msgid_plural:
            problems.append(f"plural differs: {label} ({wanted.msgid_plural!r})")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {label}")
            continue
        if wanted.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in range(_nplurals(committed))]
            if not all(forms):
                problems.append(f"untranslated plural: {label}")
                continue
            if not _plural_placeholders_agree(wanted, forms):
                problems.append(f"placeholders differ: {label} -> {forms!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {label}")
        elif placeholders(entry.msgstr) != placeholders(wanted.msgid):
            problems.append(f"placeholders differ: {label} -> {entry.msgstr!r}")
    extracted_keys = {entry_key(entry) for entry in extracted}
    for entry in committed:
        if entry.obsolete:
            problems.append(f"obsolete (#~) entry: {entry.msgid!r}")
        elif entry_key(entry) not in extracted_keys:
            problems.append(f"no longer in the source (run make messages): {entry.msgid!r}")
    return problems


def _plural_placeholders_agree(wanted: polib.POEntry, forms: list[str]) -> bool:
    """Every form has the plural's fields, but the first (n == 1) may leave a named one out
    ("un día" for "%(count)s day"); no form has a field the English does not pass."""
    english = set(placeholders(wanted.msgid)) | set(placeholders(wanted.msgid_plural))
    plural = set(placeholders(wanted.msgid_plural))
    for index, form in enumerate(forms):
        fields = set(placeholders(form))
        if not fields <= english:
            return False
        missing = plural - fields
        if missing and (index > 0 or any(not field.startswith("%(") for field in missing)):
            return False
    return True


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match[1]) if match else 2


@pytest.fixture(scope="module")
def extracted_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fresh catalogs of today's source, made the way `make messages` makes them (~7 s)."""
    return catalogs.extract_into(tmp_path_factory.mktemp("messages"))


def _catalog_files() -> list[tuple[str, str]]:
    return [(lang, domain) for lang in catalogs.CATALOG_LANGUAGES for domain in catalogs.DOMAINS]


@pytest.mark.parametrize(("language", "domain"), _catalog_files())
def test_every_msgid_of_the_source_is_translated(
    extracted_locale: Path, language: str, domain: str
) -> None:
    fresh = extracted_locale / language / "LC_MESSAGES" / f"{domain}.po"
    committed = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not fresh.exists():
        # No marked string in this domain (today the JS reads its words from the page).
        assert not committed.exists() or not list(polib.pofile(str(committed))), (
            f"{committed} has entries the source no longer marks: run make messages"
        )
        return
    assert committed.exists(), f"{committed} is missing: run make messages"
    problems = catalog_problems(polib.pofile(str(fresh)), polib.pofile(str(committed)))
    assert not problems, f"{len(problems)} problems in {committed.relative_to(ROOT)}:\n" + (
        "\n".join(problems)
    )


def _po(text: str) -> polib.POFile:
    header = (
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n\n'
    )
    return polib.pofile(header + text)


def test_catalog_check_finds_missing_fuzzy_untranslated_placeholders_and_stale() -> None:
    extracted = _po(
        'msgid "Kept"\nmsgstr ""\n\n'
        'msgid "Missing"\nmsgstr ""\n\n'
        'msgid "Fuzzy"\nmsgstr ""\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "Hello %(name)s"\nmsgstr ""\n\n'
        'msgid "%(count)s day"\nmsgid_plural "%(count)s days"\nmsgstr[0] ""\nmsgstr[1] ""\n'
        'msgstr[2] ""\n'
    )
    committed = _po(
        'msgid "Kept"\nmsgstr "Guardado"\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Difuso"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Hola %(nombre)s"\n\n'
        'msgid "%(count)s day"\nmsgid_plural "%(count)s days"\nmsgstr[0] "un día"\n'
        'msgstr[1] "%(count)s de días"\nmsgstr[2] ""\n\n'
        'msgid "Gone"\nmsgstr "Ido"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Viejo"\n'
    )
    problems = "\n".join(catalog_problems(extracted, committed))
    assert "missing: ?: 'Missing'" in problems
    assert "fuzzy: ?: 'Fuzzy'" in problems
    assert "untranslated: ?: 'Empty'" in problems
    assert "placeholders differ: ?: 'Hello %(name)s'" in problems
    assert "untranslated plural: ?: '%(count)s day'" in problems
    assert "no longer in the source (run make messages): 'Gone'" in problems
    assert "obsolete (#~) entry: 'Old'" in problems
    assert "'Kept'" not in problems
    # A singular form may leave the count out ("un día"); every form keeps the other fields.
    committed.find("%(count)s day").msgstr_plural[2] = "%(count)s días"
    assert "'%(count)s day'" not in "\n".join(catalog_problems(extracted, committed))
    committed.find("%(count)s day").msgstr_plural[2] = "%(total)s días"
    assert "placeholders differ: ?: '%(count)s day'" in "\n".join(
        catalog_problems(extracted, committed)
    )


def test_placeholders_ignore_literal_percent_signs() -> None:
    assert placeholders("100%% of %(name)s, %s and {when}") == ("%(name)", "%s", "{when}")
    assert placeholders("50%% done") == ()


# ---------------------------------------------------------------------------------------------
# b. The compiled catalogs are current.


def _mo_catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        catalog = dict(
            gettext.GNUTranslations(handle)._catalog
        )  # the parsed .mo, as Django reads it
    catalog.pop("", None)  # the header: msgfmt rewrites it
    return catalog


def _po_catalog(po: polib.POFile) -> dict[object, str]:
    """What msgfmt puts in the .mo: translated, non-fuzzy, non-obsolete entries."""
    catalog: dict[object, str] = {}
    for entry in po.translated_entries():
        if entry.msgid == "":
            continue
        key = entry_key(entry)
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalog[(key, int(index))] = text
        else:
            catalog[key] = entry.msgstr
    return catalog


def test_every_catalog_language_has_its_files() -> None:
    for language in catalogs.CATALOG_LANGUAGES:
        for suffix in (".po", ".mo"):
            catalog = LOCALE_DIR / language / "LC_MESSAGES" / f"django{suffix}"
            assert catalog.exists(), f"{catalog.relative_to(ROOT)} is missing: run make messages"


@pytest.mark.parametrize(
    "po_path",
    sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")),
    ids=lambda p: str(p.relative_to(LOCALE_DIR)),
)
def test_compiled_catalog_matches_its_po(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run make compilemessages"
    po_catalog = _po_catalog(polib.pofile(str(po_path)))
    mo_catalog = _mo_catalog(mo_path)
    stale = sorted(str(k) for k in po_catalog.keys() ^ mo_catalog.keys())
    stale += sorted(
        str(k) for k in po_catalog.keys() & mo_catalog.keys() if po_catalog[k] != mo_catalog[k]
    )
    assert not stale, (
        f"{mo_path.relative_to(ROOT)} is not the compiled {po_path.name} "
        f"(run make compilemessages); {len(stale)} entries differ, e.g. {stale[:5]}"
    )


def test_the_compiled_check_sees_a_po_changed_after_compiling(tmp_path: Path) -> None:
    po_path = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po = _po('msgid "Day"\nmsgstr "Día"\n\n#, fuzzy\nmsgid "Week"\nmsgstr "Semana"\n')
    po.save(str(po_path))
    assert catalogs.compile_catalogs(tmp_path) == [po_path.with_suffix(".mo")]
    mo_path = po_path.with_suffix(".mo")
    assert _mo_catalog(mo_path) == _po_catalog(po) == {"Day": "Día"}  # the fuzzy one left out
    po.find("Day").msgstr = "Jornada"
    assert _mo_catalog(mo_path) != _po_catalog(po)


# ---------------------------------------------------------------------------------------------
# c. Template text outside {% translate %} / {% blocktranslate %}.

MASK = "\x1a"  # stands for a template tag or variable: no letters, so never "text"
LETTER = re.compile(r"[^\W\d_]")
# Blocks whose body is not page text of ours: the translated ones and comments.
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
READABLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
}
BUTTON_TYPES = {"submit", "button", "reset"}
META_TEXT = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
# Literal arguments that reach the page: `|default:"None yet"`, `{% with label="Save" %}`.
LITERAL_ARGUMENT = re.compile(
    r"""(?:\|(?P<filter>default|default_if_none|yesno)\s*:|(?P<kwarg>\w+)\s*=|(?P<firstof>firstof)\s)"""
    r"""\s*(?P<quote>["'])(?P<text>.*?)(?P=quote)"""
)
LOOKS_LIKE_WORDS = re.compile(r"[A-Z][a-z]|[^\W\d_]{2,}\s+[^\W\d_]")

# Text that is the same in every language; each with its reason.
ALLOWED_TEXT = {
    "Recovery Hub": "the product's name (a brand, not translated)",
    "Swagger": "the API explorer's product name (drf-spectacular's default title)",
}


@dataclass(frozen=True)
class Unmarked:
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.line}: {self.text}"


def _masked_source(source: str) -> tuple[str, list[Unmarked]]:
    """The template with every tag, variable, comment and translated block replaced by MASK
    (newlines kept, so line numbers stay right); also literal words found inside tags."""
    out: list[str] = []
    found: list[Unmarked] = []
    closing: str | None = None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        raw = source[start:end]
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] == [closing]:
                closing = None
        elif token.token_type == TokenType.TEXT:
            out.append(raw)
            continue
        elif token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            closing = SKIPPED_BLOCKS.get(bits[0] if bits else "")
            if bits[:1] == ["block"] and bits[-1].endswith("class"):
                # `{% block content_class %}col-lg-8{% endblock %}` fills a class attribute.
                closing = "endblock"
        if token.token_type in (TokenType.VAR, TokenType.BLOCK) and closing is None:
            found += _literal_words(token.contents, token.lineno)
        joined = "".join(out)
        # `<{% if a %}a{% else %}button{% endif %}>`: a tag name is needed for the HTML parser.
        placeholder = "tpl" if joined.endswith(("<", "</")) else MASK
        out.append(placeholder + "\n" * raw.count("\n"))
    return "".join(out), found


def _literal_words(contents: str, line: int) -> list[Unmarked]:
    found = []
    bits = contents.split()
    if bits and bits[0] in {"translate", "trans", "blocktranslate", "blocktrans"}:
        return found
    for match in LITERAL_ARGUMENT.finditer(contents):
        text = match["text"]
        if match["filter"] == "yesno":
            words = all(part.isalpha() for part in text.split(","))
        else:
            words = bool(LOOKS_LIKE_WORDS.search(text))
        preceded_by_gettext = contents[: match.start("quote")].rstrip().endswith("_(")
        if words and text not in ALLOWED_TEXT and not preceded_by_gettext:
            found.append(Unmarked(line, f"literal {text!r} in {{% {contents} %}}"))
    return found


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unmarked] = []
        self.raw_text_depth = 0  # inside <script>/<style>: code, not words

    def _check(self, text: str, line: int, what: str) -> bool:
        plain = " ".join(text.replace(MASK, " ").split())
        if LETTER.search(plain) and plain not in ALLOWED_TEXT:
            self.found.append(Unmarked(line, f"{what}{plain!r}"))
            return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            readable = name in READABLE_ATTRIBUTES
            readable |= name == "value" and tag == "input" and values.get("type") in BUTTON_TYPES
            readable |= (
                name == "content"
                and tag == "meta"
                and (values.get("name") in META_TEXT or values.get("property") in META_TEXT)
            )
            if readable:
                self._check(value, line, f"<{tag} {name}=>: ")
        if tag in ("script", "style"):
            self.raw_text_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.raw_text_depth:
            self.raw_text_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.raw_text_depth:
            return
        # Each stretch between two tags or variables on its own, on the line its words start.
        offset = 0
        for piece in data.split(MASK):
            first_letter = LETTER.search(piece)
            if first_letter:
                newlines = data[: offset + first_letter.start()].count("\n")
                self._check(piece, self.getpos()[0] + newlines, "")
            offset += len(piece) + 1


def unmarked_text(source: str) -> list[Unmarked]:
    """Words in a template that no translation tag covers, with their line numbers."""
    masked, found = _masked_source(source)
    finder = _TextFinder()
    finder.feed(masked)
    finder.close()
    return sorted(found + finder.found, key=lambda item: item.line)


def project_templates() -> Iterator[Path]:
    from django.template import engines

    for directory in engines["django"].template_dirs:
        directory = Path(directory).resolve()
        if not directory.is_relative_to(ROOT) or ".venv" in directory.parts:
            continue
        for path in sorted(directory.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                yield path


def test_every_template_text_is_marked_for_translation() -> None:
    templates = list(project_templates())
    assert len(templates) > 100, "the template walk found too few templates"
    problems = [
        f"{path.relative_to(ROOT)}:{item}"
        for path in templates
        for item in unmarked_text(path.read_text(encoding="utf-8"))
    ]
    assert not problems, f"{len(problems)} texts not marked for translation:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Welcome back</p>", "1: 'Welcome back'"),
        ('{% load i18n %}\n<p>\n  {% translate "Hi" %} there\n</p>', "3: 'there'"),
        ('<img src="x.png" alt="A chart">', "1: <img alt=>: 'A chart'"),
        ('<a title="Open {{ name }}">{% translate "Go" %}</a>', "1: <a title=>: 'Open'"),
        ('<input type="submit" value="Save">', "1: <input value=>: 'Save'"),
        ('<input placeholder="{{ x }} min">', "1: <input placeholder=>: 'min'"),
        ('<meta name="description" content="Recovery help">', "content=>: 'Recovery help'"),
        ('<button aria-label="Close">×</button>', "1: <button aria-label=>: 'Close'"),
        ('{{ note|default:"None yet" }}', "literal 'None yet'"),
        ('{% include "x.html" with label="Save changes" %}', "literal 'Save changes'"),
        ("{{ ok|yesno:'yes,no' }}", "literal 'yes,no'"),
        ("{% if a %}\nYes{% else %}No{% endif %}", "2: 'Yes'"),
        ("<{% if a %}a{% else %}span{% endif %} class=x>Open</span>", "1: 'Open'"),
        ("Hello {{ name }}\n\nYour plan changed.\n", "3: 'Your plan changed.'"),
    ],
)
def test_the_template_check_finds_unmarked_text(source: str, expected: str) -> None:
    found = "\n".join(str(item) for item in unmarked_text(source))
    assert expected in found


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Welcome back" %}</p>',
        "{% blocktranslate trimmed %}Hi {{ name }}, <b>welcome</b>{% endblocktranslate %}",
        "{% comment %}Notes for developers{% endcomment %}<!-- an HTML comment -->",
        "{# a template comment #}<span>{{ name }}</span> · 988 — 12:30 &middot; &times;",
        '<input type="hidden" value="on"><input type="submit" value="{% translate "Save" %}">',
        '<a title="{% translate "Open" %}" href="/x">{{ label }}</a>',
        "<script>var a = 'words in code';</script><style>p::after{content:'x y'}</style>",
        '{{ value|default:"—" }}{{ level|default:"info" }}{% include "x" with page="plan" %}',
        '{% include "x" with what=_("Missed check-ins") %}{{ h|yesno:"h4,h3" }}',
        "<p>Recovery Hub</p>",
    ],
)
def test_the_template_check_passes_marked_text(source: str) -> None:
    assert unmarked_text(source) == []


# ---------------------------------------------------------------------------------------------
# d. JavaScript reads its words from the page (data attributes written by translated templates).
# If a script ever needs words of its own, it takes them from Django's JavaScriptCatalog
# (gettext() in the djangojs domain, which scripts/messages.py extracts and test a. checks).

JS_SINK = re.compile(
    r"""(?:\.(?:textContent|innerText|innerHTML|outerHTML|title|placeholder|ariaLabel)\s*\+?=\s*"""
    r"""|\b(?:alert|confirm|prompt)\s*\(\s*"""
    r"""|\bsetAttribute\(\s*["'](?:aria-label|aria-description|title|alt|placeholder)["']\s*,\s*"""
    r"""|\binsertAdjacentHTML\(\s*["'][a-z]+["']\s*,\s*)"""
    r"""(?P<quote>["'`])(?P<text>(?:\\.|(?!(?P=quote)).)*)(?P=quote)""",
    re.DOTALL,
)


def literal_words_in_js(source: str) -> list[str]:
    found = []
    for match in JS_SINK.finditer(source):
        text = re.sub(r"\$\{[^}]*\}", "", match["text"])  # a template literal's expressions
        text = re.sub(r"<[^>]*>", "", text)  # markup is not words
        if LETTER.search(text):
            found.append(f"{source.count(chr(10), 0, match.start()) + 1}: {match[0]}")
    return found


def project_scripts() -> list[Path]:
    return sorted((ROOT / "static" / "js").glob("*.js"))


def test_scripts_write_no_literal_words_into_the_page() -> None:
    assert project_scripts(), "no scripts found under static/js"
    problems = [
        f"{path.relative_to(ROOT)}:{item}"
        for path in project_scripts()
        for item in literal_words_in_js(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "scripts writing English words (use data attributes):\n" + "\n".join(
        problems
    )


def test_the_script_check_finds_literal_words() -> None:
    source = (
        'node.textContent = "Saved";\n'
        "box.innerHTML = `<p>${count} left</p>`;\n"
        'if (confirm("Leave this page?")) {}\n'
        'canvas.setAttribute("aria-label", "Mood chart");\n'
        "clock.textContent = `${minutes}:${seconds}`;\n"
        "label.textContent = node.dataset.saved;\n"
        'canvas.setAttribute("aria-label", canvas.dataset.name);\n'
    )
    found = literal_words_in_js(source)
    assert [item.split(":")[0] for item in found] == ["1", "2", "3", "4"], found


# ---------------------------------------------------------------------------------------------
# e. Python: words a person reads go through gettext.

# Keyword arguments that always reach a page (forms, model fields, admin).
READABLE_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# Bare strings that no person reads, each with its reason.
ALLOWED_PYTHON = {
    "Consents are never edited: a change is a new consent.": (
        "a programming guard in Consent.save(): no page or form can reach it"
    ),
}
PYTHON_SKIPPED = {".venv", "node_modules", "tests", "bench", "var", "staticfiles", "scripts"}


def _bare_words(node: ast.expr | None) -> str | None:
    """The text of a str literal or f-string with letters of its own (not wrapped)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    if LETTER.search(text) and text not in ALLOWED_PYTHON:
        return ast.unparse(node)
    return None


def _readable_arguments(call: ast.Call) -> Iterator[ast.expr]:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = (
        func.value.id
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        else ""
    )
    keywords = {kw.arg: kw.value for kw in call.keywords}
    if name == "ValidationError":
        yield from call.args[:1]
        yield from filter(None, [keywords.get("message")])
    elif owner == "messages" and (name in MESSAGE_LEVELS or name == "add_message"):
        position = 2 if name == "add_message" else 1
        yield from call.args[position : position + 1]
        yield from filter(None, [keywords.get("message")])
    elif owner in {"models", "forms"} and name.endswith("Field") and name not in RELATION_FIELDS:
        # models.CharField("name", ...): the first positional is the verbose name.
        yield from call.args[:1] if owner == "models" else []
    for keyword in READABLE_KEYWORDS & keywords.keys():
        yield keywords[keyword]


def unwrapped_python_strings(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for argument in _readable_arguments(node):
                text = _bare_words(argument)
                if text:
                    found.append(f"{argument.lineno}: {text}")
    return found


def project_python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in PYTHON_SKIPPED or parts[0].startswith(".") or "migrations" in parts:
            continue
        yield path


def test_python_strings_a_person_reads_are_wrapped() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{item}"
        for path in project_python_files()
        for item in unwrapped_python_strings(path.read_text(encoding="utf-8"))
    ]
    assert not problems, f"{len(problems)} strings not wrapped in gettext:\n" + "\n".join(problems)


def test_the_python_check_finds_bare_strings() -> None:
    source = """
raise ValidationError("That date is in the future.")
raise forms.ValidationError(_("Wrapped."), code="x")
messages.success(request, f"Saved {name}.")
messages.add_message(request, messages.INFO, "Done.")
messages.info(request, _("Fine."))
name = forms.CharField(label="Your name", help_text=_("Wrapped"))
title = models.CharField("title", max_length=9)
owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
field = forms.IntegerField(label=f"{number}. {item}")
"""
    found = unwrapped_python_strings(source)
    assert found == [
        "2: 'That date is in the future.'",
        "4: f'Saved {name}.'",
        "5: 'Done.'",
        "7: 'Your name'",
        "8: 'title'",
    ], found


# ---------------------------------------------------------------------------------------------
# Error pages and <html lang>: every page says which language it is in (WCAG 3.1.1).


def test_every_full_page_layout_declares_the_active_language() -> None:
    layouts = [
        path
        for path in project_templates()
        if path.suffix == ".html" and "<html" in path.read_text(encoding="utf-8")
    ]
    assert {p.relative_to(ROOT).as_posix() for p in layouts} >= {
        "templates/base.html",
        "templates/email/base.html",
        "templates/errors/_layout.html",
    }
    for layout in layouts:
        source = layout.read_text(encoding="utf-8")
        assert '<html lang="{{ LANGUAGE_CODE }}">' in source, layout
        assert "{% get_current_language as LANGUAGE_CODE %}" in source, layout


def _in(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.mark.django_db
@pytest.mark.urls("tests.error_pages_urls")
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(
    ("url", "status", "template", "title"),
    [
        ("/raise-400/", 400, "400.html", "The request could not be read."),
        ("/raise-403/", 403, "403.html", "You cannot open this page"),
        ("/no-such-page/", 404, "404.html", "Page not found"),
        ("/raise-500/", 500, "500.html", "Something went wrong"),
    ],
)
def test_error_pages_speak_the_readers_language(
    language: str, url: str, status: int, template: str, title: str
) -> None:
    response = Client(raise_request_exception=False).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f'<h1 class="h3">{_in(language, title)}</h1>' in page
    assert _in(language, "Go to my home page") in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refused_form_says_why_in_the_readers_language(language: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert _in(language, "This form has expired") in page
    assert "CSRF" not in page  # no jargon (Django's own page says "CSRF verification failed")


@pytest.mark.parametrize(
    ("page_language", "text_language", "expected"),
    [
        ("en", "es", ' lang="es"'),
        ("es", "en", ' lang="en"'),
        ("es", "es", ""),
        ("es", "es-mx", ""),
        ("en", "", ""),
        ("en", None, ""),
        ("en", 'es"><script>', ' lang="es&quot;&gt;&lt;script&gt;"'),
    ],
)
def test_text_in_another_language_carries_its_own_lang(
    page_language: str, text_language: str | None, expected: str
) -> None:
    template = Template("{% load languages %}<p{{ code|lang_if_other }}>x</p>")
    with translation.override(page_language):
        assert template.render(Context({"code": text_language})) == f"<p{expected}>x</p>"
