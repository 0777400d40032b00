"""A deliberately tiny markdown renderer for clinic-written articles.

Everything is HTML-escaped first; only then are a few constructs turned into tags we write
ourselves: paragraphs, `#`/`##` headings (rendered one level below the page title), `- ` bullet
lists, `**bold**` and `[text](https://...)` links with http(s) URLs only. Raw HTML, `<script>`
and `javascript:` links therefore come out as plain text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Applied to escaped text: the URL can hold no whitespace, quotes (escaped to &quot;) or ")".
_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()<>\"']+)\)")


def _inline(text: str) -> str:
    html = escape(text)
    html = _LINK.sub(
        lambda m: f'<a href="{m.group(2)}" rel="noopener noreferrer nofollow">{m.group(1)}</a>',
        html,
    )
    return _BOLD.sub(r"<strong>\1</strong>", html)


def render_markdown(source: str) -> SafeString:
    """The article body as safe HTML."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (source or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(f"<h3>{_inline(line[3:].strip())}</h3>")
        elif line.startswith("# "):
            flush()
            blocks.append(f"<h2>{_inline(line[2:].strip())}</h2>")
        elif line.startswith(("- ", "* ")):
            if paragraph:
                blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] += " " + line  # an indented continuation of the last bullet
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # noqa: S308  (built only from escaped text)
