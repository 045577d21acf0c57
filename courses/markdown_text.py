"""Markdown that educators write, rendered to HTML safe to show as is: pure.

CommonMark (markdown-it-py) with raw HTML allowed, so the simple HTML educators typed before
Markdown (case histories and discussions) renders as it did; then everything goes through nh3
with the allow-list below. The sanitiser, not the Markdown parser, is the safety
line: a scheme, tag or attribute the parser lets through is still removed.

Headings are moved two levels down (`#` is an `h3`): the page around the text owns `h1` and
`h2`. Images are not shown (an educator's text may not make a trainee's browser fetch anything);
their alt text stays as plain text. Single line breaks are kept (`breaks`), as the plain-text
fields these replace kept them.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

HEADING_SHIFT = 2
BLOCK_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5", "h6",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "a", "span",
    "code", "pre", "hr",
}  # fmt: skip
# Inside a label, an option or a sentence: no paragraphs, lists, tables or headings.
INLINE_TAGS = {"strong", "b", "em", "i", "u", "sub", "sup", "a", "code", "br", "span"}
# What one preview may send: far above any case, well below a memory worry.
MAX_SOURCE_CHARS = 100_000
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _image_as_alt_text(self, tokens, idx, options, env) -> str:
    return escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _shifted_heading(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable("table")
    md.add_render_rule("image", _image_as_alt_text)
    md.add_render_rule("heading_open", _shifted_heading)
    md.add_render_rule("heading_close", _shifted_heading)
    return md


_MD = _parser()


_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _safe_href(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link whose address, once percent-escapes, spaces and control characters are
    taken out, would start with a scheme other than http(s)/mailto (`jav%09ascript:`): browsers
    read it as a harmless relative path today, but nothing is lost by not betting on that."""
    if attribute != "href":
        return value
    squeezed = "".join(ch for ch in unquote(value) if ch > " ").lower()
    scheme = _SCHEME.match(squeezed)
    if scheme and scheme.group(1) not in URL_SCHEMES:
        return None
    return value


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_safe_href,
        link_rel="noopener noreferrer",
    ).strip()


def render(text: str) -> str:
    """Markdown (or the simple HTML written before it) as sanitised block HTML: paragraphs,
    lists, tables, headings from h3, quotes, code; links only http(s), mailto or relative."""
    return _clean(_MD.render(text or ""), BLOCK_TAGS)


def render_inline(text: str) -> str:
    """One line of Markdown (an option, a feedback sentence, a tour stop) as sanitised inline
    HTML: emphasis, code and links; no paragraph around it."""
    return _clean(_MD.renderInline(text or ""), INLINE_TAGS)


def render_plain(text: str) -> str:
    """The words of the Markdown without its markup, for one-line summaries (lists of questions,
    table headers). Plain text: the template escapes it."""
    words = nh3.clean(_MD.render(text or ""), tags=set())
    return " ".join(unescape(words).split())
