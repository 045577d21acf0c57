"""The slides and tile URL lists the load tests request.

Portal and nginx URLs follow the portal's Deep Zoom pattern,
`/slides/tiles/<token>/<uuid>_files/<level>/<col>_<row>.jpeg`; the baseline serves
`/<level>/<col>_<row>.jpeg` on its own (254 px, overlap 1) grid.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

from .environment import DATA


def cold_slide(slide: Path):
    """A slide whose geometry is known but whose pyramid is not built: every tile renders on
    demand from the original (the state of a slide while its build is queued or running)."""
    from slides import pipeline, services
    from slides.models import Slide

    staging = DATA / "upload-tmp"
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / f"bench-cold-{time.monotonic_ns()}{slide.suffix}"
    shutil.copyfile(slide, staged)
    record = services.create_slide(
        uploaded_by=None,
        original=staged,
        original_name=f"bench{slide.suffix}",
        title="bench cold",
        move=True,
    )
    pipeline.inspect(record.id, dispatch=lambda step: None)  # no band is queued
    record.refresh_from_db()
    if record.status != Slide.Status.PROCESSING or not record.width:
        raise RuntimeError(f"cold slide ended in {record.status}: {record.failure_reason}")
    return record


def portal_deepest_tiles(record) -> list[str]:
    """Every full-resolution tile URL of a slide, in grid order."""
    from slides.deepzoom import DeepZoomGeometry
    from slides.tile_tokens import make_token

    geometry = DeepZoomGeometry(record.width, record.height, record.tile_size)
    level = geometry.max_level
    columns, rows = geometry.tile_grid(level)
    uuid = str(record.uuid)
    prefix = f"/slides/tiles/{make_token(uuid)}/{uuid}_files/{level}"
    return [f"{prefix}/{col}_{row}.jpeg" for row in range(rows) for col in range(columns)]


def baseline_deepest_tiles(slide: Path) -> list[str]:
    """Every full-resolution tile URL of the baseline server (openslide DeepZoomGenerator)."""
    import openslide
    from openslide.deepzoom import DeepZoomGenerator

    with openslide.OpenSlide(slide) as osr:
        generator = DeepZoomGenerator(osr, tile_size=254, overlap=1, limit_bounds=False)
        level = generator.level_count - 1
        columns, rows = generator.level_tiles[level]
    return [f"/{level}/{col}_{row}.jpeg" for row in range(rows) for col in range(columns)]


def split_warmup(urls: list[str], warmup: int, seed: int) -> tuple[list[str], list[str]]:
    """A shuffled copy of `urls` cut into (warm-up URLs, measured URLs) that never overlap."""
    shuffled = list(urls)
    random.Random(seed).shuffle(shuffled)
    warmup = min(warmup, len(shuffled) // 10)
    return shuffled[:warmup], shuffled[warmup:]
