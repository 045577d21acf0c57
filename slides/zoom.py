"""How far the viewer may zoom into a slide, from its real resolution (no ORM, no I/O).

OpenSeadragon's `maxZoomPixelRatio` is the number of screen pixels one full-resolution image
pixel may cover at the deepest zoom. Past about two there is nothing more to see; a tiny image
(a thumbnail-sized test file) may be drawn a little larger so it can be seen at all, but never
beyond what a 40× scan zoomed twice shows, when the pixel size is known. The viewer also keeps
its home (whole slide) view within this limit, so a 16-pixel slide no longer opens at "810×".
"""

from __future__ import annotations

from dataclasses import dataclass

PIXEL_RATIO = 2.0  # a full-resolution pixel drawn at most 2 × 2 screen pixels
SMALL_IMAGE_SIDE = 512  # a smaller image may be enlarged up to this many screen pixels...
SMALL_IMAGE_MAX_RATIO = 8.0  # ...but never past 8 screen pixels per image pixel
MAX_MAGNIFICATION = 80.0  # 40× scan zoomed twice; 10 µm per pixel at 1×
MICROMETRES_AT_1X = 10.0


@dataclass(frozen=True)
class ZoomLimit:
    max_pixel_ratio: float
    max_magnification: float | None  # None when the pixel size is unknown


def zoom_limit(*, width: int | None, height: int | None, mpp: float | None) -> ZoomLimit:
    ratio = PIXEL_RATIO
    longest = max(width or 0, height or 0)
    if 0 < longest < SMALL_IMAGE_SIDE:
        ratio = min(max(PIXEL_RATIO, SMALL_IMAGE_SIDE / longest), SMALL_IMAGE_MAX_RATIO)
    if not mpp or mpp <= 0:
        return ZoomLimit(max_pixel_ratio=round(ratio, 3), max_magnification=None)
    native = MICROMETRES_AT_1X / mpp
    ratio = min(ratio, max(MAX_MAGNIFICATION / native, 1.0))
    return ZoomLimit(max_pixel_ratio=round(ratio, 3), max_magnification=round(native * ratio, 2))
