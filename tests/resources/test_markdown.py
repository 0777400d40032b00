"""The article renderer escapes everything and rebuilds only a few safe constructs."""

from resources.markdown import render_markdown


def test_paragraphs_headings_lists_bold_and_links():
    html = render_markdown(
        "# Title\n## Sub\n\nFirst line\nsame paragraph.\n\n- one\n- **two**\n\n"
        "See [the guide](https://example.org/a?b=1&c=2)."
    )
    assert "<h2>Title</h2>" in html
    assert "<h3>Sub</h3>" in html
    assert "<p>First line same paragraph.</p>" in html
    assert "<ul><li>one</li><li><strong>two</strong></li></ul>" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">'
        "the guide</a>"
    ) in html


def test_script_tags_and_raw_html_are_shown_as_text():
    html = render_markdown('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_only_http_links_become_anchors():
    html = render_markdown(
        "[click](javascript:alert(1)) [data](data:text/html;base64,xx) [ftp](ftp://x.org)"
    )
    assert "<a" not in html
    assert "javascript:alert(1)" in html  # kept as inert text


def test_a_link_cannot_break_out_of_its_attribute():
    html = render_markdown('[x](https://e.org/"onmouseover="alert(1))')
    assert 'onmouseover="' not in html
    assert 'href="https://e.org/"' not in html


def test_html_inside_link_text_and_headings_is_escaped():
    html = render_markdown("# <b>hi</b>\n\n[<i>x</i>](https://e.org)")
    assert "<h2>&lt;b&gt;hi&lt;/b&gt;</h2>" in html
    assert (
        '<a href="https://e.org" rel="noopener noreferrer nofollow">&lt;i&gt;x&lt;/i&gt;</a>'
        in html
    )


def test_empty_body():
    assert render_markdown("") == ""
