"""A fast lane for built Deep Zoom tiles, in front of Django.

Tile requests are most of a viewer's traffic and are authorised by their URL token alone (no
session, no database), so for a tile that is already on disk Django's middleware, URL resolver
and signals are pure overhead: about 85% of a warm tile's server time when measured. This WSGI
wrapper answers exactly those requests (GET/HEAD, valid token, tile file present) with the same
bytes and headers as `tile_views.deepzoom_tile`, and hands everything else, including tiles
still to be rendered from the original and every error, to Django unchanged.
"""

from __future__ import annotations

import re

from .tile_tokens import token_is_valid
from .tile_views import IMMUTABLE
from .tiles import read_built_tile

TILE_PATH = re.compile(
    r"^/slides/tiles/(?P<token>[0-9a-f]{1,16}-[A-Za-z0-9_-]{24})/"
    r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_files/"
    r"(?P<level>\d{1,3})/(?P<col>\d{1,7})_(?P<row>\d{1,7})\.jpeg$"
)


class BuiltTileFastLane:
    def __init__(self, django_app):
        self.django_app = django_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            match = TILE_PATH.match(environ.get("PATH_INFO", ""))
            if match and token_is_valid(match["uuid"], match["token"]):
                tile = read_built_tile(
                    match["uuid"], int(match["level"]), int(match["col"]), int(match["row"])
                )
                if tile is not None:
                    return self._respond(environ, start_response, tile)
        return self.django_app(environ, start_response)

    @staticmethod
    def _respond(environ, start_response, tile):
        headers = [("Cache-Control", IMMUTABLE), ("ETag", tile.etag)]
        if environ.get("HTTP_IF_NONE_MATCH") == tile.etag:
            start_response("304 Not Modified", headers)
            return [b""]
        headers += [("Content-Type", "image/jpeg"), ("Content-Length", str(len(tile.data)))]
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else tile.data]
