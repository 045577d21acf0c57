"""Send to teaching through the deployment's own front: Orthanc pushes with its default chunked
transfers to the shipped nginx configuration, which streams the body to gunicorn (the body is
larger than nginx's default 1 MB limit); a real worker sharing the data folder takes the series
to the review gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from slides import dicomweb_push
from slides.models import DicomwebImport, DicomwebSource, Slide
from tests.conftest import Worker, wait_for

from ..local_servers import running_nginx
from ..test_object_storage_deployment import WebNode

pytestmark = pytest.mark.slow


@pytest.fixture
def large_series(orthanc, tmp_path_factory):
    """A series of several megabytes in Orthanc (nginx's default limit is 1 MB)."""
    from fixtures.pacs import make_pacs_series

    files = make_pacs_series(tmp_path_factory.mktemp("large"), width=6000, height=4500, seed=3)
    orthanc.stow(files)
    yield files
    orthanc.delete_everything()


@pytest.mark.django_db(transaction=True)
def test_orthanc_sends_through_nginx_and_gunicorn_to_the_review_gate(
    orthanc, large_series, celery_worker_env, tmp_path
):
    assert sum(path.stat().st_size for path in large_series) > 2 * 1024 * 1024
    source = DicomwebSource.objects.create(name="Hospital PACS", url=orthanc.dicomweb_url)
    token = dicomweb_push.make_push_token(source=source)
    data_dir = celery_worker_env["PORTAL_DATA_DIR"]
    worker = Worker(celery_worker_env, tmp_path / "worker.log")
    web = WebNode(celery_worker_env, Path(data_dir))  # the worker's folder: shared disk
    try:
        worker.start()
        with running_nginx(tmp_path / "nginx", f"127.0.0.1:{web.port}") as port:
            stow = reverse("slides:stow", args=[source.uuid]).removesuffix("studies")
            orthanc.rest(
                "PUT",
                "/dicom-web/servers/portal",
                json={
                    "Url": f"http://127.0.0.1:{port}{stow}",
                    "HttpHeaders": {"Authorization": f"Bearer {token}"},
                },  # ChunkedTransfers left at Orthanc's default: on
            )
            answer = orthanc.rest(
                "POST",
                "/dicom-web/servers/portal/stow",
                json={"Resources": orthanc.rest("GET", "/series").json(), "Synchronous": True},
            )
            assert answer.ok

        def at_review_gate():
            job = DicomwebImport.objects.filter(kind="push").first()
            if job and job.status == "failed":
                raise AssertionError(job.failure_reason)
            return job and job.slide_id and job.slide.status == "awaiting_review" and job

        job = wait_for(at_review_gate, timeout=180, message="the pushed slide to reach review")
        slide = Slide.objects.get(pk=job.slide_id)
        assert (slide.width, slide.height) == (6000, 4500)
        assert DicomwebImport.objects.count() == 1
        assert "Traceback" not in web.log.read_text(errors="replace")
    finally:
        web.stop()
        worker.stop()
