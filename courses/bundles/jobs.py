"""Imports of uploaded bundles, run by a worker with their progress in a `CourseImport` row.

The upload waits where slide originals wait (private INCOMING_DIR; with object storage, in the
bucket, so the worker may be another machine) and is deleted when the import ends either way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from slides import object_storage, storage

from ..models import CourseImport
from .importer import import_bundle
from .manifest import BundleRefused

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=30)
UNEXPECTED = "The import stopped on an unexpected error; try again, or ask an administrator."


def queue_import(*, upload, requested_by, enqueue) -> CourseImport:
    """Keep the uploaded file and record the job; `enqueue(job_id)` runs after the commit."""
    job = CourseImport(requested_by=requested_by, bytes_total=upload.size)
    path = storage.original_path(job.upload_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        if object_storage.enabled():
            object_storage.upload_original(path, job.upload_name)
            storage.remove_tree(path.parent)
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: enqueue(job.id))
    except BaseException:
        _discard_upload(job)
        raise
    return job


def _claim(job_id: int) -> CourseImport | None:
    """The job, now marked as importing; None when it is gone, finished, or being imported by
    a live run (a broker may deliver a long task twice). A run that stopped reporting progress
    STALE_AFTER ago is taken to have died with its worker, and the import starts again (it
    left nothing behind: an import is all or nothing)."""
    with transaction.atomic():
        job = CourseImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_running:
            return None
        if (
            job.status == CourseImport.Status.IMPORTING
            and job.updated_at > timezone.now() - STALE_AFTER
        ):
            return None
        job.status = CourseImport.Status.IMPORTING
        job.save(update_fields=["status", "updated_at"])
        return job


def _finish(job: CourseImport, *, course=None, reason: str = "") -> None:
    job.status = CourseImport.Status.FAILED if reason else CourseImport.Status.DONE
    job.failure_reason, job.course = reason, course
    job.bytes_done = job.bytes_total if course else job.bytes_done
    job.save(update_fields=["status", "failure_reason", "course", "bytes_done", "updated_at"])


def run_import(job_id: int) -> None:
    """Import the job's bundle (all or nothing); safe to run twice."""
    job = _claim(job_id)
    if job is None:
        return

    def progress(done: int, total: int) -> None:
        CourseImport.objects.filter(pk=job.pk).update(
            bytes_done=min(done, job.bytes_total), updated_at=timezone.now()
        )

    try:
        path = (
            object_storage.fetch_original(job.upload_name)
            if object_storage.enabled()
            else storage.original_path(job.upload_name)
        )
        with open(path, "rb") as source:
            course = import_bundle(
                source, owner=job.requested_by, size=job.bytes_total, progress=progress
            )
    except BundleRefused as refusal:
        _finish(job, reason=str(refusal))
    except FileNotFoundError:
        _finish(job, reason="The uploaded bundle is no longer stored; upload it again.")
    except Exception:
        logger.exception("course import %s failed", job.uuid)
        _finish(job, reason=UNEXPECTED)
    else:
        _finish(job, course=course)
    _discard_upload(job)


def _discard_upload(job: CourseImport) -> None:
    storage.remove_tree(storage.original_path(job.upload_name).parent)
    if object_storage.enabled():
        object_storage.discard_original(f"bundle-{job.uuid}", quarantine=False)
