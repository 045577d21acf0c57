"""`manage.py import_slides`: copies files in, prints ids, never touches what it was given."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from slides import pipeline
from slides.models import Slide, Tag


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_imports_files_and_prints_their_ids(slide_files, db, django_capture_on_commit_callbacks):
    paths = [slide_files["svs"], slide_files["tiff"]]
    before = [_digest(path) for path in paths]
    out = io.StringIO()
    with django_capture_on_commit_callbacks() as queued:
        call_command(
            "import_slides", *map(str, paths), "--title", "Teaching set", "--tag", "GI", stdout=out
        )
    slides = Slide.objects.order_by("id")
    assert [str(s.uuid) for s in slides] == [
        line.split("\t")[0] for line in out.getvalue().splitlines()
    ]
    assert [s.title for s in slides] == ["Teaching set (1)", "Teaching set (2)"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["gi"]
    assert len(queued) == 2
    assert [_digest(path) for path in paths] == before
    assert all(path.exists() for path in paths)


def test_a_dicom_folder_is_imported_whole(slide_files, db, tmp_path):
    folder = tmp_path / "dicom-folder"
    with zipfile.ZipFile(slide_files["dicom_zip"]) as archive:
        archive.extractall(folder)
    call_command("import_slides", str(folder), stdout=io.StringIO())
    slide = pipeline.run_inline(Slide.objects.get().id)
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    assert slide.vendor == "dicom"
    assert any(folder.rglob("*.dcm"))


def test_missing_paths_are_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Not found"):
        call_command("import_slides", str(tmp_path / "nope.svs"))
    assert not Slide.objects.exists()
