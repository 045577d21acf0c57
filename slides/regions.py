"""Pictures of any part of a slide, assembled from its Deep Zoom tiles (built or on demand).

Used by thumbnails and by IIIF requests that do not fall exactly on one tile. Never reads the
original directly, so whatever it returns is as de-identified as the tiles themselves.
"""

from __future__ import annotations

import io
import math

from PIL import Image

from .deepzoom import DeepZoomGeometry
from .tiles import get_tile

WHITE = (255, 255, 255)


class RegionUnavailable(Exception):
    """A tile needed for the region could not be had."""


def best_level(geometry: DeepZoomGeometry, scale: float) -> int:
    """The smallest level still at least as detailed as `scale` output pixels per level-0 pixel."""
    if scale >= 1:
        return geometry.max_level
    steps = math.floor(math.log2(1 / scale) + 1e-9)
    return max(0, geometry.max_level - steps)


def compose(
    slide_uuid: str, geometry: DeepZoomGeometry, level: int, box: tuple[int, int, int, int]
) -> Image.Image:
    """The pixels of `box` (left, top, right, bottom in pixels of `level`) as one RGB image."""
    left, top, right, bottom = box
    size = geometry.tile_size
    canvas = Image.new("RGB", (right - left, bottom - top), WHITE)
    for row in range(top // size, (bottom - 1) // size + 1):
        for col in range(left // size, (right - 1) // size + 1):
            tile = get_tile(slide_uuid, level, col, row)
            if tile is None:
                raise RegionUnavailable(f"tile {col},{row} of level {level}")
            image = Image.open(io.BytesIO(tile.data))
            image.load()
            canvas.paste(image.convert("RGB"), (col * size - left, row * size - top))
    return canvas


def level0_region(
    slide_uuid: str,
    geometry: DeepZoomGeometry,
    box: tuple[int, int, int, int],
    out: tuple[int, int],
) -> Image.Image:
    """A level-0 box scaled to `out` pixels, read from the level just detailed enough."""
    left, top, right, bottom = box
    scale = max(out[0] / (right - left), out[1] / (bottom - top))
    level = best_level(geometry, scale)
    factor = geometry.downsample(level)
    level_width, level_height = geometry.level_dimensions(level)
    level_box = (
        left // factor,
        top // factor,
        min(level_width, math.ceil(right / factor)),
        min(level_height, math.ceil(bottom / factor)),
    )
    image = compose(slide_uuid, geometry, level, level_box)
    if image.size != out:
        image = image.resize(out, Image.Resampling.LANCZOS)
    return image
