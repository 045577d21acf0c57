"""Celery tasks of the slide pipeline: thin wrappers that take ids and call `pipeline`.

All run on the `tiles` queue, acknowledge late (a task whose worker died is delivered again),
and are safe to run twice. What each queues next, and the retry of a band that ran out of time,
are decided in `pipeline`; a file that kills its worker is given up after a few attempts,
counted in the database by the pipeline, not by Celery, so the count survives the crash.
"""

from __future__ import annotations

import os

from celery import shared_task
from celery.signals import worker_ready

from . import dicomweb_import, dicomweb_push, pipeline, stow_staging
from .object_storage import ObjectStorageUnavailable

PLAIN_TASK = {"acks_late": True, "ignore_result": True}
TASK_OPTIONS = PLAIN_TASK | {
    # A bucket that cannot be reached is a passing outage: try again later, a few times.
    "autoretry_for": (ObjectStorageUnavailable,),
    "retry_backoff": 5,
    "max_retries": 5,
}
PACS_RETRY_SECONDS = float(os.environ.get("SLIDES_PACS_RETRY_SECONDS", "10"))


@shared_task(**TASK_OPTIONS)
def inspect_slide(slide_id: int) -> None:
    pipeline.inspect(slide_id)


@shared_task(**TASK_OPTIONS)
def build_chunk(chunk_id: int) -> None:
    pipeline.build(chunk_id)


@shared_task(**TASK_OPTIONS)
def verify_pyramid(slide_id: int) -> None:
    pipeline.verify(slide_id)


@shared_task(bind=True, max_retries=3, **PLAIN_TASK)
def pull_dicomweb_series(self, import_id: int) -> None:
    """Pull one series from a PACS (slides/dicomweb_import.py); a PACS that is down or failing
    is tried again with growing pauses before the import ends FAILED."""
    try:
        dicomweb_import.pull(import_id, last_try=self.request.retries >= self.max_retries)
    except dicomweb_import.TryAgain as error:
        raise self.retry(countdown=PACS_RETRY_SECONDS * 2**self.request.retries) from error


@shared_task(**TASK_OPTIONS)
def finish_dicomweb_push(import_id: int) -> None:
    dicomweb_push.finish_push(import_id)


@shared_task(**PLAIN_TASK)
def sweep_dicomweb_pushes() -> None:
    """Periodic (beat): finish again the pushes whose finish was lost, and delete request
    bodies a killed web process left half-spooled on this machine."""
    dicomweb_push.requeue_stalled()
    stow_staging.remove_abandoned_spools()


@worker_ready.connect
def resume_unfinished_builds(**_kwargs) -> None:
    """A worker that starts picks up what a lost worker left (messages may have died with it)."""
    pipeline.resume_unfinished()
