"""Bulk import for admins: `python manage.py import_slides PATH... [--title T] [--tag T]`.

Copies each file in (the given files are never modified or deleted), queues processing, and
prints each new slide's id. A folder (MRXS or DICOM) is zipped into private storage first.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from slides import pipeline, services


class Command(BaseCommand):
    help = "Import whole-slide images into the library (copies them; originals are untouched)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--title", help="Title for the slides (numbered when several).")
        parser.add_argument("--tag", action="append", default=[], help="Tag (repeatable).")
        parser.add_argument("--organ", default="")
        parser.add_argument("--stain", default="")

    def handle(self, *args, paths: list[Path], title, tag, organ, stain, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(missing)}")
        for number, path in enumerate(paths, start=1):
            slide_title = title or f"Imported slide {number}"
            if title and len(paths) > 1:
                slide_title = f"{title} ({number})"
            slide = self._import_one(path, slide_title, tag, organ, stain)
            pipeline.start(slide.id)
            # The path is shown to the admin who typed it; it is stored nowhere.
            self.stdout.write(f"{slide.uuid}\t{path}")

    def _import_one(self, path: Path, title: str, tags, organ: str, stain: str):
        if path.is_dir() or path.suffix.lower() == ".mrxs":
            with tempfile.TemporaryDirectory() as scratch:
                archive = _zip_slide(path, Path(scratch) / "slide.zip")
                return services.create_slide(
                    uploaded_by=None,
                    original=Path(archive),
                    original_name="slide.zip",
                    title=title,
                    organ=organ,
                    stain=stain,
                    tags=tags,
                    move=True,
                )
        return services.create_slide(
            uploaded_by=None,
            original=path,
            original_name=path.name,
            title=title,
            organ=organ,
            stain=stain,
            tags=tags,
            move=False,
        )


def _zip_slide(path: Path, archive: Path) -> Path:
    """One zip of a multi-file slide: a folder (DICOM), or an .mrxs index with its data folder."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        if path.is_dir():
            for member in sorted(path.rglob("*")):
                if member.is_file():
                    out.write(member, member.relative_to(path))
        else:
            out.write(path, path.name)
            data_dir = path.with_suffix("")
            for member in sorted(data_dir.rglob("*")):
                if member.is_file():
                    out.write(member, member.relative_to(path.parent))
    return archive
