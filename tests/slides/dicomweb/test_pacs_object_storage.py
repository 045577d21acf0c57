"""With an S3-compatible bucket (moto in server mode, real HTTP), a series a PACS sends waits
in the bucket, not on the web node: the STOW-RS body while it is staged, then every instance
of the new slide's original, so a worker on another machine can build it."""

from __future__ import annotations

import pytest

from slides import dicomweb_push, object_storage, storage, stow_staging
from slides.models import DicomwebImport, DicomwebSource, Slide

from ..test_object_storage import build_step_by_step_on_fresh_machines, forget_this_machine
from .test_push import post


@pytest.fixture
def push_source(db):
    source = DicomwebSource.objects.create(name="Pushing PACS", url="https://pacs.example/dw")
    return source, dicomweb_push.make_push_token(source=source)


def test_a_pushed_series_waits_in_the_bucket_and_builds_on_machines_that_share_no_folder(
    bucket, client, push_source, pacs_series, settings, django_capture_on_commit_callbacks
):
    settings.SLIDES = {**settings.SLIDES, "STOW_SETTLE_SECONDS": 0}
    source, token = push_source
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, source, pacs_series, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    (staged,) = bucket.keys("staging/")
    assert not list(stow_staging.folder().iterdir())  # the web node keeps no copy
    job = DicomwebImport.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        dicomweb_push.finish_push(job.id)  # a worker: fetches the staged body from the bucket
    job.refresh_from_db()
    assert job.status == "done", job.failure_reason
    slide = job.slide
    assert len(bucket.keys(f"incoming/{slide.uuid}/")) == 3  # every VOLUME instance
    assert bucket.keys("staging/") == []  # the identifying body is gone
    assert not storage.incoming_dir(slide.uuid).exists()

    forget_this_machine(slide.uuid)
    original = object_storage.fetch_original(slide.source_path)
    assert len(list(original.parent.glob("*.dcm"))) == 3  # the original and its companions

    with django_capture_on_commit_callbacks(execute=True):
        slide = build_step_by_step_on_fresh_machines(slide.id, slide.uuid)
    assert slide.status == Slide.Status.AWAITING_REVIEW, slide.failure_reason
    assert (slide.width, slide.height) == (2000, 1500)
    assert bucket.keys("incoming/") == []
