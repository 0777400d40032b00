"""Finding 10: the Content-Security-Policy allows no inline script or style, so no page template
may carry one: no `style="..."`, no `<style>`, no `<script>` with code in it (data blocks such
as json_script are not run and stay allowed), no `on...=` handler, no `javascript:` URL.
Emails are not pages (mail clients need inline styles) and are left out."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

INLINE = {
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx inline code": re.compile(r"\shx-on[:-]|\shx-vals\s*=\s*[\"'](js|javascript):"),
}
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def page_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(
        path
        for folder in folders
        if ".venv" not in folder.parts
        for path in folder.rglob("*.html")
        if "email" not in path.relative_to(folder).parts
    )


def test_there_are_page_templates_to_check():
    assert len(page_templates()) > 50


def test_no_page_template_has_inline_script_or_style():
    found = []
    for path in page_templates():
        text = COMMENT.sub("", path.read_text())
        for name, pattern in INLINE.items():
            found += [f"{path.relative_to(ROOT)}: {name}" for _ in pattern.finditer(text)]
        for attributes, body in SCRIPT.findall(text):
            data_block = re.search(r"type=[\"']application/(ld\+)?json[\"']", attributes)
            if body.strip() and not data_block:
                found.append(f"{path.relative_to(ROOT)}: inline <script>")
    assert found == [], "\n".join(found)
