"""Where STOW-RS request bodies wait, as the PACS sent them, for a worker to de-identify them.

A body still carries the patient's identifiers, so it waits only where originals wait: the
private INCOMING_DIR (`stow/<uuid>.body`, never served), or with object storage the bucket
(`staging/<uuid>.body`), since the worker that reads it may run on another machine, as with
an upload's waiting original. A worker's copy lives in its own INCOMING_DIR and goes when the
body is released. The web request only spools and stages; it never decodes pixel data.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction

from . import object_storage
from .models import DicomwebImport

FOLDER = "stow"
SPOOL_PREFIX = ".receiving-"
ABANDONED_SPOOL_SECONDS = 3600


def folder() -> Path:
    path = Path(settings.SLIDES["INCOMING_DIR"]) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def spool() -> IO[bytes]:
    """A private temporary file for a request body, on the disk it will be staged on."""
    return tempfile.NamedTemporaryFile(dir=folder(), prefix=SPOOL_PREFIX, delete=False)


def remove_abandoned_spools(*, older_than: float = ABANDONED_SPOOL_SECONDS) -> int:
    """Delete request bodies a killed web process left half-spooled (untouched for
    `older_than` seconds: a body still arriving is written to all the time); how many."""
    cutoff = time.time() - older_than
    removed = 0
    for path in folder().glob(f"{SPOOL_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # staged or deleted meanwhile
    return removed


def name_of(body_uuid) -> str:
    return f"{body_uuid}.body"


def local_path(body_uuid) -> Path:
    return folder() / name_of(body_uuid)


def stage(spooled: Path, body_uuid) -> None:
    """Keep a spooled body under its name until `discard`: renamed in place, or uploaded to
    the bucket (and the web node's copy deleted)."""
    if object_storage.enabled():
        try:
            object_storage.upload_staged(spooled, name_of(body_uuid))
        finally:
            spooled.unlink(missing_ok=True)
        return
    spooled.rename(local_path(body_uuid))


def fetch(body_uuid) -> Path:
    """The staged body on this machine (downloaded from the bucket if need be).

    FileNotFoundError when it is gone."""
    local = local_path(body_uuid)
    if object_storage.enabled() and not local.exists():
        object_storage.fetch_staged(name_of(body_uuid), local)
    if not local.exists():
        raise FileNotFoundError("the staged request is no longer there")
    return local


def discard(body_uuid) -> None:
    """Delete the staged body everywhere it is (this machine, and the bucket)."""
    local_path(body_uuid).unlink(missing_ok=True)
    if object_storage.enabled():
        object_storage.discard_staged(name_of(body_uuid))


def release(job: DicomwebImport) -> None:
    """An import has ended: the staged bodies no other import still needs are deleted, their
    files once the transaction commits."""
    bodies = list(job.stow_bodies.all())
    job.stow_bodies.clear()
    for body in bodies:
        if not body.imports.exists():
            body_uuid = body.uuid
            body.delete()
            transaction.on_commit(lambda body_uuid=body_uuid: discard(body_uuid), robust=True)
