"""A small crawler for leak tests: follows every link, src, hx-get, data-*-url and URL-like
JSON string a logged-in client can reach, GET only."""

from __future__ import annotations

import json
import re
from collections import deque
from urllib.parse import urljoin, urlparse

LINK = re.compile(r"""(?:href|src|action|hx-get|data-[a-z-]*url)=["']([^"'#]+)["']""")
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/")


def _urls_in(body: str) -> set[str]:
    found = set(LINK.findall(body))
    if body.lstrip().startswith(("{", "[")):
        try:
            found |= {v for v in _json_strings(json.loads(body)) if "/" in v}
        except json.JSONDecodeError:
            pass
    return found


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def crawl(client, start: list[str], limit: int = 300) -> dict[str, bytes]:
    """Breadth first, links in sorted order: the start pages are always visited, and the same
    pages are reached in every run (a depth-first walk in set order could spend the whole
    budget in one corner, such as the API schema's URL templates, and miss the viewer)."""
    seen: dict[str, bytes] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = urlparse(url).path if url.startswith("http") else url
        if not path.startswith("/") or path in seen or path.startswith(SKIP_PREFIXES):
            continue
        response = client.get(path, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[path] = body + str(dict(response.headers)).encode()
        if "text" in response.get("Content-Type", "") or "json" in response.get("Content-Type", ""):
            for link in sorted(_urls_in(body.decode("utf-8", "replace"))):
                queue.append(urljoin(path, link))
    return seen
