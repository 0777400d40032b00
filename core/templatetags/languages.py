"""Marking text that is not in the page's language (WCAG 3.1.2, language of parts).

    {% load languages %}
    <blockquote{{ message.language|lang_if_other }}>{{ message.body }}</blockquote>

gives ` lang="es"` when the page is in English and the text in Spanish, and nothing when both
agree. For a library entry shown in English to a Spanish reader, bilingual's `lang_attr` and
`only_in_english` do the same for a `core.bilingual.Shown`. A name of a language in its own
language (the language switch's "Español") always carries its own code: `lang="{{ code }}"`.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def _primary(code: str) -> str:
    return code.replace("_", "-").split("-")[0].lower()


@register.filter
def lang_if_other(code: str | None) -> SafeString:
    """` lang="<code>"` when `code` is not the active language, else an empty string."""
    if not code or _primary(code) == _primary(get_language() or ""):
        return mark_safe("")
    return format_html(' lang="{}"', code)
