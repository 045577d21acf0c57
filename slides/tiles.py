"""One path for every tile: `get_tile(slide, level, col, row)`.

A built tile is read from the pyramid with no database query (its path follows from the UUID);
with object storage, from this node's cache of the bucket, which a miss fills
(`cache_stored_tile`, after the slide is known to be viewable).
A tile not built yet is rendered from the original, so a slide can be viewed while its pyramid is
still being made. What the tile server needs to know about a slide (`TileInfo`) is cached, so a
cache miss costs one query per slide, never one per tile.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.cache import cache

from . import alias_links, object_storage, pyramid, storage
from .deepzoom import DeepZoomGeometry
from .models import Slide, SlideAlias
from .slide_source import SlideSource, TileReadError, open_shared
from .source_files import SlideRejected, openable

INFO_CACHE_SECONDS = 30
# A few seconds in this process before asking the shared cache again: a round trip to Redis
# per unbuilt tile was most of a cold tile's time.
LOCAL_INFO_SECONDS = 3.0
LOCAL_INFO_MAX = 512
_local_info: dict[str, tuple[float, TileInfo | None]] = {}


@dataclass(frozen=True)
class TileInfo:
    uuid: str
    width: int
    height: int
    tile_size: int
    source_path: str  # empty when the original is gone (the pyramid is complete)
    mpp: float | None
    objective_power: float | None

    @property
    def geometry(self) -> DeepZoomGeometry:
        return DeepZoomGeometry(self.width, self.height, self.tile_size)


@dataclass(frozen=True)
class Tile:
    data: bytes
    etag: str | None  # set for built, immutable tiles
    built: bool


def _info_key(slide_uuid: str) -> str:
    return f"slides:tile-info:{slide_uuid}"


def tile_info(slide_uuid: UUID | str) -> TileInfo | None:
    """Geometry of a viewable slide, or None. Cached; one query per slide on a miss."""
    now = time.monotonic()
    local = _local_info.get(str(slide_uuid))
    if local is not None and local[0] > now:
        return local[1]
    info = _shared_tile_info(slide_uuid)
    if len(_local_info) >= LOCAL_INFO_MAX:
        _local_info.clear()
    _local_info[str(slide_uuid)] = (now + LOCAL_INFO_SECONDS, info)
    return info


def _shared_tile_info(slide_uuid: UUID | str) -> TileInfo | None:
    key = _info_key(str(slide_uuid))
    info = cache.get(key)
    if info is not None:
        return info or None
    slide = Slide.objects.filter(uuid=slide_uuid).first()
    if slide is None:
        alias = SlideAlias.objects.select_related("slide").filter(alias=slide_uuid).first()
        slide = alias.slide if alias else None
    if slide is None or not slide.is_viewable:
        cache.set(key, False, 5)
        return None
    info = TileInfo(
        uuid=str(slide.uuid),
        width=slide.width,
        height=slide.height,
        tile_size=slide.tile_size,
        source_path=slide.source_path,
        mpp=slide.mpp,
        objective_power=slide.objective_power,
    )
    cache.set(key, info, INFO_CACHE_SECONDS)
    return info


def forget_tile_info(slide_uuid: UUID | str) -> None:
    _local_info.pop(str(slide_uuid), None)
    cache.delete(_info_key(str(slide_uuid)))


def _etag(public_id: str, stat: os.stat_result) -> str:
    # Keyed by the public id too, so an alias's tiles cannot be matched by ETag.
    digest = hashlib.blake2b(
        f"{public_id}:{stat.st_mtime_ns}:{stat.st_size}".encode(), digest_size=12
    )
    return f'"{digest.hexdigest()}"'


def read_built_tile(
    slide_uuid: str, level: int, col: int, row: int, public_id: str | None = None
) -> Tile | None:
    """A built tile from PYRAMID_DIR (with object storage: this node's cache), with no database
    query; None when not built.

    `slide_uuid` may also be an exam's alias that already has its link (`alias_links`): its
    tiles are read through the link, so the fast lane serves exam tiles as it serves others."""
    etag_id = public_id or slide_uuid
    tile = _read_tile_file(storage.pyramid_dir(slide_uuid), level, col, row, etag_id)
    if tile is None and public_id is None:
        linked = alias_links.linked_pyramid(slide_uuid)
        if linked is not None:
            tile = _read_tile_file(linked, level, col, row, etag_id)
    return tile


def _read_tile_file(folder, level: int, col: int, row: int, etag_id: str) -> Tile | None:
    path = storage.tile_path(folder, level, col, row)
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            return Tile(handle.read(), _etag(etag_id, stat), True)
    except (FileNotFoundError, NotADirectoryError):
        return None


def cache_stored_tile(
    slide_uuid: str, level: int, col: int, row: int, public_id: str | None = None
) -> Tile | None:
    """With object storage, a built tile fetched from the bucket into this node's cache (the
    layout of PYRAMID_DIR, so the fast lane and nginx find it next time); None when the bucket
    has no such tile or there is no bucket. Raises `ObjectStorageUnavailable`."""
    if not object_storage.enabled():
        return None
    stored = object_storage.fetch_tile(slide_uuid, level, col, row)
    if stored is None:
        return None
    path = storage.tile_path(storage.pyramid_dir(slide_uuid), level, col, row)
    storage.write_atomically(path, stored.data, modified=stored.modified)
    return read_built_tile(slide_uuid, level, col, row, public_id)


def _source_for(info: TileInfo) -> SlideSource | None:
    if not info.source_path:
        return None
    try:
        return open_shared(openable(storage.original_path(info.source_path)))
    except (OSError, SlideRejected):
        return None


def get_tile(public_id: str, level: int, col: int, row: int) -> Tile | None:
    """The JPEG of a tile, built or rendered on demand; None when there is no such tile.

    `public_id` is the slide's UUID or one of its aliases (an exam's opaque name)."""
    tile = read_built_tile(public_id, level, col, row)
    if tile is not None:
        return tile
    info = tile_info(public_id)
    if info is None or not info.geometry.has_tile(level, col, row):
        return None
    slide_uuid = info.uuid
    tile = None
    if slide_uuid != public_id:
        tile = read_built_tile(slide_uuid, level, col, row, public_id)
    if tile is None:
        # Only a viewable slide's own uuid reaches the bucket (never an alias, never a guess).
        tile = cache_stored_tile(slide_uuid, level, col, row, public_id)
    if tile is not None:
        if slide_uuid != public_id:
            # From now on nginx finds this alias's built tiles itself.
            alias_links.link_alias(public_id, slide_uuid)
        return tile
    source = _source_for(info)
    if source is None:
        if object_storage.enabled():
            return None  # not stored yet, and the original is on a worker, not here
        # The original went away between our look at the disk and now: the tile exists now.
        forget_tile_info(public_id)
        return read_built_tile(slide_uuid, level, col, row, public_id)
    try:
        data = pyramid.rendered_tile(
            source, info.geometry, level, col, row, settings.SLIDES["JPEG_QUALITY"]
        )
    except TileReadError:
        return None
    return Tile(data, None, False)
