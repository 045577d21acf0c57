""" "Send to teaching": a PACS pushes a series to the portal over STOW-RS, with its own token.

    web request (accept) ──► token ─► body spooled to private staging (stow_staging), headers
      read without pixels: which parts are VOLUME instances of a slide, of which series
      ─► rows: a StowBody, and per series the RECEIVING import of that series (new or joined)
      ─► the STOW-RS answer ──on_commit──► finish task, after a settle delay
    worker (finish_push) ──► no instance of the series came for STOW_SETTLE_SECONDS?
      ─► each staged body's VOLUME instances of the series de-identified (dicom_deid) into the
         import's folder ─► the usual pipeline and review gate ─► staged bodies deleted

Each DICOMweb source may be given one push token (shown once; only its SHA-256 is kept).
LABEL and OVERVIEW instances are accepted and thrown away unread, anything that is not a
whole-slide image is refused in the answer. A PACS may send one series over several requests
(Orthanc splits large sends): they join one import through a keyed hash of the source and the
SeriesInstanceUID, and the build waits until the series has settled. Neither the series' UIDs
nor its accession number are stored (only keyed hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import mmap
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import dicom_deid, stow_staging
from .dicomweb_import import (
    SeriesRejected,
    become_slide,
    fail_import,
    work_dir,
    write_instance,
)
from .models import DicomwebImport, DicomwebSource, StowBody
from .stow_multipart import DICOM_TYPE, MultipartError, PayloadReader, detached, parts

logger = logging.getLogger(__name__)

FINISH_TASK = "slides.tasks.finish_dicomweb_push"
# PS3.4 C.4.2.1.4 failure reasons, as STOW-RS answers carry them.
SOP_CLASS_NOT_SUPPORTED = 0x0122
CANNOT_UNDERSTAND = 0xC000
ASSOCIATED_FLAVOURS = {"LABEL", "OVERVIEW", "THUMBNAIL"}
SERIES_SALT = "slides.dicomweb_push.series"
BUILD_LOCK = 0x5704  # advisory lock class of pushed imports being built (with the import's id)
# A series still RECEIVING this long after it settled has lost its finish task (see
# `requeue_stalled`, run by the periodic sweep `slides.tasks.sweep_dicomweb_pushes`).
STALL_MARGIN_SECONDS = 600
READ_ERRORS = (AttributeError, ValueError, EOFError, OSError, KeyError, TypeError)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_push_token(*, source: DicomwebSource) -> str:
    """A new push token for `source` (the old one stops working); returned once, never stored."""
    token = secrets.token_urlsafe(32)
    source.push_token_hash = _digest(token)
    source.save(update_fields=["push_token_hash", "updated_at"])
    return token


def source_for_token(source_uuid: UUID | str, token: str) -> DicomwebSource | None:
    """The source whose push token this is, or None (unknown source, no token, wrong token)."""
    source = DicomwebSource.objects.filter(uuid=source_uuid).first()
    expected = source.push_token_hash if source else ""
    given = _digest(token) if token else ""
    if not (expected and given and hmac.compare_digest(expected, given)):
        return None
    return source


@dataclass
class StowResult:
    referenced: list[tuple[str, str]] = field(default_factory=list)  # (SOP class, SOP instance)
    failed: list[tuple[str, str, int]] = field(default_factory=list)
    imports: list[DicomwebImport] = field(default_factory=list)
    volumes: dict[str, int] = field(default_factory=dict)  # series key -> instances received

    def as_dicom_json(self) -> dict:
        """The STOW-RS answer (PS3.18 §10.5.3): what was taken, what was refused and why. It
        echoes the sender's own UIDs back to it; nothing of it is stored or logged."""

        def item(sop_class: str, sop_uid: str) -> dict:
            return {
                "00081150": {"vr": "UI", "Value": [sop_class]},
                "00081155": {"vr": "UI", "Value": [sop_uid]},
            }

        answer: dict = {}
        if self.referenced:
            answer["00081199"] = {"vr": "SQ", "Value": [item(*ref) for ref in self.referenced]}
        if self.failed:
            answer["00081198"] = {
                "vr": "SQ",
                "Value": [
                    {**item(cls, uid), "00081197": {"vr": "US", "Value": [reason]}}
                    for cls, uid, reason in self.failed
                ],
            }
        return answer


