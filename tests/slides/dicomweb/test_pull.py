"""Pulling a series from the test Orthanc over WADO-RS into a slide (slides/dicomweb_import.py):
a real worker takes it through the pipeline to the review gate, and nothing of the PACS's
canaries reaches a database row, a tile or the slide's folders; a PACS that is down or refuses
the portal ends the import FAILED with a reason a person can read."""

from __future__ import annotations

import threading
from pathlib import Path

import pydicom
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from fixtures.pacs import CANARY, CANARY_TIME, CANARY_UID_ROOT, SPECIMEN_CANARY
from fixtures.synthetic import CANARY_DATE, contains_reserved_colour
from slides import dicomweb_import, storage
from slides.models import DicomwebImport, DicomwebSource, Slide
from tests.conftest import wait_for
from tests.orthanc import free_port

from .conftest import series_uids

TRACES = (CANARY, CANARY_DATE, CANARY_TIME, CANARY_UID_ROOT)


def source_through(proxy, orthanc, *, name: str) -> DicomwebSource:
    """A source that reaches the test Orthanc through a proxy (tests/throttle.py)."""
    return DicomwebSource.objects.create(
        name=name,
        url=f"http://127.0.0.1:{proxy.port}/dicom-web",
        auth=DicomwebSource.Auth.BASIC,
        username=orthanc.auth[0],
        secret=orthanc.auth[1],
    )


def request_pull(source, educator, study_uid: str, series_uid: str) -> DicomwebImport:
    return dicomweb_import.request_import(
        source=source,
        requested_by=educator,
        study_uid=study_uid,
        series_uid=series_uid,
        title="Teaching case from the PACS",
    )


REVIEW_TEXTS_START = b'<fieldset class="field specimen-texts">'


