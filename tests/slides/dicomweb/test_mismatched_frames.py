"""A series whose frames do not fill its matrix (a damaged or lying PACS) ends FAILED with a
reason a person can read, before any slide exists: no slide row, no tile, no file left."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from slides import dicomweb_push
from slides.models import DicomwebImport, DicomwebSource, Slide

from .test_push import post


@pytest.fixture
def push_source(db):
    source = DicomwebSource.objects.create(name="Lying PACS", url="https://pacs.example/dw")
    return source, dicomweb_push.make_push_token(source=source)


@pytest.mark.parametrize("scale", [2, 0.5])
def test_frames_that_disagree_with_the_matrix_end_failed_and_show_nothing(
    scale,
    client,
    educator,
    trainee,
    push_source,
    canary_files,
    tmp_path,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SLIDES = {**settings.SLIDES, "STOW_SETTLE_SECONDS": 0}
    source, token = push_source
    (level0_path,) = [path for path in canary_files if path.name.endswith("level-0.dcm")]
    ds = pydicom.dcmread(level0_path)
    ds.TotalPixelMatrixColumns = int(ds.TotalPixelMatrixColumns * scale)
    ds.TotalPixelMatrixRows = int(ds.TotalPixelMatrixRows * scale)
    path = tmp_path / "mismatched.dcm"
    ds.save_as(path, enforce_file_format=True)
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, source, [path], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200  # the header is a slide's: taken, judged by the build
    job = DicomwebImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        dicomweb_push.finish_push(job.id)
    job.refresh_from_db()

    assert job.status == DicomwebImport.Status.FAILED
    assert "frames, but its size" in job.failure_reason
    assert job.slide_id is None and not Slide.objects.exists()  # nothing half-imported
    incoming = Path(django_settings.SLIDES["INCOMING_DIR"])
    assert [p for p in incoming.rglob("*") if p.is_file()] == []  # staged body, work folder
    client.force_login(educator)  # the reason is there for a person to read
    page = client.get(reverse("slides:pacs-import", args=[job.uuid])).content.decode()
    assert "The import failed: An image of the series has" in page
    client.force_login(trainee)
    assert client.get(reverse("slides:pacs-import", args=[job.uuid])).status_code == 404