def series_key(source: DicomwebSource, series_uid: str) -> str:
    """A keyed hash of a pushed series' UID, per source: what joins its requests together."""
    message = f"{source.uuid}:{series_uid.strip()}"
    return salted_hmac(
        SERIES_SALT, message, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def _read(payload: memoryview, *, pixels: bool):
    import pydicom

    return pydicom.dcmread(PayloadReader(payload), stop_before_pixels=not pixels)


def _classify(source: DicomwebSource, body, boundary: str) -> StowResult:
    """What the STOW-RS answer says of each part, from its header alone (no pixel data read)."""
    from pydicom.errors import InvalidDicomError

    result = StowResult()
    for part in parts(body, boundary):
        if part.content_type != DICOM_TYPE:
            result.failed.append(("", "", SOP_CLASS_NOT_SUPPORTED))
            continue
        try:
            ds = _read(part.payload, pixels=False)
            sop_class, sop_uid = str(ds.SOPClassUID), str(ds.SOPInstanceUID)
            series_uid = str(ds.SeriesInstanceUID)
        except (InvalidDicomError, *READ_ERRORS):
            result.failed.append(("", "", CANNOT_UNDERSTAND))
            continue
        if sop_class != dicom_deid.WSI_SOP_CLASS:
            result.failed.append((sop_class, sop_uid, SOP_CLASS_NOT_SUPPORTED))
        elif dicom_deid.is_storable(ds):
            key = series_key(source, series_uid)
            result.volumes[key] = result.volumes.get(key, 0) + 1
            result.referenced.append((sop_class, sop_uid))
        elif dicom_deid.image_flavour(ds) in ASSOCIATED_FLAVOURS:
            result.referenced.append((sop_class, sop_uid))  # taken, and thrown away unread
        else:
            result.failed.append((sop_class, sop_uid, SOP_CLASS_NOT_SUPPORTED))
    return result


def _receiving_import(source: DicomwebSource, key: str, count: int) -> DicomwebImport:
    """The import this series' instances join: the one still receiving, or a new one."""
    now = timezone.now()
    job = (
        DicomwebImport.objects.select_for_update()
        .filter(source=source, series_key=key, status=DicomwebImport.Status.RECEIVING)
        .first()
    )
    if job is None:
        job = DicomwebImport.objects.create(
            source=source,
            kind=DicomwebImport.Kind.PUSH,
            status=DicomwebImport.Status.RECEIVING,
            title=f"Sent by {source.name} on {timezone.localdate():%d %b %Y}",
            series_key=key,
            instances_total=count,
            last_received_at=now,
        )
        return job
    DicomwebImport.objects.filter(pk=job.pk).update(
        instances_total=F("instances_total") + count, last_received_at=now
    )
    job.refresh_from_db()
    return job


def accept(*, source: DicomwebSource, body, boundary: str, spooled: Path) -> StowResult:
    """The web request's share of a push: classify the parts of `body` (the memory map of the
    `spooled` file), stage the body and join each series' import. Cheap: nothing is decoded
    or de-identified here. The spooled file is staged or deleted."""
    try:
        result = _classify(source, body, boundary)
    except MultipartError:
        spooled.unlink(missing_ok=True)
        raise
    if not result.volumes:
        spooled.unlink(missing_ok=True)
        return result
    staged = StowBody(source=source, size=len(body), boundary=boundary)
    stow_staging.stage(spooled, staged.uuid)
    try:
        with transaction.atomic():
            # One request of a source at a time decides which import a series joins.
            DicomwebSource.objects.select_for_update().filter(pk=source.pk).first()
            staged.save()
            for key, count in result.volumes.items():
                job = _receiving_import(source, key, count)
                staged.imports.add(job)
                result.imports.append(job)
                transaction.on_commit(lambda job_id=job.id: queue_finish(job_id))
    except BaseException:
        stow_staging.discard(staged.uuid)
        raise
    for job in result.imports:
        logger.info("dicomweb push %s received from source %s", job.uuid, source.uuid)
    return result


def queue_finish(import_id: int, *, countdown: float | None = None) -> None:
    wait = settings.SLIDES["STOW_SETTLE_SECONDS"] if countdown is None else countdown
    current_app.send_task(FINISH_TASK, args=(import_id,), countdown=max(wait, 0))


def stalled_pushes():
    """Ids of pushed series still RECEIVING long after they settled: their finish task was lost
    (a broker wiped, a worker gone with its message). Given STALL_MARGIN_SECONDS beyond the
    settle, so a finish merely waiting in a busy queue is rarely queued twice."""
    quiet = settings.SLIDES["STOW_SETTLE_SECONDS"] + STALL_MARGIN_SECONDS
    return DicomwebImport.objects.filter(
        kind=DicomwebImport.Kind.PUSH,
        status=DicomwebImport.Status.RECEIVING,
        last_received_at__lt=timezone.now() - timedelta(seconds=quiet),
    ).values_list("id", flat=True)


def requeue_stalled() -> int:
    """Queue the finish again for each stalled push; how many. A duplicate is harmless: the
    advisory lock lets one builder through and the status check stops the rest."""
    stalled = list(stalled_pushes())
    for import_id in stalled:
        queue_finish(import_id, countdown=0)
    if stalled:
        logger.warning("dicomweb push: finish queued again for %d stalled imports", len(stalled))
    return len(stalled)


def _settled(job: DicomwebImport) -> float:
    """Seconds the series must still wait for more instances (0 once settled)."""
    settle = timedelta(seconds=settings.SLIDES["STOW_SETTLE_SECONDS"])
    return max(0.0, (job.last_received_at + settle - timezone.now()).total_seconds())


def _start_building(job: DicomwebImport) -> bool:
    """RECEIVING -> FETCHING once the series has settled; later requests start a new import.
    False (and the finish queued again) while instances may still come."""
    with transaction.atomic():
        locked = DicomwebImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != DicomwebImport.Status.RECEIVING:
            return locked.status == DicomwebImport.Status.FETCHING
        wait = _settled(locked)
        if wait > 0:
            transaction.on_commit(lambda: queue_finish(job.pk, countdown=wait + 0.5))
            return False
        locked.status = DicomwebImport.Status.FETCHING
        locked.save(update_fields=["status", "updated_at"])
    return True


def _ingest_body(job: DicomwebImport, body: StowBody, folder: Path) -> None:
    """Write the de-identified VOLUME instances of the job's series found in one staged body.
    An instance already written (a worker died part-way) is not written again."""
    path = stow_staging.fetch(body.uuid)
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        _, error = detached(_ingest_parts, job, body, data, folder)
    if error is not None:
        raise error


def _ingest_parts(job: DicomwebImport, body: StowBody, data, folder: Path) -> None:
    from pydicom.errors import InvalidDicomError

    for index, part in enumerate(parts(data, body.boundary)):
        target = folder / f"{body.id:09d}-{index:05d}.dcm"
        if part.content_type != DICOM_TYPE or target.exists():
            continue
        try:
            ds = _read(part.payload, pixels=True)
            if not dicom_deid.is_storable(ds):
                continue
            if series_key(job.source, str(ds.SeriesInstanceUID)) != job.series_key:
                continue  # another series sent in the same request: its own import
        except (InvalidDicomError, *READ_ERRORS):
            continue  # refused in the answer already
        if reason := dicom_deid.frames_disagree(ds):
            raise SeriesRejected(reason)
        write_instance(ds, uids=dicom_deid.NewUids.for_key(str(job.uuid)), target=target)
        updates: dict = {}
        if dicom_deid.has_burned_in_annotation(ds):
            updates["burned_in_annotation"] = True
        accession = str(ds.get("AccessionNumber", ""))
        if accession and not job.accession_hash:
            job.accession_hash = dicom_deid.accession_hash(
                accession, secret_key=settings.SECRET_KEY
            )
            updates["accession_hash"] = job.accession_hash
        done = sum(1 for _ in folder.glob("*.dcm"))
        DicomwebImport.objects.filter(pk=job.pk).update(
            instances_done=min(done, job.instances_total), **updates
        )


def finish_push(import_id: int) -> None:
    """The task's body for a series a PACS sent: once no more of it has come for a while,
    de-identify its instances from the staged bodies and make it a slide. Safe to run twice,
    and after a worker died mid-way."""
    job = (
        DicomwebImport.objects.select_related("source")
        .filter(pk=import_id, kind=DicomwebImport.Kind.PUSH)
        .first()
    )
    if job is None:
        return
    with _sole_builder(job.pk) as sole:
        if sole and _start_building(job):
            _build(job)


@contextmanager
def _sole_builder(import_id: int) -> Iterator[bool]:
    """Whether this task is the only one building the import now. Several finish tasks may be
    due at once (one per request, and one per early run); a PostgreSQL advisory lock, which dies
    with a worker's connection, lets one through and lets a redelivered task resume after a
    crash. (SQLite, for development, runs one worker.)"""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [BUILD_LOCK, import_id])
        sole = bool(cursor.fetchone()[0])
    try:
        yield sole
    finally:
        if sole:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [BUILD_LOCK, import_id])


def _build(job: DicomwebImport) -> None:
    job.refresh_from_db()
    folder = work_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    try:
        for body in job.stow_bodies.order_by("created_at", "id"):
            _ingest_body(job, body, folder)
    except (FileNotFoundError, MultipartError):  # gone, or not what was checked
        fail_import(job, "What the PACS sent could no longer be read; ask it to send again.")
        return
    except SeriesRejected as error:
        fail_import(job, str(error))
        return
    job.refresh_from_db()
    written = sum(1 for _ in folder.glob("*.dcm"))
    if not written:
        fail_import(job, "Nothing that could become a slide arrived.")
        return
    DicomwebImport.objects.filter(pk=job.pk).update(instances_total=written, instances_done=written)
    job.refresh_from_db()
    become_slide(job, folder)


__all__ = [
    "MultipartError",
    "StowResult",
    "accept",
    "finish_push",
    "make_push_token",
    "source_for_token",
]
