""" "Send to teaching": a PACS pushes a series to the portal over STOW-RS, with its own token.

Each DICOMweb source may be given one push token (shown once; only its SHA-256 is kept). What
arrives is handled as a pull's instances are: VOLUME instances are de-identified by allow-list
(`dicom_deid`) before anything is written, LABEL and OVERVIEW instances are accepted and thrown
away unread, anything that is not a whole-slide image is refused in the STOW-RS answer. Each
series received becomes a `DicomwebImport` of kind PUSH, finished by a Celery task into the usual
pipeline and review gate. Neither the series' UIDs nor its accession number are stored (the
latter only as a keyed hash).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import secrets
from dataclasses import dataclass, field
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import dicom_deid
from .dicomweb_import import work_dir
from .models import DicomwebImport, DicomwebSource
from .stow_multipart import DICOM_TYPE, MultipartError, parts

logger = logging.getLogger(__name__)

FINISH_TASK = "slides.tasks.finish_dicomweb_push"
# PS3.4 C.4.2.1.4 failure reasons, as STOW-RS answers carry them.
SOP_CLASS_NOT_SUPPORTED = 0x0122
CANNOT_UNDERSTAND = 0xC000
ASSOCIATED_FLAVOURS = {"LABEL", "OVERVIEW", "THUMBNAIL"}


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


def _new_push(source: DicomwebSource, *, accession: str) -> DicomwebImport:
    job = DicomwebImport(
        source=source,
        kind=DicomwebImport.Kind.PUSH,
        status=DicomwebImport.Status.FETCHING,
        title=f"Sent by {source.name} on {timezone.localdate():%d %b %Y}",
        accession_hash=dicom_deid.accession_hash(accession, secret_key=settings.SECRET_KEY),
    )
    job.save()
    work_dir(job).mkdir(parents=True, exist_ok=True)
    return job


def receive(*, source: DicomwebSource, body, boundary: str) -> StowResult:
    """Take a STOW-RS body (bytes or a memory map): write de-identified VOLUME instances, one
    import per series, and queue each import's finish once the transaction commits."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    result = StowResult()
    series: dict[str, tuple[DicomwebImport, dicom_deid.NewUids]] = {}
    with transaction.atomic():
        for part in parts(body, boundary):
            if part.content_type != DICOM_TYPE:
                result.failed.append(("", "", SOP_CLASS_NOT_SUPPORTED))
                continue
            try:
                ds = pydicom.dcmread(io.BytesIO(part.payload))
                sop_class, sop_uid = str(ds.SOPClassUID), str(ds.SOPInstanceUID)
                series_uid = str(ds.SeriesInstanceUID)
            except (InvalidDicomError, AttributeError, ValueError, EOFError, OSError):
                result.failed.append(("", "", CANNOT_UNDERSTAND))
                continue
            if sop_class != dicom_deid.WSI_SOP_CLASS:
                result.failed.append((sop_class, sop_uid, SOP_CLASS_NOT_SUPPORTED))
                continue
            if not dicom_deid.is_storable(ds):
                if dicom_deid.image_flavour(ds) in ASSOCIATED_FLAVOURS:
                    result.referenced.append((sop_class, sop_uid))  # taken, and thrown away
                else:
                    result.failed.append((sop_class, sop_uid, SOP_CLASS_NOT_SUPPORTED))
                continue
            if series_uid not in series:
                job = _new_push(source, accession=str(ds.get("AccessionNumber", "")))
                series[series_uid] = (job, dicom_deid.NewUids.for_key(str(job.uuid)))
            job, uids = series[series_uid]
            clean = dicom_deid.deidentify(ds, uids=uids)
            clean.save_as(
                work_dir(job) / f"{job.instances_total:04d}.dcm", enforce_file_format=True
            )
            job.instances_total += 1
            job.burned_in_annotation |= dicom_deid.has_burned_in_annotation(ds)
            result.referenced.append((sop_class, sop_uid))
        for job, _ in series.values():
            job.instances_done = job.instances_total
            job.save(update_fields=["instances_total", "instances_done", "burned_in_annotation"])
            result.imports.append(job)
            transaction.on_commit(
                lambda job_id=job.id: current_app.send_task(FINISH_TASK, args=(job_id,))
            )
    for job in result.imports:
        logger.info("dicomweb push %s received from source %s", job.uuid, source.uuid)
    return result


__all__ = ["MultipartError", "StowResult", "make_push_token", "receive", "source_for_token"]
