"""Whole built pyramids in and out of the portal (course bundles), through the storage layer.

Reading takes a tile from PYRAMID_DIR, or from the bucket when object storage holds it (without
filling this node's cache: an export reads every tile once). Installing moves a pyramid staged
on the same filesystem into PYRAMID_DIR in one rename and, with a bucket, uploads its tiles.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from . import object_storage, storage
from .deepzoom import DeepZoomGeometry
from .models import Slide


class PyramidIncomplete(Exception):
    """A tile the slide's geometry promises is not stored."""


def geometry(slide: Slide) -> DeepZoomGeometry:
    return DeepZoomGeometry(slide.width, slide.height, slide.tile_size)


def every_tile(shape: DeepZoomGeometry) -> Iterator[tuple[int, int, int]]:
    for level in range(shape.level_count):
        cols, rows = shape.tile_grid(level)
        for row in range(rows):
            for col in range(cols):
                yield level, col, row


def read_tile(slide: Slide, level: int, col: int, row: int) -> bytes:
    path = storage.tile_path(storage.pyramid_dir(slide.uuid), level, col, row)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    if object_storage.enabled():
        stored = object_storage.fetch_tile(str(slide.uuid), level, col, row)
        if stored is not None:
            return stored.data
    raise PyramidIncomplete(f"tile {level}/{col}_{row} of slide {slide.uuid} is not stored")


def tiles_of(slide: Slide) -> Iterator[tuple[int, int, int, bytes]]:
    """Every tile of a built pyramid, level by level; raises PyramidIncomplete at a gap."""
    if not slide.has_pyramid_geometry:
        raise PyramidIncomplete(f"slide {slide.uuid} has no pyramid")
    for level, col, row in every_tile(geometry(slide)):
        yield level, col, row, read_tile(slide, level, col, row)


def tile_digests(slide: Slide) -> Iterator[tuple[int, int, int, str]]:
    for level, col, row, data in tiles_of(slide):
        yield level, col, row, hashlib.sha256(data).hexdigest()


def staging_root() -> Path:
    """Beside PYRAMID_DIR (the same filesystem, so installing is a rename), never served."""
    root = Path(settings.SLIDES["PYRAMID_DIR"]).parent / "pyramid-staging"
    root.mkdir(parents=True, exist_ok=True)
    return root


def install(staged: Path, slide: Slide) -> None:
    """Make a complete staged pyramid the slide's own. The target must not exist yet."""
    target = storage.pyramid_dir(slide.uuid)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staged, target)
    if object_storage.enabled():
        shape = geometry(slide)
        for level in range(shape.level_count):
            cols, rows = shape.tile_grid(level)
            object_storage.upload_band(str(slide.uuid), target, level, (0, rows), cols)


def uninstall(slide_uuid) -> None:
    storage.remove_tree(storage.pyramid_dir(slide_uuid))
    if object_storage.enabled():
        object_storage.remove_slide(str(slide_uuid), original=False)
