"""Showing content that has an optional Spanish version (core.bilingual):

    {% load bilingual %}
    {% with shown=article.shown %}
    <article{{ shown|lang_attr }}>{% only_in_english shown %}<h2>{{ shown.title }}</h2>...</article>
    {% endwith %}

`lang_attr` gives ` lang="en"` when a Spanish reader gets the English version (WCAG 3.1.2);
`only_in_english` says so, in the reader's language and marked with it, so it reads right even
inside the English element."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.bilingual import Shown

register = template.Library()


@register.filter
def lang_attr(shown: Shown) -> SafeString:
    if getattr(shown, "in_english", False):
        return mark_safe(' lang="en"')
    return mark_safe("")


@register.simple_tag
def only_in_english(shown: Shown) -> SafeString:
    if not getattr(shown, "in_english", False):
        return mark_safe("")
    return format_html(
        '<span class="badge text-bg-light border only-in-english" lang="{}" '
        'data-testid="only-in-english">{}</span> ',
        get_language() or "es",
        gettext("Only in English"),
    )
