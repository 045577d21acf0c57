"""Pulling one DICOM WSI series from a PACS into a new slide (WADO-RS), resumably.

    request_import ──on_commit──► task pull_dicomweb_series ──► pull():
      series metadata (WADO-RS, no pixels) ──► plan: VOLUME instances only, checks ──► FAILED
      each VOLUME instance (WADO-RS, as stored: its JPEG frames untouched), several at a time
        ──► de-identified by allow-list (dicom_deid) ──► <work>/<n>.dcm (temp + rename)
      all there ──► moved into a new slide's original folder ──► the usual pipeline and review

LABEL and OVERVIEW instances are never fetched. An instance already on disk is not fetched
again, so a pull whose worker died resumes where it stopped. The series' UIDs are kept on the
import row only while it runs; the accession number only as a keyed hash.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F

from . import dicom_deid, pacs_notices, pipeline, services, stow_staging
from .dicomweb import AS_STORED, PacsError, client_for, first_value, speaking_plainly
from .models import DicomwebImport, DicomwebSource, PendingSpecimenText, StowBody

logger = logging.getLogger(__name__)

UID_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
MAX_VOLUME_INSTANCES = 64
MAX_FRAMES = 2_000_000
PARALLEL_FETCHES = 4
MAX_ATTEMPTS = 5
SPECIMEN_SUFFIX = ".specimen.json"
TASK = "slides.tasks.pull_dicomweb_series"


class SeriesRejected(Exception):
    """The series cannot become a slide; the message says why, for a person."""


class TryAgain(Exception):
    """The PACS failed in a way that may pass (down, slow, 5xx): retry later."""


@dataclass(frozen=True)
class SeriesPlan:
    volumes: list[str]  # SOP Instance UIDs of the VOLUME instances, in instance order
    frames: int
    accession_number: str
    burned_in_annotation: bool


def _text(item: dict[str, Any], tag: str) -> str:
    return str(first_value(item, tag, "") or "")


def plan_series(metadata: list[dict[str, Any]]) -> SeriesPlan:
    """Which instances of a series (WADO-RS metadata, DICOM JSON) make the slide. Pure."""
    if not metadata:
        raise SeriesRejected("The series has no instances.")
    volumes = []
    frames = 0
    burned_in = False
    for item in metadata:
        image_type = (item.get("00080008") or {}).get("Value") or []
        flavour = str(image_type[2]).upper() if len(image_type) > 2 else ""
        if _text(item, "00080016") != dicom_deid.WSI_SOP_CLASS:
            continue
        if flavour != "VOLUME":
            continue  # LABEL, OVERVIEW, THUMBNAIL: never fetched
        try:
            count = int(first_value(item, "00280008", 1))
        except (TypeError, ValueError):
            raise SeriesRejected("An instance of the series has no readable frame count.") from None
        frames += count
        burned_in |= _text(item, "00280301").upper() == "YES"
        number = first_value(item, "00200013", 0)
        volumes.append((int(number) if str(number).isdigit() else 0, _text(item, "00080018")))
    if not volumes:
        raise SeriesRejected(
            "The series holds no whole-slide image (modality SM, VL Whole Slide Microscopy)."
        )
    if len(volumes) > MAX_VOLUME_INSTANCES:
        raise SeriesRejected(f"The series has more than {MAX_VOLUME_INSTANCES} image instances.")
    if frames > MAX_FRAMES:
        raise SeriesRejected(f"The series has {frames:,} frames, more than the portal takes.")
    if not all(UID_PATTERN.match(uid) for _, uid in volumes):
        raise SeriesRejected("The series lists an instance without a valid UID.")
    return SeriesPlan(
        volumes=[uid for _, uid in sorted(volumes)],
        frames=frames,
        accession_number=_text(metadata[0], "00080050"),
        burned_in_annotation=burned_in,
    )


def earlier_imports(job: DicomwebImport) -> list[DicomwebImport]:
    """Other imports of the same case (equal keyed hash of the accession number), newest first:
    the one thing the hash is kept for."""
    if not job.accession_hash:
        return []
    same = DicomwebImport.objects.filter(accession_hash=job.accession_hash).exclude(pk=job.pk)
    return list(same.select_related("slide").order_by("-created_at")[:5])


def work_dir(job: DicomwebImport) -> Path:
    """Private, like every original: de-identified instances waiting to become a slide."""
    return Path(settings.SLIDES["INCOMING_DIR"]) / "pacs" / str(job.uuid)


def write_instance(ds, *, uids: dicom_deid.NewUids, target: Path) -> None:
    """The de-identified instance at `target` (temp + rename). Its specimen descriptions, the
    free text an educator may keep at review, wait beside it in the private work folder (never
    in the instance, the database or a log) until the import becomes a slide."""
    texts = dicom_deid.reviewable_descriptions(ds)
    if texts:
        target.with_name(target.stem + SPECIMEN_SUFFIX).write_text(json.dumps(texts))
    clean = dicom_deid.deidentify(ds, uids=uids)
    temporary = target.with_name(f".{target.name}.tmp")
    clean.save_as(temporary, enforce_file_format=True)
    os.replace(temporary, target)


def _specimen_texts(folder: Path) -> list[str]:
    found: list[str] = []
    for sidecar in sorted(folder.glob(f"*{SPECIMEN_SUFFIX}")):
        for text in json.loads(sidecar.read_text()):
            if str(text)[:5000] not in found:
                found.append(str(text)[:5000])
    return found


def request_import(
    *, source: DicomwebSource, requested_by, study_uid: str, series_uid: str, title: str
) -> DicomwebImport:
    """Record a pull and queue it once the transaction commits."""
    if not (UID_PATTERN.match(study_uid) and UID_PATTERN.match(series_uid)):
        raise SeriesRejected("That is not a DICOM UID.")
    if max(len(study_uid), len(series_uid)) > 64:
        raise SeriesRejected("That is not a DICOM UID.")
    with transaction.atomic():
        job = DicomwebImport(
            source=source,
            requested_by=requested_by,
            study_uid=study_uid,
            series_uid=series_uid,
            title=title.strip() or "Slide from the PACS",
        )
        job.full_clean(exclude=["requested_by", "source"])
        job.save()
        transaction.on_commit(lambda: current_app.send_task(TASK, args=(job.id,)))
    return job


def fail_import(job: DicomwebImport, reason: str) -> None:
    """FAILED with a reason a person can read; nothing half-imported stays behind."""
    with transaction.atomic():
        locked = DicomwebImport.objects.select_for_update().get(pk=job.pk)
        if locked.status in (DicomwebImport.Status.DONE, DicomwebImport.Status.FAILED):
            return
        locked.status = DicomwebImport.Status.FAILED
        locked.failure_reason = reason[:2000]
        locked.study_uid = locked.series_uid = locked.series_key = ""
        locked.save(
            update_fields=["status", "failure_reason", "study_uid", "series_uid", "series_key"]
        )
        stow_staging.release(locked)
        transaction.on_commit(lambda: shutil.rmtree(work_dir(locked), ignore_errors=True))
    logger.info("dicomweb import %s failed: %s", job.uuid, reason)


def delete_source(source: DicomwebSource) -> None:
    """Delete a DICOMweb source with its imports. What it sent that still waits goes too, once
    the rows are gone: staged STOW-RS bodies (they hold the patient's identifiers, on disk or
    in the bucket) and the private folders of imports that never became a slide."""
    with transaction.atomic():
        bodies = list(StowBody.objects.filter(source=source).values_list("uuid", flat=True))
        folders = [work_dir(job) for job in source.imports.filter(slide__isnull=True)]
        source.delete()
        for body_uuid in bodies:
            transaction.on_commit(partial(stow_staging.discard, body_uuid), robust=True)
        for folder in folders:
            transaction.on_commit(partial(shutil.rmtree, folder, ignore_errors=True))
    logger.info("dicomweb source %s deleted with %d staged bodies", source.uuid, len(bodies))


def _fetch_one(client, job: DicomwebImport, uids, index: int, sop_uid: str, folder: Path) -> bool:
    """Fetch, de-identify and write one instance; False when it was already there. Runs in a
    thread of its own: no database here (the caller counts)."""
    target = folder / f"{index:04d}.dcm"
    if target.exists():
        return False
    ds = client.retrieve_instance(job.study_uid, job.series_uid, sop_uid, media_types=AS_STORED)
    if not dicom_deid.is_storable(ds):
        raise SeriesRejected("The PACS sent an instance that is not a whole-slide image.")
    if reason := dicom_deid.frames_disagree(ds):
        raise SeriesRejected(reason)
    write_instance(ds, uids=uids, target=target)
    return True


def _fetch_all(job: DicomwebImport, plan: SeriesPlan) -> Path:
    folder = work_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    present = sum(1 for _ in folder.glob("*.dcm"))
    DicomwebImport.objects.filter(pk=job.pk).update(
        status=DicomwebImport.Status.FETCHING,
        instances_total=len(plan.volumes),
        instances_done=min(present, len(plan.volumes)),
        burned_in_annotation=plan.burned_in_annotation,
        accession_hash=dicom_deid.accession_hash(
            plan.accession_number, secret_key=settings.SECRET_KEY
        ),
    )
    client = client_for(job.source)
    uids = dicom_deid.NewUids.for_key(str(job.uuid))
    with ThreadPoolExecutor(PARALLEL_FETCHES) as pool:
        futures = [
            pool.submit(_fetch_one, client, job, uids, index, sop, folder)
            for index, sop in enumerate(plan.volumes)
        ]
        for future in as_completed(futures):
            if future.result():
                DicomwebImport.objects.filter(pk=job.pk).update(
                    instances_done=F("instances_done") + 1
                )
    return folder


def become_slide(job: DicomwebImport, folder: Path) -> None:
    """The de-identified instances become a slide's original: the first is taken by
    `services.create_slide`, the others moved beside it (OpenSlide finds a series' instances in
    its folder), all renames on one disk: nothing is copied or zipped. With object storage they
    all go to the bucket, so any worker can build the slide."""
    instances = sorted(folder.glob("*.dcm"))
    texts = _specimen_texts(folder)
    with transaction.atomic():
        locked = DicomwebImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != DicomwebImport.Status.FETCHING or not instances:
            return
        slide = services.create_slide(
            uploaded_by=locked.requested_by,
            original=instances[0],
            original_name="series.dcm",
            title=locked.title,
            companions=instances[1:],
        )
        PendingSpecimenText.objects.bulk_create(
            PendingSpecimenText(slide=slide, text=text) for text in texts
        )
        locked.slide = slide
        locked.status = DicomwebImport.Status.DONE
        locked.study_uid = locked.series_uid = locked.series_key = ""
        locked.instances_done = locked.instances_total
        locked.save(
            update_fields=[
                "slide",
                "status",
                "study_uid",
                "series_uid",
                "series_key",
                "instances_done",
                "updated_at",
            ]
        )
        stow_staging.release(locked)
        pipeline.start(slide.id)
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
        if locked.kind == DicomwebImport.Kind.PUSH:
            transaction.on_commit(lambda: pacs_notices.tell_arrival(locked.pk))
    logger.info("dicomweb import %s became slide %s", job.uuid, slide.uuid)


def pull(import_id: int, *, last_try: bool = True) -> None:
    """The task's body: safe to run twice, and after a worker died mid-way."""
    job = DicomwebImport.objects.select_related("source").filter(pk=import_id).first()
    if job is None or not job.is_running:
        return
    DicomwebImport.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    job.refresh_from_db(fields=["attempts"])
    if job.attempts > MAX_ATTEMPTS:
        fail_import(job, "The import kept stopping part-way and was given up.")
        return
    try:
        with speaking_plainly(job.source):
            metadata = client_for(job.source).retrieve_series_metadata(
                job.study_uid, job.series_uid
            )
            plan = plan_series(metadata)
            folder = _fetch_all(job, plan)
    except SeriesRejected as error:
        fail_import(job, str(error))
        return
    except PacsError as error:
        if not last_try:
            raise TryAgain(str(error)) from None
        fail_import(job, f"{error} The import was tried several times and has stopped.")
        return
    job.refresh_from_db()
    become_slide(job, folder)
