"""Deep Zoom pyramid geometry: pure arithmetic, no I/O.

Level `max_level` is the full-resolution image (OpenSlide level 0); each level below halves the
dimensions (rounding up) down to a single pixel at level 0, as the Deep Zoom format defines.
Tiles have no overlap, so tile (col, row) at a level covers
[col*size, min((col+1)*size, level_width)) x [row*size, ...). Coordinates here are always in the
pixels of the level named; level-0-of-the-slide coordinates are `level pixels * downsample`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class DeepZoomGeometry:
    width: int
    height: int
    tile_size: int = 256

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1:
            raise ValueError("a pyramid needs at least one pixel")
        if self.tile_size < 1:
            raise ValueError("tile size must be positive")

    @property
    def max_level(self) -> int:
        return math.ceil(math.log2(max(self.width, self.height)))

    @property
    def level_count(self) -> int:
        return self.max_level + 1

    def downsample(self, level: int) -> int:
        """How many full-resolution pixels one pixel of `level` spans along each axis."""
        return 2 ** (self.max_level - level)

    def level_dimensions(self, level: int) -> tuple[int, int]:
        self._check_level(level)
        factor = self.downsample(level)
        return math.ceil(self.width / factor), math.ceil(self.height / factor)

    def deepest_level_within(self, size: int) -> int:
        """The most detailed level whose longer side is at most `size` pixels."""
        return max(
            (
                level
                for level in range(self.level_count)
                if max(self.level_dimensions(level)) <= size
            ),
            default=0,
        )

    def tile_grid(self, level: int) -> tuple[int, int]:
        """(columns, rows) of tiles at `level`."""
        width, height = self.level_dimensions(level)
        return math.ceil(width / self.tile_size), math.ceil(height / self.tile_size)

    def tile_count(self, level: int) -> int:
        cols, rows = self.tile_grid(level)
        return cols * rows

    @property
    def total_tiles(self) -> int:
        return sum(self.tile_count(level) for level in range(self.level_count))

    def has_tile(self, level: int, col: int, row: int) -> bool:
        if not 0 <= level <= self.max_level:
            return False
        cols, rows = self.tile_grid(level)
        return 0 <= col < cols and 0 <= row < rows

    def tile_box(self, level: int, col: int, row: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of a tile in the pixels of its level."""
        if not self.has_tile(level, col, row):
            raise ValueError(f"no tile {col},{row} at level {level}")
        width, height = self.level_dimensions(level)
        left, top = col * self.tile_size, row * self.tile_size
        return left, top, min(left + self.tile_size, width), min(top + self.tile_size, height)

    def row_bands(self, level: int, tiles_per_band: int) -> list[tuple[int, int]]:
        """Split a level's tile rows into [start, end) bands of about `tiles_per_band` tiles."""
        cols, rows = self.tile_grid(level)
        rows_per_band = max(1, tiles_per_band // cols)
        return [
            (start, min(start + rows_per_band, rows)) for start in range(0, rows, rows_per_band)
        ]

    def dzi_xml(self, tile_format: str = "jpeg") -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" '
            f'Format="{tile_format}" Overlap="0" TileSize="{self.tile_size}">'
            f'<Size Width="{self.width}" Height="{self.height}"/></Image>'
        )

    def _check_level(self, level: int) -> None:
        if not 0 <= level <= self.max_level:
            raise ValueError(f"level {level} outside 0..{self.max_level}")
