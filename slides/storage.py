"""Where slide files live: private originals, servable pyramids, quarantine.

Paths are derived from a slide's public UUID only, so the tile server can find a tile without a
database query. Pyramids may sit on a disk shared by every web and worker machine; originals must
be on a local-path filesystem because OpenSlide opens them by path. With object storage
(`object_storage.py`) these folders are each machine's own: a worker's scratch, a web node's
cache of tiles, in the same layout.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from uuid import UUID

from django.conf import settings

TILE_SUFFIX = ".jpeg"
TEMP_SUFFIX = ".tmp"


def incoming_dir(slide_uuid: UUID | str) -> Path:
    return Path(settings.SLIDES["INCOMING_DIR"]) / str(slide_uuid)


def original_path(source_path: str) -> Path:
    """The stored original behind `Slide.source_path` (relative to the incoming folder)."""
    return Path(settings.SLIDES["INCOMING_DIR"]) / source_path


def quarantine_dir(slide_uuid: UUID | str) -> Path:
    return Path(settings.SLIDES["QUARANTINE_DIR"]) / str(slide_uuid)


def pyramid_dir(slide_uuid: UUID | str) -> Path:
    return Path(settings.SLIDES["PYRAMID_DIR"]) / str(slide_uuid)


def tile_path(pyramid: Path, level: int, col: int, row: int) -> Path:
    """Deep Zoom's own layout, so a static file server could serve the folder as it is."""
    return pyramid / str(level) / f"{col}_{row}{TILE_SUFFIX}"


def write_atomically(path: Path, data: bytes, *, modified: float | None = None) -> None:
    """Readers see the whole file or none of it: write beside, then rename over.

    `modified` sets the file's modification time (a tile cached from object storage takes the
    object's, so every web node derives the same ETag)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    with open(temp, "wb") as handle:
        handle.write(data)
    if modified is not None:
        os.utime(temp, (modified, modified))
    os.replace(temp, path)


def remove_temporary_files(pyramid: Path) -> int:
    """Delete leftovers of writers that died between write and rename; returns how many."""
    removed = 0
    for temp in pyramid.rglob(f"*{TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)
        removed += 1
    return removed


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
