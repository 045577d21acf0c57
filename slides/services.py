"""Writes to the slide library that touch several rows or files; each is atomic.

Pipeline steps call these to move a slide through UPLOADED → PROCESSING → AWAITING_REVIEW →
READY (or FAILED / REJECTED). Nothing here queues work: what runs next is decided in
`pipeline.py`, from the rows these functions leave behind.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import alias_links, object_storage, search, storage
from .deepzoom import DeepZoomGeometry
from .deidentify import SlideMetadata
from .models import PyramidChunk, Slide, Tag
from .source_files import stored_name

logger = logging.getLogger(__name__)


@transaction.atomic
def create_slide(
    *,
    uploaded_by,
    original: Path,
    original_name: str,
    title: str,
    organ: str = "",
    stain: str = "",
    tags: list[str] | tuple[str, ...] = (),
    move: bool = True,
    companions: list[Path] | tuple[Path, ...] = (),
) -> Slide:
    """Record a new slide and take its original into private storage; `pipeline.start` then
    queues its processing.

    The original is moved (an upload's temporary file) or copied (`move=False`: an admin's
    import, whose files are never touched). Only the extension of `original_name` is kept.
    `companions` (the other instances of a DICOM series) are moved beside it under their own
    names, and go to the bucket with it.
    """
    slide = Slide(title=title.strip(), organ=organ.strip(), stain=stain.strip())
    slide.uploaded_by = uploaded_by
    slide.full_clean(exclude=["uploaded_by"])
    target_dir = storage.incoming_dir(slide.uuid)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / stored_name(original_name)
    if move:
        shutil.move(original, target)
    else:
        shutil.copyfile(original, target)
    beside = [target_dir / path.name for path in companions]
    for path, moved in zip(companions, beside, strict=True):
        shutil.move(path, moved)
    slide.source_path = str(target.relative_to(settings.SLIDES["INCOMING_DIR"]))
    if object_storage.enabled():
        # The bucket holds it while it waits; a worker on any machine fetches it from there
        # (`pipeline._local_original`), and no web node keeps a copy of an original.
        incoming = Path(settings.SLIDES["INCOMING_DIR"])
        for moved in beside:
            object_storage.upload_original(moved, str(moved.relative_to(incoming)))
        object_storage.upload_original(target, slide.source_path)
        storage.remove_tree(target_dir)
    slide.save()
    if tags:
        slide.tags.set(_tags_named(tags))
    search.refresh_documents([slide.id])
    logger.info("slide %s created", slide.uuid)
    return slide


def create_built_slide(*, uploaded_by, details: dict, tiles_total: int) -> Slide:
    """Record a slide whose pyramid arrives already built (a course bundle from another portal);
    no original. It waits for this portal's identifier review like an upload: the bundle is
    checksummed but not signed, so whoever made it could have changed its pixels. The caller
    installs the pyramid (`pyramid_transfer.install`) in the same transaction's wake."""
    slide = Slide(
        **details,
        status=Slide.Status.AWAITING_REVIEW,
        tiles_total=tiles_total,
        tiles_done=tiles_total,
        build_finished_at=timezone.now(),
    )
    slide.uploaded_by = uploaded_by
    slide.full_clean(exclude=["uploaded_by", "reviewed_by"])
    slide.save()
    search.refresh_documents([slide.id])
    return slide


def _tags_named(names) -> list[Tag]:
    cleaned = sorted({name.strip().lower() for name in names if name.strip()})
    return [Tag.objects.get_or_create(name=name[:64])[0] for name in cleaned]


def update_slide_details(
    *, slide: Slide, title: str, organ: str, stain: str, tags, description: str | None = None
) -> Slide:
    """Rename and re-describe a slide; `tags` replaces its tags (lower-cased, de-duplicated)."""
    with transaction.atomic():
        slide.title, slide.organ, slide.stain = title.strip(), organ.strip(), stain.strip()
        fields = ["title", "organ", "stain", "updated_at"]
        if description is not None:
            slide.description = description.strip()
            fields.append("description")
        slide.full_clean(exclude=["uploaded_by", "reviewed_by"])
        slide.save(update_fields=fields)
        slide.tags.set(_tags_named(tags))
        search.refresh_documents([slide.id])
    return slide


