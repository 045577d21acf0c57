"""Markdown educators write: what it renders to, and that no usual XSS payload survives it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from courses.markdown_text import render, render_inline, render_plain

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<p onclick="alert(1)">hi</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#9;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java%0ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://evil.example/track.png)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<iframe src="https://evil.example"></iframe>',
    '<svg><script>alert(1)</script><circle onload="alert(1)"/></svg>',
    "<svg/onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=q><button>go</button></form>',
    '<style>body{display:none}</style><p style="position:fixed">x</p>',
    "<div>\n\n<img src=x onerror=alert(1)>\n\n</div>",
    "<!-- <img src=x onerror=alert(1)> -->",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<a href="https://ok.example" onmouseover="alert(1)" style="x" target="_top">ok</a>',
]

SAFE_SCHEMES = {"http", "https", "mailto"}
ALLOWED_ATTRIBUTES = {"href", "title", "colspan", "rel"}


class Collected(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]


def parsed(html: str) -> Collected:
    collected = Collected()
    collected.feed(html)
    return collected


def assert_harmless(html: str) -> None:
    found = parsed(html)
    dangerous = {"script", "iframe", "svg", "img", "object", "embed", "form", "style", "math"}
    assert not dangerous & set(found.tags), html
    for _tag, name, value in found.attributes:
        assert name in ALLOWED_ATTRIBUTES, html
        if name == "href":
            squeezed = "".join(ch for ch in unquote(value or "") if ch > " ").lower()
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
            assert scheme is None or scheme.group(1) in SAFE_SCHEMES, html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_usual_xss_payload_survives_the_block_renderer(payload):
    assert_harmless(render(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_usual_xss_payload_survives_the_inline_renderer(payload):
    assert_harmless(render_inline(payload))


def test_markdown_becomes_the_usual_formatting():
    html = render("**bold**, *italic*\n\n- one\n- two\n\n[link](https://example.org/a)")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer">link</a>' in html


def test_headings_start_below_the_pages_own():
    assert render("# Gross\n\n## Micro") == "<h3>Gross</h3>\n<h4>Micro</h4>"
    assert render("##### Deep") == "<h6>Deep</h6>"


def test_single_line_breaks_are_kept_as_plain_text_fields_kept_them():
    assert render("Line one\nLine two") == "<p>Line one<br>\nLine two</p>"


def test_text_that_looks_like_html_but_is_not_stays_text():
    assert render("Ki-67 < 5% & mitoses > 2") == "<p>Ki-67 &lt; 5% &amp; mitoses &gt; 2</p>"


def test_code_is_shown_escaped():
    assert render("`<b>`") == "<p><code>&lt;b&gt;</code></p>"


def test_an_image_shows_only_its_alt_text():
    assert render("![Cut surface](https://example.org/x.png)") == "<p>Cut surface</p>"


def test_relative_links_into_the_portal_are_kept():
    assert 'href="/cases/abc/"' in render("[the other case](/cases/abc/)")


def test_the_simple_html_written_before_markdown_renders_as_before():
    old = (
        "<p>A 54-year-old woman with a <strong>2 cm</strong> mass.</p>\n"
        "<ul><li>No family history</li><li>Smoker</li></ul>\n"
        '<p>See <a href="https://example.org/who">WHO</a> *criteria*.</p>'
    )
    html = render(old)
    assert "<p>A 54-year-old woman with a <strong>2 cm</strong> mass.</p>" in html
    assert "<ul><li>No family history</li><li>Smoker</li></ul>" in html
    assert '<a href="https://example.org/who" rel="noopener noreferrer">WHO</a>' in html
    assert "*criteria*" in html  # inside an HTML block, as it was: not re-read as Markdown


def test_inline_rendering_has_no_blocks():
    assert render_inline("**Squamous** cell <p>carcinoma</p>") == (
        "<strong>Squamous</strong> cell carcinoma"
    )


def test_empty_text_renders_empty():
    assert render("") == ""
    assert render_inline(None) == ""


def test_a_summary_keeps_the_words_without_the_markup():
    assert render_plain("# Which **organ**?\n\n- a & b\n- *c*") == "Which organ? a & b c"
    assert render_plain("<script>alert(1)</script>Ki-67 < 5%") == "Ki-67 < 5%"
