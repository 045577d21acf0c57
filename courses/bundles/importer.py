"""Reading a bundle back into a course, all or nothing.

One pass over the stream: every member is hashed as it is read and its tiles staged in a private
folder beside PYRAMID_DIR, without JPEG comments and application metadata (none for a slide this
portal already has: same geometry and the same pyramid checksum). Only when the manifest at the
end vouches for every member, and every staged pyramid is complete and matches its checksum, are
the rows written, in one transaction, and the staged pyramids renamed into place; new slides wait
for this portal's identifier review (the bundle is checksummed, not signed). Any refusal or error
removes the staging folder and every pyramid already installed; the transaction leaves no row.
"""

from __future__ import annotations

import hashlib
import logging
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from slides import jpeg_stream, pyramid_transfer, storage
from slides import services as slide_services
from slides.deepzoom import DeepZoomGeometry
from slides.models import Slide
from slides.slide_source import Limits

from . import manifest, records
from .manifest import BundleRefused

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
CHECKSUM_CACHE_SECONDS = 24 * 3600
# Plain files only: a sparse member (GNU 'S', or PAX sparse, which tarfile reports as a regular
# file) expands to far more bytes than the bundle holds.
FILE_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE)
# Tile sizes a Deep Zoom pyramid uses in practice; a tiny tile size would mean billions of tiles.
TILE_SIZES = range(64, 4097)
# Every tile costs a tar header and at least one data block.
MIN_TILE_MEMBER_BYTES = 1024


@dataclass
class _Reading:
    staging: Path
    size: int = 0  # of the upload; 0 when unknown
    read_bytes: int = 0  # of the members' data
    document: dict | None = None
    manifest: object = None
    members: dict[str, tuple[str, int]] = field(default_factory=dict)
    digests: dict[str, list[tuple[int, int, int, str]]] = field(default_factory=dict)
    reused: dict[str, Slide] = field(default_factory=dict)
    shapes: dict[str, DeepZoomGeometry] = field(default_factory=dict)


class _Counting:
    """A read-only file that reports how many bytes were read from it."""

    def __init__(self, source, total: int, progress: Progress | None) -> None:
        self._source, self._total, self._progress = source, total, progress
        self.read_bytes = 0
        self._reported = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.read_bytes += len(data)
        if self._progress and self.read_bytes - self._reported >= 1 << 20:
            self._reported = self.read_bytes
            self._progress(self.read_bytes, self._total)
        return data


def import_bundle(source, *, owner, size: int = 0, progress: Progress | None = None):
    """Recreate the bundle's course with new identifiers, owned by `owner`; returns it.

    Raises BundleRefused (nothing written) when the bundle is damaged, truncated, of another
    format version or malformed."""
    staging = Path(tempfile.mkdtemp(prefix="bundle-", dir=pyramid_transfer.staging_root()))
    installed: list[str] = []
    try:
        reading = _Reading(staging, size=size)
        _read(_Counting(source, size, progress), reading)
        _check_complete(reading)
        try:
            with transaction.atomic():
                course = _write(reading, owner, installed)
        except (ValidationError, DatabaseError) as error:
            raise BundleRefused(f"The bundle's records cannot be stored here: {error}") from error
    except BaseException:
        for slide_uuid in installed:
            pyramid_transfer.uninstall(slide_uuid)
        raise
    finally:
        storage.remove_tree(staging)
    if progress:
        progress(size, size)
    logger.info("course bundle imported as course %s", course.uuid)
    return course


def _read(source, reading: _Reading) -> None:
    try:
        with tarfile.open(fileobj=source, mode="r|") as archive:
            for member in archive:
                _read_member(archive, member, reading)
    except (tarfile.TarError, EOFError) as error:
        raise BundleRefused(
            "The bundle is truncated or is not a tar archive; download or copy it again."
        ) from error


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo, reading: _Reading) -> None:
    name = member.name
    if (
        member.type not in FILE_TYPES
        or member.sparse is not None
        or name in reading.members
        or reading.manifest is not None
    ):
        raise BundleRefused(f"The bundle holds an unexpected member: {name[:100]}.")
    expected_first = [manifest.FORMAT_MEMBER, manifest.COURSE_MEMBER]
    position = len(reading.members)
    if position < 2 and name != expected_first[position]:
        raise BundleRefused("This file is not a course bundle (its first members are wrong).")
    limit = manifest.MAX_TILE_BYTES if name.startswith("slides/") else manifest.MAX_JSON_BYTES
    if member.size > limit:
        raise BundleRefused(f"The bundle's member {name[:100]} is too large.")
    data = archive.extractfile(member).read()
    if len(data) != member.size:
        raise BundleRefused("The bundle is truncated; download or copy it again.")
    reading.read_bytes += len(data)
    if reading.size and reading.read_bytes > reading.size:
        raise BundleRefused("The bundle's members hold more bytes than the file itself.")
    digest = hashlib.sha256(data).hexdigest()
    if name == manifest.FORMAT_MEMBER:
        manifest.check_format(manifest.loads(data, "format"))
    elif name == manifest.COURSE_MEMBER:
        document = manifest.loads(data, "course description")
        manifest.check_course_document(document)
        reading.document = document
        _plan_slides(reading)
    elif name == manifest.MANIFEST_MEMBER:
        reading.manifest = manifest.loads(data, "manifest")
        return
    else:
        _stage_tile(name, data, digest, reading)
    reading.members[name] = (digest, len(data))


