"""(a) Time from upload-complete to every tile built: the portal against `vips dzsave`.

The portal is timed from the moment the "upload" is handed to `services.create_slide` (the file
is already on the data disk, as an upload's temporary file is, so taking it is a rename) until
the slide reaches AWAITING_REVIEW: with a real Celery worker (the end is the slide's own
`build_finished_at`, written by the worker) and in one process with `pipeline.run_inline`.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import procs
from .environment import DATA, OUT, ROOT, Deployment

BUILD_TIMEOUT = 1800.0
POLL_SECONDS = 0.05

DZSAVE_VARIANTS = {
    "vips dzsave 256/0 Q80": ["--tile-size", "256", "--overlap", "0", "--suffix", ".jpg[Q=80]"],
    "vips dzsave default (254/1 Q75)": [],
}


@dataclass
class BuildRun:
    seconds: float
    tiles: int
    bytes: int


def _tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".jpeg", ".jpg")]
    return len(files), sum(p.stat().st_size for p in files)


def dzsave(slide: Path, variant: str, *, timeout: float = BUILD_TIMEOUT) -> BuildRun:
    work = OUT / "dzsave"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    args = ["vips", "dzsave", str(slide), str(work / "slide"), *DZSAVE_VARIANTS[variant]]
    start = time.perf_counter()
    procs.run(args, timeout=timeout)
    seconds = time.perf_counter() - start
    tiles, size = _tree_size(work / "slide_files")
    shutil.rmtree(work, ignore_errors=True)
    return BuildRun(seconds, tiles, size)


def _staged_copy(slide: Path) -> Path:
    """The original as an upload's temporary file on the data disk (copied before the clock)."""
    staging = DATA / "upload-tmp"
    staging.mkdir(parents=True, exist_ok=True)
    target = staging / f"bench-upload-{time.monotonic_ns()}{slide.suffix}"
    shutil.copyfile(slide, target)
    return target


def _pyramid_size(slide_model) -> tuple[int, int]:
    from slides import storage

    return _tree_size(storage.pyramid_dir(slide_model.uuid))


def run_inline(slide: Path) -> tuple[BuildRun, object]:
    from slides import pipeline, services
    from slides.models import Slide

    staged = _staged_copy(slide)
    start = time.perf_counter()
    record = services.create_slide(
        uploaded_by=None,
        original=staged,
        original_name=f"bench{slide.suffix}",
        title="bench inline",
        move=True,
    )
    record = pipeline.run_inline(record.id)
    seconds = time.perf_counter() - start
    if record.status != Slide.Status.AWAITING_REVIEW:
        raise RuntimeError(f"run_inline ended in {record.status}: {record.failure_reason}")
    return BuildRun(seconds, *_pyramid_size(record)), record


class Worker:
    """`celery -A portal worker -Q default,tiles --concurrency 2` with the benchmark's env."""

    def __init__(self, deployment: Deployment, concurrency: int = 2):
        self.log = OUT / "logs" / "celery-worker.log"
        self.log.unlink(missing_ok=True)
        self.proc: subprocess.Popen | None = None
        self.deployment = deployment
        self.concurrency = concurrency

    def __enter__(self) -> Worker:
        import sys

        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "default,tiles",
            "--concurrency",
            str(self.concurrency),
            "--loglevel",
            "INFO",
            "-n",
            "bench@%h",
        ]
        self.proc = procs.start(args, log=self.log, env=self.deployment.env, cwd=ROOT)
        procs.wait_for_log(self.proc, self.log, " ready.", timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            procs.stop(self.proc, grace=30)


def run_celery(slide: Path, worker: Worker, *, timeout: float = BUILD_TIMEOUT):
    from slides import pipeline, services
    from slides.models import Slide

    staged = _staged_copy(slide)
    start = time.time()
    record = services.create_slide(
        uploaded_by=None,
        original=staged,
        original_name=f"bench{slide.suffix}",
        title="bench celery",
        move=True,
    )
    pipeline.start(record.id)
    deadline = time.monotonic() + timeout
    done = (Slide.Status.AWAITING_REVIEW, Slide.Status.FAILED, Slide.Status.READY)
    while time.monotonic() < deadline:
        status = Slide.objects.filter(pk=record.pk).values_list("status", flat=True).first()
        if status in done:
            break
        if worker.proc is not None and worker.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker died; see {worker.log}")
        time.sleep(POLL_SECONDS)
    else:
        raise RuntimeError(f"the slide was not built within {timeout:.0f} s; see {worker.log}")
    record.refresh_from_db()
    if record.status != Slide.Status.AWAITING_REVIEW:
        raise RuntimeError(f"the Celery build ended in {record.status}: {record.failure_reason}")
    seconds = record.build_finished_at.timestamp() - start
    return BuildRun(seconds, *_pyramid_size(record)), record


def delete(record) -> None:
    """Remove a slide the benchmark made. Only cleanup: when the row cannot be deleted (the
    models changed under a running benchmark), its files are removed and the run goes on."""
    from django.db import DatabaseError

    from slides import services, storage

    try:
        services.delete_slide(slide=record)
    except DatabaseError as error:
        print(f"  (could not delete slide {record.pk}: {error}; removing its files only)")
        for folder in (storage.pyramid_dir(record.uuid), storage.incoming_dir(record.uuid)):
            storage.remove_tree(folder)
