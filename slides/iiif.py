"""IIIF Image API 3.0 request parsing and the info.json document: pure, no I/O.

Supports compliance level 2: regions full/square/x,y,w,h/pct:, sizes max/w,/,h/pct:n/w,h/!w,h
(with ^ for upscaling), rotation by multiples of 90 with mirroring, qualities default/color/gray/
bitonal, formats jpg/png/webp. Syntax errors raise `IIIFError` (an HTTP 400).

Every image is rendered on demand from a token anyone holding it may use, so the output size is
capped and the cap is declared in info.json (`maxWidth`, `maxHeight`, `maxArea`). As the Image API
3.0 (section 4.2) prescribes: `max` and `!w,h` shrink to fit the cap (and, without `^`, the
region), `^max` scales up to the cap, and any other size beyond the cap, or beyond the region
without `^`, is a 400 Bad Request.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CONTEXT = "http://iiif.io/api/image/3/context.json"
QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# 4096 px a side (16.8 Mpx, ~50 MB of RGB to compose) is more than any screen shows at once yet
# keeps one request's memory and CPU small enough that a token holder cannot tie up a web node.
MAX_WIDTH = 4096
MAX_HEIGHT = 4096
MAX_AREA = 4096 * 4096
_NUMBER = r"\d+(?:\.\d+)?"
_PX_REGION = re.compile(r"^(\d+),(\d+),(\d+),(\d+)$")
_PCT_REGION = re.compile(rf"^pct:({_NUMBER}),({_NUMBER}),({_NUMBER}),({_NUMBER})$")
_WH = re.compile(r"^(\d*),(\d*)$")
_PCT_SIZE = re.compile(rf"^pct:({_NUMBER})$")


def _round(value: float) -> int:
    """Half up, as clients computing sizes from the other dimension expect (not banker's)."""
    return math.floor(value + 0.5)


class IIIFError(ValueError):
    """The request is not valid IIIF Image API syntax, or asks for too much."""


@dataclass(frozen=True)
class ImageRequest:
    region: tuple[int, int, int, int]  # x, y, w, h in full-resolution pixels, inside the image
    size: tuple[int, int]
    rotation: int
    mirror: bool
    quality: str
    format: str

    @property
    def box(self) -> tuple[int, int, int, int]:
        x, y, w, h = self.region
        return x, y, x + w, y + h


def parse_region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if match := _PX_REGION.match(text):
        x, y, w, h = (int(v) for v in match.groups())
    elif match := _PCT_REGION.match(text):
        px, py, pw, ph = (float(v) for v in match.groups())
        x, y = _round(px * width / 100), _round(py * height / 100)
        w, h = _round(pw * width / 100), _round(ph * height / 100)
    else:
        raise IIIFError(f"region {text!r} is not valid")
    if w <= 0 or h <= 0:
        raise IIIFError("region must have a positive width and height")
    if x >= width or y >= height:
        raise IIIFError("region lies outside the image")
    return x, y, min(w, width - x), min(h, height - y)


def _within_limits(w: int, h: int) -> bool:
    return w <= MAX_WIDTH and h <= MAX_HEIGHT and w * h <= MAX_AREA


def _fitted(region_w: int, region_h: int, scale: float, upscale: bool) -> tuple[int, int]:
    """The region at `scale`, shrunk where needed to the server's limits and, without `^`, to
    the region itself: what `max` and `!w,h` ask for."""
    largest = min(
        MAX_WIDTH / region_w, MAX_HEIGHT / region_h, math.sqrt(MAX_AREA / (region_w * region_h))
    )
    if not upscale:
        largest = min(largest, 1.0)
    if scale <= largest:
        w, h = _round(region_w * scale), _round(region_h * scale)
        if _within_limits(w, h) and (upscale or (w <= region_w and h <= region_h)):
            return max(1, w), max(1, h)
    # Rounding down at the limit keeps the result inside it.
    return max(1, math.floor(region_w * largest)), max(1, math.floor(region_h * largest))


def parse_size(text: str, region_w: int, region_h: int) -> tuple[int, int]:
    upscale = text.startswith("^")
    body = text[1:] if upscale else text
    if body == "max":
        return _fitted(region_w, region_h, math.inf if upscale else 1.0, upscale)
    if match := _PCT_SIZE.match(body):
        pct = float(match.group(1))
        if pct <= 0 or (pct > 100 and not upscale):
            raise IIIFError("size percentage out of range")
        w, h = _round(region_w * pct / 100), _round(region_h * pct / 100)
    else:
        confined = body.startswith("!")
        match = _WH.match(body[1:] if confined else body)
        if not match:
            raise IIIFError(f"size {text!r} is not valid")
        w_text, h_text = match.groups()
        if confined:
            if not (w_text and h_text):
                raise IIIFError("!w,h needs both dimensions")
            scale = min(int(w_text) / region_w, int(h_text) / region_h)
            w, h = _fitted(region_w, region_h, scale, upscale)
        elif w_text and h_text:
            w, h = int(w_text), int(h_text)
        elif w_text:
            w = int(w_text)
            h = _round(region_h * w / region_w)
        elif h_text:
            h = int(h_text)
            w = _round(region_w * h / region_h)
        else:
            raise IIIFError("size needs a width or a height")
    if w < 1 or h < 1:
        raise IIIFError("size must be at least one pixel")
    if not upscale and (w > region_w or h > region_h):
        raise IIIFError("size is larger than the region; use ^ to ask for upscaling")
    if not _within_limits(w, h):
        raise IIIFError(
            f"size is larger than this server delivers (maxWidth {MAX_WIDTH}, maxHeight "
            f"{MAX_HEIGHT}, maxArea {MAX_AREA})"
        )
    return w, h


def parse_rotation(text: str) -> tuple[int, bool]:
    mirror = text.startswith("!")
    body = text[1:] if mirror else text
    try:
        degrees = float(body)
    except ValueError as error:
        raise IIIFError(f"rotation {text!r} is not valid") from error
    if degrees not in (0, 90, 180, 270, 360):
        raise IIIFError("only rotations by multiples of 90 degrees are supported")
    return int(degrees) % 360, mirror


def parse_request(
    region: str, size: str, rotation: str, quality: str, fmt: str, width: int, height: int
) -> ImageRequest:
    if quality not in QUALITIES:
        raise IIIFError(f"quality {quality!r} is not supported")
    if fmt not in FORMATS:
        raise IIIFError(f"format {fmt!r} is not supported")
    x, y, w, h = parse_region(region, width, height)
    out = parse_size(size, w, h)
    degrees, mirror = parse_rotation(rotation)
    return ImageRequest((x, y, w, h), out, degrees, mirror, quality, fmt)


def info_document(service_id: str, width: int, height: int, tile_size: int, levels: int) -> dict:
    return {
        "@context": CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level2",
        "width": width,
        "height": height,
        "maxWidth": MAX_WIDTH,
        "maxHeight": MAX_HEIGHT,
        "maxArea": MAX_AREA,
        "tiles": [{"width": tile_size, "scaleFactors": [2**i for i in range(levels)]}],
        "extraFormats": ["png", "webp"],
        "extraQualities": ["color", "gray", "bitonal"],
        "extraFeatures": [
            "mirroring",
            "regionByPct",
            "regionByPx",
            "regionSquare",
            "rotationBy90s",
            "sizeByConfinedWh",
            "sizeByH",
            "sizeByPct",
            "sizeByW",
            "sizeByWh",
            "sizeUpscaling",
        ],
    }


def aligned_tile(
    request: ImageRequest, width: int, height: int, tile_size: int, max_level: int
) -> tuple[int, int, int] | None:
    """(level, col, row) when the request is exactly one Deep Zoom tile as a plain JPEG."""
    if request.rotation or request.mirror or request.format != "jpg":
        return None
    if request.quality not in ("default", "color"):
        return None
    x, y, w, h = request.region
    out_w, out_h = request.size
    for steps in range(max_level + 1):
        factor = 2**steps
        span = tile_size * factor
        if x % span or y % span:
            continue
        if w != min(span, width - x) or h != min(span, height - y):
            continue
        if (out_w, out_h) != (math.ceil(w / factor), math.ceil(h / factor)):
            continue
        return max_level - steps, x // span, y // span
    return None