def _discard_original(slide: Slide) -> None:
    """Delete the original, or move it to the private quarantine when a retention is set."""
    original_dir = storage.incoming_dir(slide.uuid)
    days = settings.SLIDES["QUARANTINE_DAYS"]
    if days > 0 and original_dir.exists():
        quarantine = storage.quarantine_dir(slide.uuid)
        quarantine.parent.mkdir(parents=True, exist_ok=True)
        storage.remove_tree(quarantine)
        shutil.move(original_dir, quarantine)
        slide.quarantine_until = timezone.now() + timedelta(days=days)
    else:
        storage.remove_tree(original_dir)
    if object_storage.enabled():
        uuid = str(slide.uuid)
        transaction.on_commit(
            lambda: object_storage.discard_original(uuid, quarantine=days > 0), robust=True
        )
    slide.source_path = ""


def _remove_pyramid(slide_uuid) -> None:
    """This machine's pyramid folder (with object storage: its cache) and the bucket's copy."""
    storage.remove_tree(storage.pyramid_dir(slide_uuid))
    if object_storage.enabled():
        object_storage.remove_slide(str(slide_uuid), original=False)


def note_inspection_attempt(slide: Slide) -> int:
    """Count a start of the inspection in its own committed write; returns the count."""
    Slide.objects.filter(pk=slide.pk).update(inspect_attempts=F("inspect_attempts") + 1)
    slide.refresh_from_db(fields=["inspect_attempts"])
    return slide.inspect_attempts


def uncount_attempt(row: Slide | PyramidChunk) -> None:
    """Take back the count of an attempt that ended in a passing outage (the bucket could not
    be reached): only attempts that crash or run out of time should give a slide up."""
    field = "inspect_attempts" if isinstance(row, Slide) else "attempts"
    type(row).objects.filter(pk=row.pk, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})


def note_chunk_attempt(chunk: PyramidChunk) -> int:
    PyramidChunk.objects.filter(pk=chunk.pk).update(attempts=F("attempts") + 1)
    chunk.refresh_from_db(fields=["attempts"])
    return chunk.attempts


@transaction.atomic
def fail_slide(*, slide: Slide, reason: str) -> None:
    """End processing with a reason the uploader can read; nothing of the slide stays servable."""
    locked = Slide.objects.select_for_update().get(pk=slide.pk)
    if locked.status in (Slide.Status.FAILED, Slide.Status.READY, Slide.Status.REJECTED):
        return
    locked.status = Slide.Status.FAILED
    locked.failure_reason = reason[:2000]
    locked.build_level = None
    _discard_original(locked)
    locked.pending_specimen_texts.all().delete()  # no review will come to keep them
    locked.save(
        update_fields=[
            "status",
            "failure_reason",
            "build_level",
            "source_path",
            "quarantine_until",
            "updated_at",
        ]
    )
    locked.chunks.all().delete()
    transaction.on_commit(lambda: _remove_pyramid(slide.uuid), robust=True)
    logger.info("slide %s failed: %s", slide.uuid, reason)
    slide.refresh_from_db()


@transaction.atomic
def start_build(
    *, slide: Slide, metadata: SlideMetadata, tile_size: int, source_format: str
) -> bool:
    """Store the allow-listed metadata and plan every chunk of every level; the build starts
    at the top (full-resolution) level. False when the slide had already moved on (an
    inspection that ran twice): only one caller starts each build."""
    locked = Slide.objects.select_for_update().get(pk=slide.pk)
    if locked.status != Slide.Status.UPLOADED:
        return False
    geometry = DeepZoomGeometry(metadata.width, metadata.height, tile_size)
    per_chunk = settings.SLIDES["TILES_PER_CHUNK"]
    chunks = [
        PyramidChunk(
            slide=locked,
            level=level,
            row_start=start,
            row_end=end,
            tile_count=(end - start) * geometry.tile_grid(level)[0],
        )
        for level in range(geometry.level_count)
        for start, end in geometry.row_bands(level, per_chunk)
    ]
    PyramidChunk.objects.bulk_create(chunks)
    for field, value in metadata.as_dict().items():
        setattr(locked, field, value)
    locked.tile_size = tile_size
    locked.source_format = source_format
    locked.status = Slide.Status.PROCESSING
    locked.build_level = geometry.max_level
    locked.tiles_total = geometry.total_tiles
    locked.tiles_done = 0
    locked.build_started_at = timezone.now()
    locked.save()
    slide.refresh_from_db()
    return True


