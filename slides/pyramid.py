"""Building the de-identified Deep Zoom pyramid, one band of tile rows at a time.

The full-resolution level comes from the original: raw JPEG copies when the source grid is the
served grid (edge tiles cropped), otherwise OpenSlide renders. Every lower level is made from the
level above, 2×2 tiles into one, decoding the children at half size in the DCT domain; so each
full-resolution tile is decoded exactly once, which is also what proves it is readable.

Work is idempotent (existing tiles are skipped) and crash-safe (tiles are written to a temporary
name and renamed), so a band can run twice or be cut short and re-run.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from . import storage
from .deepzoom import DeepZoomGeometry
from .slide_source import SlideSource, TileReadError, decode_jpeg, encode_jpeg

WHITE = (255, 255, 255)


def full_resolution_tile(
    source: SlideSource, geometry: DeepZoomGeometry, col: int, row: int, quality: int
) -> bytes:
    """Tile (col, row) of the top level as JPEG bytes."""
    left, top, right, bottom = geometry.tile_box(geometry.max_level, col, row)
    size = (right - left, bottom - top)
    if source.raw is not None and source.raw.tile_size == geometry.tile_size:
        data = source.raw_tile(col, row)
        if size == (geometry.tile_size, geometry.tile_size):
            return data
        # Edge tiles in a TIFF are padded to full size; Deep Zoom wants them cropped.
        return encode_jpeg(decode_jpeg(data).crop((0, 0, *size)), quality)
    return encode_jpeg(source.read_region((left, top, right, bottom), size), quality)


def rendered_tile(
    source: SlideSource, geometry: DeepZoomGeometry, level: int, col: int, row: int, quality: int
) -> bytes:
    """Any tile rendered straight from the original (used while the pyramid is being built)."""
    if level == geometry.max_level:
        return full_resolution_tile(source, geometry, col, row, quality)
    left, top, right, bottom = geometry.tile_box(level, col, row)
    factor = geometry.downsample(level)
    box = (
        left * factor,
        top * factor,
        min(right * factor, geometry.width),
        min(bottom * factor, geometry.height),
    )
    return encode_jpeg(source.read_region(box, (right - left, bottom - top)), quality)


def tile_from_children(
    pyramid: Path, geometry: DeepZoomGeometry, level: int, col: int, row: int, quality: int
) -> bytes:
    """Tile (col, row) of `level` from its up-to-four children at `level + 1`."""
    left, top, right, bottom = geometry.tile_box(level, col, row)
    canvas = Image.new("RGB", (right - left, bottom - top), WHITE)
    half = geometry.tile_size // 2
    for dy in (0, 1):
        for dx in (0, 1):
            child_col, child_row = 2 * col + dx, 2 * row + dy
            if not geometry.has_tile(level + 1, child_col, child_row):
                continue
            path = storage.tile_path(pyramid, level + 1, child_col, child_row)
            try:
                data = path.read_bytes()
            except FileNotFoundError as error:
                raise TileReadError(
                    f"tile {child_col},{child_row} of level {level + 1} is missing"
                ) from error
            try:
                child = decode_jpeg(data, half=True)
            except TileReadError as error:
                raise TileReadError(
                    f"tile {child_col},{child_row} of level {level + 1} is corrupt ({error})"
                ) from error
            c_left, c_top, c_right, c_bottom = geometry.tile_box(level + 1, child_col, child_row)
            expected = ((c_right - c_left + 1) // 2, (c_bottom - c_top + 1) // 2)
            if child.size != expected:
                child = child.resize(expected, Image.Resampling.BOX)
            canvas.paste(child, (dx * half, dy * half))
    return encode_jpeg(canvas, quality)


def build_band(
    source: SlideSource | None,
    geometry: DeepZoomGeometry,
    pyramid: Path,
    level: int,
    rows: tuple[int, int],
    quality: int,
) -> int:
    """Write every missing tile of rows [start, end) of `level`; returns how many it wrote."""
    columns, _ = geometry.tile_grid(level)
    written = 0
    for row in range(*rows):
        for col in range(columns):
            path = storage.tile_path(pyramid, level, col, row)
            if path.exists():
                continue
            if level == geometry.max_level:
                if source is None:
                    raise TileReadError("the original is no longer available")
                data = full_resolution_tile(source, geometry, col, row, quality)
            else:
                data = tile_from_children(pyramid, geometry, level, col, row, quality)
            storage.write_atomically(path, data)
            written += 1
    return written


def missing_tiles(geometry: DeepZoomGeometry, pyramid: Path) -> list[tuple[int, int, int]]:
    """Every (level, col, row) whose tile file is absent."""
    present = {
        level: {p.name for p in (pyramid / str(level)).glob(f"*{storage.TILE_SUFFIX}")}
        for level in range(geometry.level_count)
    }
    return missing_from(geometry, present)


def missing_from(
    geometry: DeepZoomGeometry, present: dict[int, set[str]]
) -> list[tuple[int, int, int]]:
    """Every (level, col, row) whose `<col>_<row>.jpeg` is not among `present[level]`."""
    missing = []
    for level in range(geometry.level_count):
        columns, rows = geometry.tile_grid(level)
        names = present.get(level, set())
        for row in range(rows):
            for col in range(columns):
                if f"{col}_{row}{storage.TILE_SUFFIX}" not in names:
                    missing.append((level, col, row))
    return missing
