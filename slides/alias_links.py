"""Links that let nginx find an exam alias's built tiles without asking the database.

An exam shows its slides under an alias (`SlideAlias`), an opaque public id with no pyramid
folder of its own, so a front server that maps tile URLs to files (deploy/nginx/portal.conf)
would find nothing under it. `ALIAS_LINK_DIR/<alias>` is a symbolic link to the slide's pyramid
folder, made the first time Django serves a built tile under the alias (`tiles.get_tile`); from
then on nginx serves that alias's tiles itself, and so does the WSGI fast lane
(`tiles.read_built_tile`, `tile_wsgi`), with no database query either way. The link's name is
the alias, which only a valid token for the alias reaches.

It cannot go stale: an alias never changes slide. When the slide is deleted its pyramid goes and
the link dangles, so nginx finds no file and hands the request to Django, which answers 404.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from django.conf import settings

from . import storage

logger = logging.getLogger(__name__)

# Every alias tile Django serves asks for its link; resolving the pyramid folder each time is a
# walk of the path on disk. A folder's resolved path does not change while the process runs, so
# it is kept here (bounded: cleared when full, as tiles' local info is).
RESOLVED_MAX = 1024
_resolved: dict[str, str] = {}


def _resolved_pyramid(slide_uuid: str) -> str:
    folder = str(storage.pyramid_dir(slide_uuid))
    target = _resolved.get(folder)
    if target is None:
        target = str(Path(folder).resolve())
        if len(_resolved) >= RESOLVED_MAX:
            _resolved.clear()
        _resolved[folder] = target
    return target


def linked_pyramid(alias: str) -> Path | None:
    """Where `alias`'s link would be (it may not exist yet); None when links are switched off.
    `alias` must already be known to be an id (the tile URL's pattern checks it)."""
    folder = settings.SLIDES.get("ALIAS_LINK_DIR")
    return Path(folder) / alias if folder else None


def link_alias(alias: str, slide_uuid: str) -> None:
    """Make (or repair) the link from `alias` to the pyramid of `slide_uuid`; idempotent, and
    safe when several processes do it at once (the link appears whole, by rename)."""
    link = linked_pyramid(alias)
    if link is None:
        return
    target = _resolved_pyramid(slide_uuid)
    try:
        if os.readlink(link) == target:
            return
    except OSError:
        pass  # no link yet (or something else in its place, which the rename replaces)
    temporary = link.with_name(f".{alias}.{secrets.token_hex(4)}.tmp")
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, temporary)
        os.replace(temporary, link)
    except OSError:
        # Only a speed-up: without the link Django keeps serving the alias's tiles.
        logger.warning("could not link alias %s to %s", alias, target, exc_info=True)