def assert_no_canary_in_responses(client, user, slide, *, review_form_only=(), also=()) -> None:
    """The slide's pages, API, Deep Zoom and IIIF answers (bodies and headers) as `user` hold
    none of the canaries. `review_form_only`: traces that must be on the slide's page in the
    review form's specimen texts (for an educator at the review gate) and nowhere else; `also`:
    more traces that must be nowhere."""
    from django.urls import reverse

    from slides.tile_tokens import make_token

    client.force_login(user)
    token = make_token(str(slide.uuid))
    detail = reverse("slides:detail", args=[slide.uuid])
    urls = [
        reverse("slides:library"),
        detail,
        reverse("slides:viewer", args=[slide.uuid]),
        reverse("slides:thumbnail", args=[slide.uuid]),
        reverse("slides:pacs"),
        reverse("api-slide-list"),
        reverse("api-slide-detail", args=[slide.uuid]),
        reverse("slides:dzi", args=[token, slide.uuid]),
        reverse("slides:iiif-info", args=[token, slide.uuid]),
        reverse(
            "slides:iiif-image", args=[token, slide.uuid, "full", "max", "0", "default", "jpg"]
        ),
        reverse("slides:tile", args=[token, slide.uuid, 0, 0, 0]),
        reverse("home"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = repr(dict(response.headers)).encode()
        if url == detail and review_form_only:
            start = body.index(REVIEW_TEXTS_START)
            end = body.index(b"</fieldset>", start)
            for trace in review_form_only:
                assert trace.encode() in body[start:end], trace
            body = body[:start] + body[end:]
        for trace in (*TRACES, *review_form_only, *also):
            assert trace.encode() not in body, (url, trace)
            assert trace.encode() not in headers, (url, trace)


PENDING_TEXTS = "slides_pendingspecimentext"


def database_text(*, exclude: tuple[str, ...] = ()) -> str:
    """Every row of every portal table (but those named in `exclude`), as text (the canary must
    be in none of them)."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith(("slides_", "courses_", "portal_")) or table in exclude:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # table names from the schema itself
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_pulled_series_becomes_a_built_slide_at_the_review_gate_without_canaries(
    celery_worker, orthanc_source, stored_series, educator, client
):
    from PIL import Image

    job = request_pull(orthanc_source, educator, *series_uids(stored_series))

    def at_review_gate():
        job.refresh_from_db()
        if job.status == DicomwebImport.Status.FAILED:
            raise AssertionError(job.failure_reason)
        return job.slide_id and Slide.objects.get(pk=job.slide_id).status == "awaiting_review"

    wait_for(at_review_gate, timeout=180, message="the pulled slide to reach review")
    slide = Slide.objects.get(pk=job.slide_id)
    assert (slide.width, slide.height, slide.vendor) == (2000, 1500, "dicom")
    assert slide.source_format == "raw-jpeg"  # the PACS's JPEG frames copied, not re-encoded
    assert slide.mpp == pytest.approx(0.25, abs=1e-3)
    assert job.instances_done == job.instances_total == 3  # LABEL and OVERVIEW never fetched
    assert job.study_uid == job.series_uid == ""
    assert job.accession_hash and CANARY not in job.accession_hash

    text = database_text()
    for trace in TRACES:
        assert trace not in text, trace
    # The specimen descriptions wait for the educator's choice, in their own table only.
    assert SPECIMEN_CANARY in text
    assert SPECIMEN_CANARY not in database_text(exclude=(PENDING_TEXTS,))
    pyramid = storage.pyramid_dir(slide.uuid)
    tiles = sorted(pyramid.rglob("*.jpeg"))
    assert tiles
    for tile in tiles:
        data = tile.read_bytes()
        assert not any(trace.encode() in data for trace in (*TRACES, SPECIMEN_CANARY))
        with Image.open(tile) as image:
            assert not contains_reserved_colour(image.convert("RGB")), tile
    assert_no_canary_in_responses(client, educator, slide, review_form_only=(SPECIMEN_CANARY,))
    worker_log = celery_worker.log.read_text(errors="replace")
    assert "pull_dicomweb_series" in worker_log  # the log is the worker's, and it pulled
    for trace in (*TRACES, SPECIMEN_CANARY):
        assert trace not in worker_log, trace
    incoming = Path(settings.SLIDES["INCOMING_DIR"])
    leftovers = [p for p in incoming.rglob("*") if p.is_file()]
    assert leftovers == [], leftovers  # the original and the work folder are gone

    # Approved without keeping them: no row holds the specimen texts, no answer shows them.
    client.force_login(educator)
    client.post(reverse("slides:review", args=[slide.uuid]), {"decision": "approve"})
    slide.refresh_from_db()
    assert slide.status == "ready"
    assert SPECIMEN_CANARY not in database_text()
    assert_no_canary_in_responses(client, educator, slide, also=(SPECIMEN_CANARY,))


@pytest.mark.django_db
def test_a_pacs_that_is_down_ends_the_import_failed_with_a_readable_reason(educator):
    source = DicomwebSource.objects.create(
        name="Closed PACS", url=f"http://127.0.0.1:{free_port()}/dicom-web"
    )
    job = dicomweb_import.request_import(
        source=source, requested_by=educator, study_uid="1.2.3", series_uid="1.2.3.4", title="x"
    )
    with pytest.raises(dicomweb_import.TryAgain):
        dicomweb_import.pull(job.id, last_try=False)
    dicomweb_import.pull(job.id, last_try=True)
    job.refresh_from_db()
    assert job.status == DicomwebImport.Status.FAILED
    assert job.failure_reason.startswith("Closed PACS cannot be reached.")
    assert job.study_uid == job.series_uid == ""


@pytest.mark.slow
@pytest.mark.django_db
def test_wrong_credentials_end_the_import_failed_and_say_so(
    orthanc_source, stored_series, educator
):
    orthanc_source.secret = "not-the-password"
    orthanc_source.save()
    job = request_pull(orthanc_source, educator, *series_uids(stored_series))
    dicomweb_import.pull(job.id, last_try=True)
    job.refresh_from_db()
    assert job.status == DicomwebImport.Status.FAILED
    assert "refused the portal's credentials (HTTP 401)" in job.failure_reason
    assert "not-the-password" not in job.failure_reason


@pytest.mark.slow
@pytest.mark.django_db
def test_a_series_the_pacs_does_not_have_ends_the_import_failed(
    orthanc_source, stored_series, educator
):
    job = request_pull(orthanc_source, educator, series_uids(stored_series)[0], "1.2.3.404")
    dicomweb_import.pull(job.id, last_try=True)
    job.refresh_from_db()
    assert job.status == DicomwebImport.Status.FAILED
    assert "does not have what was asked for (HTTP 404)" in job.failure_reason


def test_a_request_with_something_other_than_a_uid_is_refused(db, educator):
    source = DicomwebSource.objects.create(name="PACS", url="http://127.0.0.1:9/dicom-web")
    with pytest.raises(dicomweb_import.SeriesRejected):
        dicomweb_import.request_import(
            source=source,
            requested_by=educator,
            study_uid="1.2.3",
            series_uid="../../studies",
            title="x",
        )
    assert not DicomwebImport.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_a_pull_that_died_part_way_resumes_without_fetching_again(
    orthanc_source, stored_series, educator, monkeypatch
):
    from dicomweb_client import DICOMwebClient

    real_retrieve = DICOMwebClient.retrieve_instance
    lock = threading.Lock()
    fetched: list[str] = []

    def dies_after_one(self, *args, **kwargs):
        with lock:
            if fetched:
                raise SystemExit("the worker died")  # not an Exception: nothing may catch it
            fetched.append(args[2])
        return real_retrieve(self, *args, **kwargs)

    job = request_pull(orthanc_source, educator, *series_uids(stored_series))
    monkeypatch.setattr(DICOMwebClient, "retrieve_instance", dies_after_one)
    with pytest.raises(SystemExit):
        dicomweb_import.pull(job.id)
    job.refresh_from_db()
    assert (job.status, job.instances_total, job.slide) == ("fetching", 3, None)
    assert job.instances_done <= 1

    def counts(self, *args, **kwargs):
        fetched.append(args[2])
        return real_retrieve(self, *args, **kwargs)

    monkeypatch.setattr(DICOMwebClient, "retrieve_instance", counts)
    dicomweb_import.pull(job.id)
    job.refresh_from_db()
    assert job.status == "done" and job.slide is not None
    assert len(fetched) == 3 and len(set(fetched)) == 3  # each instance fetched exactly once
    assert job.instances_done == 3


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_pull_whose_worker_is_killed_mid_way_completes_after_a_restart(
    celery_worker_env, orthanc, stored_series, educator, tmp_path
):
    from tests.conftest import Worker
    from tests.throttle import throttled

    with throttled(orthanc.port, bytes_per_second=60_000) as slow:
        source = source_through(slow, orthanc, name="Slow PACS")
        worker = Worker(celery_worker_env, tmp_path / "worker-1.log")
        worker.start()
        try:
            job = request_pull(source, educator, *series_uids(stored_series))

            def part_fetched():
                job.refresh_from_db()
                return job.status == "fetching" and 1 <= job.instances_done < job.instances_total

            wait_for(part_fetched, timeout=120, interval=0.05, message="part of the series")
            worker.kill_hard()
        finally:
            worker.stop()
        done_at_kill = DicomwebImport.objects.get(pk=job.pk).instances_done
        assert job.slide_id is None
        restarted = Worker(celery_worker_env, tmp_path / "worker-2.log")
        restarted.start()
        try:

            def at_review_gate():
                job.refresh_from_db()
                assert job.status != "failed", job.failure_reason
                return job.slide_id and Slide.objects.get(pk=job.slide_id).status == (
                    "awaiting_review"
                )

            wait_for(at_review_gate, timeout=240, message="the resumed pull to be built")
        finally:
            restarted.stop()
    fetched = [path for path in slow.requests if "/instances/" in path and "metadata" not in path]
    # What was on disk before the kill is not fetched again.
    assert len(fetched) <= 2 * job.instances_total - done_at_kill
    assert job.instances_done == job.instances_total == 3


@pytest.mark.slow
@pytest.mark.django_db
def test_a_pacs_failing_part_way_leaves_nothing_half_imported(
    orthanc, stored_series, educator, django_capture_on_commit_callbacks
):
    from tests.throttle import throttled

    level1 = pydicom.dcmread(stored_series[1], stop_before_pixels=True).SOPInstanceUID
    with throttled(orthanc.port, bytes_per_second=10**9, fail=f"/instances/{level1}$") as pacs:
        source = source_through(pacs, orthanc, name="Failing PACS")
        job = request_pull(source, educator, *series_uids(stored_series))
        with pytest.raises(dicomweb_import.TryAgain):
            dicomweb_import.pull(job.id, last_try=False)
        assert dicomweb_import.work_dir(job).exists()  # the instances fetched so far
        with django_capture_on_commit_callbacks(execute=True):
            dicomweb_import.pull(job.id, last_try=True)
    job.refresh_from_db()
    assert job.status == DicomwebImport.Status.FAILED
    assert job.failure_reason.startswith("Failing PACS answered with an error (HTTP 500).")
    assert job.slide is None and not Slide.objects.exists()
    assert not dicomweb_import.work_dir(job).exists()
