"""The slide pipeline's steps: inspect → build bands level by level → verify.

Each step takes an id, re-reads the row, returns quietly when there is nothing to do (deleted,
already done, already failed), and turns every expected failure into FAILED with a reason a
person can act on. Celery tasks in `tasks.py` are one-line wrappers around these functions, and
`run_inline` chains them in-process (demo seeding, tests, the benchmark's single-process mode).
"""

from __future__ import annotations

import logging

import openslide
from django.conf import settings

from . import pyramid, services, storage
from .deepzoom import DeepZoomGeometry
from .deidentify import allowed_metadata
from .models import PyramidChunk, Slide
from .slide_source import (
    Limits,
    SlideSource,
    TileReadError,
    forget_open_sources,
    open_shared,
    without_paths,
)
from .source_files import SlideRejected, openable, prepare_source

logger = logging.getLogger(__name__)
CRASHED_REASON = (
    "Processing was abandoned after {attempts} attempts that crashed the worker or ran out of "
    "time. The file is probably damaged."
)


def inspect(slide_id: int) -> None:
    """Open the original, enforce limits, read a few pixels, keep only allow-listed metadata,
    plan the pyramid and queue its first level."""
    slide = Slide.objects.filter(pk=slide_id).first()
    if slide is None or slide.status != Slide.Status.UPLOADED:
        return
    attempts = services.note_inspection_attempt(slide)
    if attempts > settings.SLIDES["MAX_TASK_ATTEMPTS"]:
        services.fail_slide(slide=slide, reason=CRASHED_REASON.format(attempts=attempts - 1))
        return
    try:
        config = settings.SLIDES
        path = prepare_source(
            storage.original_path(slide.source_path),
            max_members=config["MAX_ZIP_MEMBERS"],
            max_bytes=config["MAX_ZIP_BYTES"],
        )
        source = SlideSource.open(path, Limits.from_settings())
        try:
            source.sample_pixels()
            metadata = allowed_metadata(source.properties, source.dimensions)
            tile_size = source.raw.tile_size if source.raw else config["TILE_SIZE"]
            source_format = "raw-jpeg" if source.raw else "rendered"
        finally:
            source.close()
    except SlideRejected as error:
        services.fail_slide(slide=slide, reason=str(error))
        return
    except TileReadError as error:
        services.fail_slide(
            slide=slide, reason=f"The slide opens, but its pixels cannot be read: {error}."
        )
        return
    except (openslide.OpenSlideError, OSError, ValueError) as error:
        services.fail_slide(
            slide=slide, reason=f"The slide file could not be read ({without_paths(error)})."
        )
        return
    services.start_build(
        slide=slide, metadata=metadata, tile_size=tile_size, source_format=source_format
    )


def geometry_of(slide: Slide) -> DeepZoomGeometry:
    return DeepZoomGeometry(slide.width, slide.height, slide.tile_size)


def build(chunk_id: int) -> None:
    """Write one band of tiles, then record it (which may queue the next level)."""
    chunk = PyramidChunk.objects.select_related("slide").filter(pk=chunk_id).first()
    if chunk is None or chunk.done or chunk.slide.status != Slide.Status.PROCESSING:
        return
    slide = chunk.slide
    attempts = services.note_chunk_attempt(chunk)
    if attempts > settings.SLIDES["MAX_TASK_ATTEMPTS"]:
        services.fail_slide(slide=slide, reason=CRASHED_REASON.format(attempts=attempts - 1))
        return
    geometry = geometry_of(slide)
    try:
        source = None
        if chunk.level == geometry.max_level:
            source = open_shared(openable(storage.original_path(slide.source_path)))
        pyramid.build_band(
            source,
            geometry,
            storage.pyramid_dir(slide.uuid),
            chunk.level,
            (chunk.row_start, chunk.row_end),
            settings.SLIDES["JPEG_QUALITY"],
        )
    except (SlideRejected, TileReadError) as error:
        services.fail_slide(slide=slide, reason=f"The slide's pixels could not be read: {error}.")
        return
    except (openslide.OpenSlideError, OSError, ValueError) as error:
        services.fail_slide(
            slide=slide,
            reason=f"The slide's pixels could not be read ({without_paths(error)}).",
        )
        return
    services.complete_chunk(chunk=chunk)


def verify(slide_id: int) -> None:
    """Every tile of every level is on disk and nothing half-written is left; then finish."""
    slide = Slide.objects.filter(pk=slide_id).first()
    if slide is None or slide.status != Slide.Status.PROCESSING or slide.build_level != -1:
        return
    folder = storage.pyramid_dir(slide.uuid)
    storage.remove_temporary_files(folder)
    missing = pyramid.missing_tiles(geometry_of(slide), folder)
    if missing:
        level, col, row = missing[0]
        services.fail_slide(
            slide=slide,
            reason=f"The pyramid is incomplete: {len(missing)} tiles missing "
            f"(first: level {level}, tile {col},{row}).",
        )
        return
    forget_open_sources()
    services.finish_build(slide=slide)


def run_inline(slide_id: int) -> Slide:
    """Run the whole pipeline in this process (demo seeding and tests that need no worker)."""
    with services.tasks_inline():
        inspect(slide_id)
        return _drain(slide_id)


def _drain(slide_id: int) -> Slide:
    while True:
        slide = Slide.objects.get(pk=slide_id)
        if slide.status != Slide.Status.PROCESSING:
            return slide
        if slide.build_level == -1:
            verify(slide_id)
            continue
        pending = PyramidChunk.objects.filter(slide=slide, level=slide.build_level, done=False)
        for chunk_id in list(pending.values_list("id", flat=True)):
            build(chunk_id)


def resume_unfinished() -> int:
    """Queue again whatever a lost worker left unfinished; returns how many tasks it queued.

    Safe to run at any time: every step skips what is already done."""
    from .tasks import build_chunk, inspect_slide, verify_pyramid

    queued = 0
    for slide_id in Slide.objects.filter(status=Slide.Status.UPLOADED).values_list("id", flat=True):
        inspect_slide.delay(slide_id)
        queued += 1
    building = Slide.objects.filter(status=Slide.Status.PROCESSING)
    for slide_id, level in building.values_list("id", "build_level"):
        if level == -1:
            verify_pyramid.delay(slide_id)
            queued += 1
            continue
        pending = PyramidChunk.objects.filter(slide_id=slide_id, level=level, done=False)
        for chunk_id in pending.values_list("id", flat=True):
            build_chunk.delay(chunk_id)
            queued += 1
    return queued
