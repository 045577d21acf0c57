"""Originals on disk: naming them without their uploaded names, and unpacking zips safely.

Multi-file formats (MRXS folders, DICOM series) arrive as one zip. Nothing in a zip is trusted:
absolute paths, `..`, symlinks, too many members and too many bytes are refused before anything
is written, and extraction stops at the declared size even if a member lies about it.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

SINGLE_FILE_EXTENSIONS = frozenset(
    {".svs", ".tif", ".tiff", ".ndpi", ".scn", ".bif", ".vms", ".svslide", ".dcm", ".zip"}
)
UNPACKED_DIR = "unpacked"
COPY_BLOCK = 1024 * 1024
# Slide data (JPEG, JPEG 2000, deflate) hardly compresses further; a zip that inflates a
# hundredfold is a bomb, not a slide.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 64 * 1024 * 1024


class SlideRejected(Exception):
    """A file that cannot become a slide; the message is shown to the uploader as the reason."""


def stored_name(original_name: str) -> str:
    """The private file name an original is kept under: never the uploaded name, only its
    extension when that extension is one a slide format uses."""
    suffix = PurePosixPath(original_name.replace("\\", "/")).suffix.lower()
    return "slide" + (suffix if suffix in SINGLE_FILE_EXTENSIONS else ".bin")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_member(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise SlideRejected("The zip file contains an absolute path; it was not unpacked.")
    if ".." in path.parts:
        raise SlideRejected("The zip file contains a path that leaves its folder ('..').")
    if _is_symlink(info):
        raise SlideRejected("The zip file contains a symbolic link; it was not unpacked.")
    return path


def extract_zip(zip_path: Path, destination: Path, *, max_members: int, max_bytes: int) -> None:
    """Unpack `zip_path` into `destination`, refusing anything unsafe before writing a byte."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SlideRejected("The file is not a readable zip archive.") from error
    with archive:
        members = archive.infolist()
        if not members:
            raise SlideRejected("The zip file is empty.")
        if len(members) > max_members:
            raise SlideRejected(f"The zip file has more than {max_members} files.")
        declared = compressed = 0
        checked = []
        for info in members:
            checked.append((info, _check_member(info)))
            declared += info.file_size
            compressed += info.compress_size
        if declared > RATIO_CHECK_FROM_BYTES and declared > MAX_COMPRESSION_RATIO * compressed:
            raise SlideRejected(
                f"The zip file would inflate {declared // max(compressed, 1):,}-fold: a zip bomb, "
                "not slide data. It was not unpacked."
            )
        if declared > max_bytes:
            raise SlideRejected(
                f"The zip file would unpack to {declared / 1024**3:.1f} GiB, over the limit."
            )
        destination.mkdir(parents=True, exist_ok=True)
        written = 0
        for info, path in checked:
            target = destination.joinpath(*path.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, open(target, "wb") as out:
                    remaining = info.file_size
                    while True:
                        block = source.read(min(COPY_BLOCK, remaining + 1))
                        if not block:
                            break
                        remaining -= len(block)
                        written += len(block)
                        if remaining < 0 or written > max_bytes:
                            raise SlideRejected("A zip member unpacks to more than it declares.")
                        out.write(block)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise SlideRejected("The zip file is damaged and could not be unpacked.") from error


def _is_dicom(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


def locate_slide(folder: Path) -> Path:
    """The file OpenSlide should open inside an unpacked folder.

    MRXS: the single `.mrxs` index (its data folder beside it). DICOM: any instance of the
    series (OpenSlide finds the others in the same folder). Otherwise a single slide file.
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    mrxs = [p for p in files if p.suffix.lower() == ".mrxs"]
    if len(mrxs) > 1:
        raise SlideRejected("The zip file holds more than one MRXS slide; upload one at a time.")
    if mrxs:
        return mrxs[0]
    dicom = [p for p in files if _is_dicom(p)]
    if dicom:
        folders = {p.parent for p in dicom}
        if len(folders) > 1:
            raise SlideRejected("The zip file holds DICOM files in several folders.")
        return dicom[0]
    singles = [p for p in files if p.suffix.lower() in SINGLE_FILE_EXTENSIONS - {".zip"}]
    if len(singles) == 1:
        return singles[0]
    if not singles:
        raise SlideRejected("The zip file holds no slide (no MRXS, DICOM or slide file found).")
    raise SlideRejected("The zip file holds several slide files; upload one at a time.")


@lru_cache(maxsize=64)
def _located(unpacked: str) -> Path:
    return locate_slide(Path(unpacked))


def openable(original: Path) -> Path:
    """The path OpenSlide opens for a stored original that `prepare_source` has prepared: the
    original itself, or the slide inside its unpacked zip (found once, then remembered, since
    building and on-demand tiles ask for every tile)."""
    unpacked = original.parent / UNPACKED_DIR
    return _located(str(unpacked)) if unpacked.exists() else original


def prepare_source(original: Path, *, max_members: int, max_bytes: int) -> Path:
    """The path OpenSlide should open for a stored original, unpacking a zip beside it."""
    if not zipfile.is_zipfile(original):
        return original
    unpacked = original.parent / UNPACKED_DIR
    if unpacked.exists():  # an earlier attempt died mid-way: start again
        shutil.rmtree(unpacked)
        _located.cache_clear()
    extract_zip(original, unpacked, max_members=max_members, max_bytes=max_bytes)
    return locate_slide(unpacked)
