"""The synthetic slide the benchmark measures.

The project's generator (`fixtures.synthetic.make_svs`, an Aperio-style SVS with JPEG tiles) is
used when it is importable. Otherwise a small stand-in writes a JPEG-tiled pyramidal TIFF with
tifffile (OpenSlide's "generic-tiff"), so the benchmark does not depend on work in progress.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

TILE = 256
QUALITY = 80


def make_slide(directory: Path, width: int, height: int) -> tuple[Path, str]:
    """Write (or reuse) the slide; returns its path and which generator made it."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        from fixtures.synthetic import make_svs
    except ImportError:
        make_svs = None
    if make_svs is not None:
        stem = f"bench-{width}x{height}"
        existing = directory / f"{stem}.svs"
        if existing.exists() and _opens(existing, width, height):
            return existing, "fixtures.synthetic.make_svs (reused)"
        path = make_svs(directory, width=width, height=height, tile_size=TILE, stem=stem)
        return Path(path), "fixtures.synthetic.make_svs"
    path = directory / f"bench-{width}x{height}.tiff"
    if not (path.exists() and _opens(path, width, height)):
        write_tiled_tiff(path, width, height)
    return path, "bench.slidegen.write_tiled_tiff (fallback)"


def _opens(path: Path, width: int, height: int) -> bool:
    import openslide

    try:
        with openslide.OpenSlide(path) as slide:
            return slide.dimensions == (width, height)
    except openslide.OpenSlideError:
        return False


def _texture(x0: int, y0: int, size: int, downsample: int) -> np.ndarray:
    """A deterministic, tissue-coloured, JPEG-unfriendly-enough pattern for one tile."""
    ys = (y0 + np.arange(size, dtype=np.float32)) * downsample
    xs = (x0 + np.arange(size, dtype=np.float32)) * downsample
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    wave = np.sin(xx / 37.0) * np.cos(yy / 23.0) + np.sin((xx + yy) / 91.0)
    rng = np.random.default_rng((x0 * 7919 + y0 * 104729 + downsample) & 0xFFFFFFFF)
    noise = rng.integers(0, 24, size=(size, size), dtype=np.int16)
    base = (wave * 30).astype(np.int16) + noise
    tile = np.empty((size, size, 3), dtype=np.uint8)
    tile[..., 0] = np.clip(200 + base, 0, 255)
    tile[..., 1] = np.clip(140 + base, 0, 255)
    tile[..., 2] = np.clip(190 + base // 2, 0, 255)
    return tile


def write_tiled_tiff(path: Path, width: int, height: int) -> Path:
    """A JPEG-tiled pyramidal TIFF: level 0 then each half-size level as its own directory."""
    import tifffile

    def tiles(level_w: int, level_h: int, downsample: int) -> Iterator[np.ndarray]:
        for y in range(0, level_h, TILE):
            for x in range(0, level_w, TILE):
                yield _texture(x, y, TILE, downsample)

    with tifffile.TiffWriter(path, bigtiff=width * height * 3 > 2**31) as tif:
        downsample = 1
        while True:
            level_w = math.ceil(width / downsample)
            level_h = math.ceil(height / downsample)
            tif.write(
                tiles(level_w, level_h, downsample),
                shape=(level_h, level_w, 3),
                dtype=np.uint8,
                tile=(TILE, TILE),
                photometric="rgb",
                compression="jpeg",
                compressionargs={"level": QUALITY},
                subfiletype=0 if downsample == 1 else 1,
                metadata=None,
            )
            if max(level_w, level_h) <= TILE:
                break
            downsample *= 2
    return path
