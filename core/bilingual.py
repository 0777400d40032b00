"""Content written in English with an optional Spanish version beside it (`title` / `title_es`).

A model lists its translated fields; the reader's active language picks the version, all or
nothing: a Spanish reader sees the Spanish version when every field that has English text has
its Spanish text too, otherwise the whole English version, marked as English (WCAG 3.1.2 asks
for `lang="en"` on it). An English reader always sees English. Both versions are columns of the
same row, so lists stay one query.

    class Article(SpanishVersion, models.Model):
        SPANISH_FIELDS = ("title", "summary", "body")   # all or nothing
        SPANISH_OPTIONAL = ()                           # proper names: English is fine

    {{ article.shown.title }}  {{ article.shown.lang }}  {{ article.shown.in_english }}
"""

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SPANISH = "es"
ENGLISH = "en"
SPANISH_READY = "spanish_ready"


def reader_language() -> str:
    """The active language's base code ("es" for "es-mx"); English when none is active."""
    return (get_language() or ENGLISH).split("-")[0].lower()


class Shown:
    """One version of an object's texts, read as attributes (`shown.title`), each read only
    when asked for (a list that defers `body` never loads it)."""

    def __init__(self, obj: "SpanishVersion", lang: str, in_english: bool) -> None:
        self._obj = obj
        self.lang = lang
        # True when the reader asked for Spanish and gets English: the page marks it.
        self.in_english = in_english

    def __getattr__(self, name: str) -> str:
        obj = self.__dict__["_obj"]
        if name not in (*obj.SPANISH_FIELDS, *obj.SPANISH_OPTIONAL):
            raise AttributeError(name)
        if self.__dict__["lang"] == SPANISH:
            spanish = (getattr(obj, f"{name}_es") or "").strip()
            if spanish:
                return spanish
        return getattr(obj, name)


class SpanishVersion:
    """Mixin for models with `<field>_es` twins of their reader-facing English fields."""

    SPANISH_FIELDS: tuple[str, ...] = ()
    SPANISH_OPTIONAL: tuple[str, ...] = ()

    @property
    def has_spanish(self) -> bool:
        """Every translated field with English text has its Spanish text too (an entry with
        nothing to translate, say a directory entry with only a name, counts as complete).
        Read from the `spanish_ready` annotation when a list has it (with_spanish_ready), so
        deferred long fields stay unloaded."""
        ready = self.__dict__.get(SPANISH_READY)
        if ready is not None:
            return ready
        return all(
            (getattr(self, f"{name}_es") or "").strip()
            for name in self.SPANISH_FIELDS
            if (getattr(self, name) or "").strip()
        )

    def shown_in(self, language: str) -> Shown:
        if language != SPANISH:
            return Shown(self, ENGLISH, in_english=False)
        if not self.has_spanish:
            return Shown(self, ENGLISH, in_english=True)
        return Shown(self, SPANISH, in_english=False)

    @property
    def shown(self) -> Shown:
        """The version for the active language; not cached (a message is rendered per
        recipient, each in their own language, from the same object)."""
        return self.shown_in(reader_language())


def with_spanish_ready(qs: QuerySet) -> QuerySet:
    """`qs` with a `spanish_ready` column: has_spanish worked out by the database, for lists
    that defer a long field (an article's body)."""
    condition = Q()
    for name in qs.model.SPANISH_FIELDS:
        condition &= Q(**{name: ""}) | ~Q(**{f"{name}_es": ""})
    return qs.annotate(**{SPANISH_READY: ExpressionWrapper(condition, output_field=BooleanField())})


def check_spanish_complete(model: type[SpanishVersion], values: dict[str, object]) -> None:
    """All or nothing: once any Spanish field is filled, each field that has English text needs
    its Spanish text, so a reader never gets half a translation. ValidationError per field."""
    spanish = [f"{name}_es" for name in model.SPANISH_FIELDS]
    if not any(str(values.get(name) or "").strip() for name in spanish):
        return
    message = _("Write the Spanish version of this too, or leave every Spanish field empty.")
    missing = {
        f"{name}_es": message
        for name in model.SPANISH_FIELDS
        if str(values.get(name) or "").strip() and not str(values.get(f"{name}_es") or "").strip()
    }
    if missing:
        raise ValidationError(missing)
