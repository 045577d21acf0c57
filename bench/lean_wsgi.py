"""A prototype of the fix suggested in bench/FINDINGS.md, for measurement only (not the portal).

`application` answers Deep Zoom tile URLs before Django's handler: the same token check
(`slides.tile_tokens.token_is_valid`), the same `slides.tiles.get_tile`, the same headers, but no
middleware, URL resolver or request signals; with `TILE_INFO_MEMO=1` it also keeps `TileInfo` in
a per-process memo for a few seconds instead of asking the shared cache for every unbuilt tile.
Every other URL goes to the portal's own WSGI application.

    gunicorn bench.lean_wsgi:application -w 4 --threads 4      # python -m bench.experiment
"""

from __future__ import annotations

import os
import re
import threading
import time

from portal.wsgi import application as django_application
from slides import tiles
from slides.tile_tokens import token_is_valid
from slides.tile_views import IMMUTABLE, RENDERED

TILE = re.compile(
    r"^/slides/tiles/(?P<token>[0-9]{1,12}-[A-Za-z0-9_-]{22})/"
    r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_files/"
    r"(?P<level>[0-9]+)/(?P<col>[0-9]+)_(?P<row>[0-9]+)\.jpeg$"
)
MEMO_SECONDS = 5.0

if os.environ.get("TILE_INFO_MEMO") == "1":
    _shared_tile_info = tiles.tile_info
    _memo: dict[str, tuple[float, object]] = {}
    _lock = threading.Lock()

    def _memo_tile_info(slide_uuid):
        key = str(slide_uuid)
        now = time.monotonic()
        entry = _memo.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        info = _shared_tile_info(key)
        with _lock:
            if len(_memo) > 1000:
                _memo.clear()
            _memo[key] = (now + MEMO_SECONDS, info)
        return info

    tiles.tile_info = _memo_tile_info


def application(environ, start_response):
    match = TILE.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "GET":
        return django_application(environ, start_response)
    subject = match["uuid"]
    tile = None
    if token_is_valid(subject, match["token"]):
        tile = tiles.get_tile(subject, int(match["level"]), int(match["col"]), int(match["row"]))
    if tile is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found"]
    headers = [("Cache-Control", IMMUTABLE if tile.built else RENDERED)]
    if tile.etag:
        headers.append(("ETag", tile.etag))
        if environ.get("HTTP_IF_NONE_MATCH") == tile.etag:
            start_response("304 Not Modified", headers)
            return [b""]
    headers += [("Content-Type", "image/jpeg"), ("Content-Length", str(len(tile.data)))]
    start_response("200 OK", headers)
    return [tile.data]