@transaction.atomic
def complete_chunk(*, chunk: PyramidChunk) -> bool:
    """Mark a band done (once) and count its tiles; when that completes its level, move the
    build to the next level (-1 after the last one) and return True. Exactly one caller gets
    True for each level."""
    # Lock the slide first: two bands of a level finishing together must not both miss the
    # other's completion (neither would advance the level).
    if not Slide.objects.select_for_update().filter(pk=chunk.slide_id).exists():
        return False
    if not PyramidChunk.objects.filter(pk=chunk.pk, done=False).update(done=True):
        return False
    Slide.objects.filter(pk=chunk.slide_id).update(
        tiles_done=F("tiles_done") + chunk.tile_count, updated_at=timezone.now()
    )
    if PyramidChunk.objects.filter(slide_id=chunk.slide_id, level=chunk.level, done=False).exists():
        return False
    advanced = Slide.objects.filter(
        pk=chunk.slide_id, build_level=chunk.level, status=Slide.Status.PROCESSING
    ).update(build_level=chunk.level - 1)
    return bool(advanced)


@transaction.atomic
def finish_build(*, slide: Slide) -> None:
    """The pyramid is complete and verified: drop the original and wait for the human review."""
    locked = Slide.objects.select_for_update().get(pk=slide.pk)
    if locked.status != Slide.Status.PROCESSING or locked.build_level != -1:
        return
    locked.status = Slide.Status.AWAITING_REVIEW
    locked.build_finished_at = timezone.now()
    locked.build_level = None
    locked.tiles_done = locked.tiles_total
    _discard_original(locked)
    locked.save()
    locked.chunks.all().delete()
    slide.refresh_from_db()


def _settle_specimen_texts(locked: Slide, keep: Iterable[int]) -> list[str]:
    """End the wait of the slide's specimen texts from a PACS: those kept are appended to its
    description (returned: the fields to save), every one of them is deleted."""
    pending = list(locked.pending_specimen_texts.all())
    kept = [item.text for item in pending if item.pk in set(keep)]
    locked.pending_specimen_texts.all().delete()
    if not kept:
        return []
    locked.description = "\n\n".join(filter(None, [locked.description.strip(), *kept]))
    return ["description"]


def _review(
    *, slide: Slide, reviewer, status: str, note: str, keep_texts: Iterable[int] = ()
) -> Slide:
    with transaction.atomic():
        locked = Slide.objects.select_for_update().get(pk=slide.pk)
        if locked.status != Slide.Status.AWAITING_REVIEW:
            raise ValidationError("Only a slide awaiting review can be approved or rejected.")
        locked.status = status
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        described = _settle_specimen_texts(
            locked, keep_texts if status == Slide.Status.READY else ()
        )
        locked.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "review_note",
                "updated_at",
                *described,
            ]
        )
        if described:
            search.refresh_documents([locked.id])
    if status == Slide.Status.REJECTED:
        transaction.on_commit(lambda: _remove_pyramid(locked.uuid), robust=True)
    slide.refresh_from_db()
    return slide


def approve_slide(
    *, slide: Slide, reviewer, note: str = "", keep_texts: Iterable[int] = ()
) -> Slide:
    """The reviewer confirms that no identifier is visible anywhere in the scanned area.

    `keep_texts`: ids of the slide's pending specimen texts the reviewer keeps as its
    description; the others (all, when none is named) are deleted."""
    return _review(
        slide=slide, reviewer=reviewer, status=Slide.Status.READY, note=note, keep_texts=keep_texts
    )


def reject_slide(*, slide: Slide, reviewer, note: str) -> Slide:
    """The reviewer saw an identifier (or the scan is unusable): the pyramid is deleted."""
    if not note.strip():
        raise ValidationError("Say why the slide is rejected.")
    return _review(slide=slide, reviewer=reviewer, status=Slide.Status.REJECTED, note=note)


@transaction.atomic
def delete_slide(*, slide: Slide) -> None:
    """Delete the row and, once committed, every file of it: pyramid, original, quarantined
    original and the alias links nginx follows. Callers check that nothing uses the slide
    (`curation.delete_unused_slide`)."""
    uuid = slide.uuid
    aliases = [str(alias) for alias in slide.aliases.values_list("alias", flat=True)]
    slide.delete()

    def remove_files():
        for folder in (
            storage.pyramid_dir(uuid),
            storage.incoming_dir(uuid),
            storage.quarantine_dir(uuid),
        ):
            storage.remove_tree(folder)
        if object_storage.enabled():
            object_storage.remove_slide(str(uuid))
        for alias in aliases:
            link = alias_links.linked_pyramid(alias)
            if link is not None:
                link.unlink(missing_ok=True)

    transaction.on_commit(remove_files, robust=True)