def _plan_slides(reading: _Reading) -> None:
    limits = Limits.from_settings()
    tiles = 0
    for record in reading.document["slides"]:
        try:
            shape = DeepZoomGeometry(
                int(record["width"]), int(record["height"]), int(record["tile_size"])
            )
        except (TypeError, ValueError) as error:
            raise BundleRefused(f"Slide “{record['title']}” has no valid size.") from error
        _check_limits(record, shape, limits)
        if shape.total_tiles != record["tiles"]:
            raise BundleRefused(f"Slide “{record['title']}” lists the wrong number of tiles.")
        tiles += shape.total_tiles
        if reading.size and tiles * MIN_TILE_MEMBER_BYTES > reading.size:
            raise BundleRefused("The bundle lists more tiles than the file can hold.")
        reading.shapes[record["key"]] = shape
        reading.digests[record["key"]] = []
        existing = existing_slide(record)
        if existing is not None:
            reading.reused[record["key"]] = existing


def _check_limits(record: dict, shape: DeepZoomGeometry, limits: Limits) -> None:
    """The limits an uploaded slide meets (settings.SLIDES), checked before any tile is read."""
    if (
        max(shape.width, shape.height) > limits.max_dimension
        or shape.width * shape.height > limits.max_pixels
        or shape.level_count > limits.max_levels
        or shape.tile_size not in TILE_SIZES
    ):
        raise BundleRefused(f"Slide “{record['title']}” is larger than this portal accepts.")


def _stage_tile(name: str, data: bytes, digest: str, reading: _Reading) -> None:
    match = manifest.TILE_MEMBER.match(name)
    key = match and match["slide"]
    if not match or key not in reading.shapes:
        raise BundleRefused(f"The bundle holds an unexpected member: {name[:100]}.")
    level, col, row = int(match["level"]), int(match["col"]), int(match["row"])
    if not reading.shapes[key].has_tile(level, col, row):
        raise BundleRefused(f"The bundle holds a tile outside its slide: {name}.")
    reading.digests[key].append((level, col, row, digest))
    if key not in reading.reused:
        try:  # tiles are served byte for byte: no text of the other portal's files rides along
            data = jpeg_stream.without_metadata(data)
        except jpeg_stream.JpegStreamError as error:
            raise BundleRefused(f"The bundle's tile {name} is not a JPEG image.") from error
        storage.write_atomically(storage.tile_path(reading.staging / key, level, col, row), data)


def _check_complete(reading: _Reading) -> None:
    if reading.manifest is None:
        raise BundleRefused("The bundle is truncated (it has no manifest); copy it again.")
    manifest.check_manifest(reading.manifest, reading.members)
    if reading.document is None:
        raise BundleRefused("This file is not a course bundle.")
    for record in reading.document["slides"]:
        digests = reading.digests[record["key"]]
        if len(digests) != record["tiles"]:
            raise BundleRefused(f"Slide “{record['title']}” is missing tiles.")
        if manifest.pyramid_checksum(digests) != record["pyramid_sha256"]:
            raise BundleRefused(f"Slide “{record['title']}” does not match its checksum.")


def pyramid_checksum_of(slide: Slide) -> str | None:
    """The checksum of a ready slide's pyramid (cached: a built pyramid never changes)."""
    key = f"bundles:pyramid-sha256:{slide.uuid}"
    checksum = cache.get(key)
    if checksum is None:
        try:
            checksum = manifest.pyramid_checksum(pyramid_transfer.tile_digests(slide))
        except pyramid_transfer.PyramidIncomplete:
            return None
        cache.set(key, checksum, CHECKSUM_CACHE_SECONDS)
    return checksum


def existing_slide(record: dict) -> Slide | None:
    """A slide of this portal, ready and not retired, with the same pyramid as the bundle's
    slide, if any."""
    candidates = (
        Slide.objects.usable_in_courses()
        .filter(
            width=record["width"],
            height=record["height"],
            tile_size=record["tile_size"],
        )
        .order_by("id")
    )
    for candidate in candidates:
        if pyramid_checksum_of(candidate) == record["pyramid_sha256"]:
            return candidate
    return None


def _write(reading: _Reading, owner, installed: list[str]):
    slides: dict[str, Slide] = dict(reading.reused)
    for record in reading.document["slides"]:
        if record["key"] in slides:
            continue
        slide = slide_services.create_built_slide(
            uploaded_by=owner,
            details={name: record[name] for name in manifest.ALLOWED["slide"]},
            tiles_total=record["tiles"],
        )
        slides[record["key"]] = slide
    course = records.create_course(reading.document, slides=slides, owner=owner)
    for key, slide in slides.items():
        if key not in reading.reused:
            pyramid_transfer.install(reading.staging / key, slide)
            installed.append(str(slide.uuid))
    return course
