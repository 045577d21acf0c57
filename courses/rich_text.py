"""Sanitising the rich text educators write (clinical history, discussion): pure.

`markdown_text.py` renders Markdown and sanitises the result with this allow-list."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "a", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """HTML safe to render as is: a small set of formatting tags, links with safe schemes only,
    no scripts, styles, event handlers or embedded content."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()
