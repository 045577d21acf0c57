"""The slide pipeline: its steps (inspect → build bands level by level → verify) and the one
place that decides what runs after what.

Each step takes an id, re-reads the row, returns quietly when there is nothing to do (deleted,
already done, already failed), and turns every expected failure into FAILED with a reason a
person can act on. What a slide needs next is read from its row by `next_steps`, and every step
hands what follows it to a dispatcher: `queue_with_celery` in a deployment (the tasks in
`tasks.py` are one-line wrappers around these functions), a local queue in `run_inline`
(demo seeding, tests, the benchmark's single-process mode). Services only write rows; they
never queue anything.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openslide
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from . import object_storage, pyramid, services, storage
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


@dataclass(frozen=True)
class Step:
    """One unit of work: `inspect` or `verify` a slide, or `build` one chunk (a band of rows)."""

    name: str
    target_id: int


Dispatch = Callable[[Step], None]

# The Celery task that runs each step in a worker. They are defined in tasks.py, which imports
# this module, so they are named here rather than imported.
TASKS = {
    "inspect": "slides.tasks.inspect_slide",
    "build": "slides.tasks.build_chunk",
    "verify": "slides.tasks.verify_pyramid",
}


def queue_with_celery(step: Step) -> None:
    """The deployment's dispatcher: the step's task, sent once the transaction commits, so a
    worker never looks for a row that is not there yet."""
    transaction.on_commit(lambda: current_app.send_task(TASKS[step.name], args=(step.target_id,)))


def next_steps(slide_id: int) -> list[Step]:
    """What the slide needs next, read from its row: inspection for a new upload, the unbuilt
    bands of the level being built, or verification after the last level; else nothing."""
    row = Slide.objects.filter(pk=slide_id).values("status", "build_level").first()
    if row is None:
        return []
    if row["status"] == Slide.Status.UPLOADED:
        return [Step("inspect", slide_id)]
    if row["status"] != Slide.Status.PROCESSING or row["build_level"] is None:
        return []
    if row["build_level"] == -1:
        return [Step("verify", slide_id)]
    pending = PyramidChunk.objects.filter(slide_id=slide_id, level=row["build_level"], done=False)
    return [Step("build", chunk_id) for chunk_id in pending.values_list("id", flat=True)]


def start(slide_id: int, *, dispatch: Dispatch = queue_with_celery) -> int:
    """Hand whatever the slide needs next to `dispatch`; returns how many steps that was.

    A new upload starts here; each step calls it again when it has moved the slide on."""
    steps = next_steps(slide_id)
    for step in steps:
        dispatch(step)
    return len(steps)


def inspect(slide_id: int, *, dispatch: Dispatch = queue_with_celery) -> None:
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
        path = _prepared(_local_original(slide.source_path))
        source = SlideSource.open(path, Limits.from_settings())
        try:
            source.sample_pixels()
            metadata = allowed_metadata(source.properties, source.dimensions)
            tile_size = source.raw.tile_size if source.raw else settings.SLIDES["TILE_SIZE"]
            source_format = "raw-jpeg" if source.raw else "rendered"
        finally:
            source.close()
    except object_storage.ObjectStorageUnavailable:
        services.uncount_attempt(slide)  # an outage, not a crash: the task is retried
        raise
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
    if services.start_build(
        slide=slide, metadata=metadata, tile_size=tile_size, source_format=source_format
    ):
        start(slide.id, dispatch=dispatch)


def geometry_of(slide: Slide) -> DeepZoomGeometry:
    return DeepZoomGeometry(slide.width, slide.height, slide.tile_size)


def _prepared(original: Path) -> Path:
    config = settings.SLIDES
    return prepare_source(
        original, max_members=config["MAX_ZIP_MEMBERS"], max_bytes=config["MAX_ZIP_BYTES"]
    )


def _local_original(source_path: str) -> Path:
    """The original on this machine: with object storage, fetched from the bucket first."""
    if object_storage.enabled():
        return object_storage.fetch_original(source_path)
    return storage.original_path(source_path)


def _openable_original(source_path: str) -> Path:
    """What OpenSlide opens to build the top level. With object storage this worker may not be
    the one that inspected the slide: it fetches the original and unpacks a zip itself, once
    (a lock keeps this machine's other build tasks from unpacking it at the same time)."""
    original = storage.original_path(source_path)
    if object_storage.enabled():
        original.parent.mkdir(parents=True, exist_ok=True)
        with open(original.parent / ".fetching.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not original.exists():
                _prepared(object_storage.fetch_original(source_path))
    return openable(original)


def _fetch_children(slide: Slide, geometry: DeepZoomGeometry, chunk: PyramidChunk) -> None:
    """With object storage, the tiles of the level above that this band is made from may have
    been built on other machines: fetch those this worker lacks. The build is past the top
    level, so a copy of the original this worker fetched is no longer needed: it goes now (an
    original may show identifiers; the bucket's copy goes after `verify`)."""
    if not object_storage.enabled() or chunk.level == geometry.max_level:
        return
    storage.remove_tree(storage.incoming_dir(slide.uuid))
    columns, rows = geometry.tile_grid(chunk.level + 1)
    child_rows = (2 * chunk.row_start, min(2 * chunk.row_end, rows))
    object_storage.fetch_band(
        str(slide.uuid), storage.pyramid_dir(slide.uuid), chunk.level + 1, child_rows, columns
    )


def build(chunk_id: int, *, dispatch: Dispatch = queue_with_celery) -> None:
    """Write one band of tiles and record it; the band that completes a level starts the next.

    A band cut short by the task's time limit is queued again: it resumes where it stopped
    (written tiles are skipped), and its attempts are counted, so one that never finishes is
    given up."""
    try:
        _build(chunk_id, dispatch)
    except SoftTimeLimitExceeded:
        dispatch(Step("build", chunk_id))


def _build(chunk_id: int, dispatch: Dispatch) -> None:
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
            source = open_shared(_openable_original(slide.source_path))
        _fetch_children(slide, geometry, chunk)
        folder = storage.pyramid_dir(slide.uuid)
        rows = (chunk.row_start, chunk.row_end)
        pyramid.build_band(
            source, geometry, folder, chunk.level, rows, settings.SLIDES["JPEG_QUALITY"]
        )
        if object_storage.enabled():
            # Stored before the band counts as done, so `verify` finds every tile of it.
            columns, _ = geometry.tile_grid(chunk.level)
            object_storage.upload_band(str(slide.uuid), folder, chunk.level, rows, columns)
    except object_storage.ObjectStorageUnavailable:
        services.uncount_attempt(chunk)
        raise
    except (SlideRejected, TileReadError) as error:
        services.fail_slide(slide=slide, reason=f"The slide's pixels could not be read: {error}.")
        return
    except (openslide.OpenSlideError, OSError, ValueError) as error:
        services.fail_slide(
            slide=slide,
            reason=f"The slide's pixels could not be read ({without_paths(error)}).",
        )
        return
    if services.complete_chunk(chunk=chunk):
        start(slide.id, dispatch=dispatch)


def verify(slide_id: int, *, dispatch: Dispatch = queue_with_celery) -> None:
    """Every tile of every level is on disk (or in the bucket) and nothing half-written is left
    here; then finish.

    Nothing follows it: `dispatch` is taken so that every step is called alike."""
    slide = Slide.objects.filter(pk=slide_id).first()
    if slide is None or slide.status != Slide.Status.PROCESSING or slide.build_level != -1:
        return
    folder = storage.pyramid_dir(slide.uuid)
    storage.remove_temporary_files(folder)
    if object_storage.enabled():
        stored = object_storage.stored_tiles(str(slide.uuid))
        missing = pyramid.missing_from(geometry_of(slide), stored)
    else:
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
    if object_storage.enabled():
        # The bucket has the pyramid now; this worker's copy was scratch.
        storage.remove_tree(folder)


STEPS: dict[str, Callable[..., None]] = {"inspect": inspect, "build": build, "verify": verify}


def run(step: Step, *, dispatch: Dispatch = queue_with_celery) -> None:
    STEPS[step.name](step.target_id, dispatch=dispatch)


def run_inline(slide_id: int) -> Slide:
    """Run the whole pipeline in this process (demo seeding and tests that need no worker):
    the same steps in the same order, dispatched to a local queue instead of Celery."""
    pending: deque[Step] = deque()
    start(slide_id, dispatch=pending.append)
    while pending:
        run(pending.popleft(), dispatch=pending.append)
    return Slide.objects.get(pk=slide_id)


def resume_unfinished(*, dispatch: Dispatch = queue_with_celery) -> int:
    """Queue again whatever a lost worker left unfinished; returns how many steps it queued.

    Safe to run at any time: every step skips what is already done."""
    unfinished = Slide.objects.filter(
        status__in=[Slide.Status.UPLOADED, Slide.Status.PROCESSING]
    ).values_list("id", flat=True)
    if object_storage.enabled():
        _forget_fetched_originals()
    return sum(start(slide_id, dispatch=dispatch) for slide_id in unfinished)


def _forget_fetched_originals() -> None:
    """Delete this machine's copies of originals whose slides no longer wait for a build (a
    worker that fetched one for the top level and never ran a later step of that slide).
    Folders younger than an hour are left: an upload being stored right now has no row yet."""
    folder = Path(settings.SLIDES["INCOMING_DIR"])
    old = time.time() - 3600
    local = (
        {path.name for path in folder.iterdir() if path.stat().st_mtime < old}
        if folder.exists()
        else set()
    )
    waiting = Slide.objects.filter(
        status__in=[Slide.Status.UPLOADED, Slide.Status.PROCESSING]
    ).values_list("uuid", flat=True)
    for name in local - {str(uuid) for uuid in waiting}:
        storage.remove_tree(folder / name)
