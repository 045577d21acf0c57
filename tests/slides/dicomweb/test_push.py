"""Send to teaching: a PACS pushes a series over STOW-RS with its source's token
(slides/stow_views.py, slides/dicomweb_push.py). The real Orthanc sends to the live portal; a
real worker takes the series to the review gate; no canary survives, labels are thrown away,
and without the token nothing is taken."""

from __future__ import annotations

import base64
import io
import secrets

import pydicom
import pytest
from django.conf import settings
from django.urls import reverse

from fixtures.pacs import CANARY, SPECIMEN_CANARY
from slides import dicomweb_push, storage, stow_staging
from slides.dicomweb_import import work_dir
from slides.models import DicomwebImport, DicomwebSource, Slide, StowBody
from tests.conftest import wait_for

from .test_pull import PENDING_TEXTS, TRACES, assert_no_canary_in_responses, database_text

CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def stow_body(files) -> tuple[bytes, str]:
    boundary = "test-" + secrets.token_hex(6)
    body = b""
    for path in files:
        body += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        body += path.read_bytes() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f'multipart/related; type="application/dicom"; boundary={boundary}'


@pytest.fixture
def push_source(db):
    source = DicomwebSource.objects.create(name="Pushing PACS", url="https://pacs.example/dw")
    return source, dicomweb_push.make_push_token(source=source)


def post(client, source, files, **headers):
    body, content_type = stow_body(files)
    return client.post(
        reverse("slides:stow", args=[source.uuid]), body, content_type=content_type, **headers
    )


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic " + base64.b64encode(b"x:wrong").decode(), "Bearer "],
)
def test_without_the_push_token_nothing_is_taken(client, push_source, canary_files, authorization):
    source, _ = push_source
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = post(client, source, canary_files, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not DicomwebImport.objects.exists()


def test_a_source_without_a_token_takes_nothing_even_with_an_empty_one(client, db, canary_files):
    source = DicomwebSource.objects.create(name="No push", url="https://pacs.example/dw")
    response = post(client, source, canary_files, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 401


@pytest.fixture
def settled(settings):
    """No wait for more of a series: the finish builds as soon as it runs."""
    settings.SLIDES = {**settings.SLIDES, "STOW_SETTLE_SECONDS": 0}


def staged_files() -> list:
    return sorted(stow_staging.folder().glob("*.body"))


def test_a_pushed_series_is_staged_in_the_request_and_deidentified_by_the_worker(
    client, push_source, canary_files, settled, django_capture_on_commit_callbacks
):
    source, token = push_source
    basic = base64.b64encode(f"pacs:{token}".encode()).decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, source, canary_files, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    referenced = response.json()["00081199"]["Value"]
    assert len(referenced) == len(canary_files)  # all taken (labels taken to be thrown away)
    (job,) = DicomwebImport.objects.all()
    assert len(callbacks) == 1  # the finishing task, queued once the rows are committed
    volumes = [p for p in canary_files if "level" in p.name]  # the generator's VOLUME instances
    assert (job.kind, job.status, job.instances_total) == ("push", "receiving", len(volumes))
    assert job.study_uid == job.series_uid == ""
    # The request wrote nothing de-identified: the body waits, whole, in private staging.
    assert not work_dir(job).exists() or not any(work_dir(job).iterdir())
    (staged,) = staged_files()
    assert CANARY.encode() in staged.read_bytes()
    assert stow_staging.folder().is_relative_to(settings.SLIDES["INCOMING_DIR"])
    assert CANARY not in database_text()

    with django_capture_on_commit_callbacks(execute=True):
        dicomweb_push.finish_push(job.id)
    job.refresh_from_db()
    assert job.status == "done", job.failure_reason
    assert (job.instances_done, job.instances_total, job.series_key) == (len(volumes),) * 2 + ("",)
    written = list(storage.incoming_dir(job.slide.uuid).glob("*.dcm"))
    assert len(written) == len(volumes)
    for path in written:
        assert not any(trace.encode() in path.read_bytes() for trace in TRACES)
    assert staged_files() == []  # the identifying body is gone once the import has ended
    assert not StowBody.objects.exists()
    # The generator's specimen description carries the canary: it waits for review, there only.
    (pending,) = job.slide.pending_specimen_texts.all()
    assert pending.text == f"{CANARY} Synthetic tissue"
    assert CANARY not in database_text(exclude=(PENDING_TEXTS,))


def test_one_series_sent_over_several_requests_becomes_one_import(
    client, push_source, canary_files, settled, tmp_path, django_capture_on_commit_callbacks
):
    from pydicom.uid import generate_uid

    source, token = push_source
    (level0,) = [path for path in canary_files if path.name.endswith("level-0.dcm")]
    second = pydicom.dcmread(level0)  # another instance of the same series
    second.SOPInstanceUID = second.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    second.save_as(tmp_path / "second.dcm", enforce_file_format=True)
    volumes = [level0, tmp_path / "second.dcm"]
    with django_capture_on_commit_callbacks(execute=False):
        for path in volumes:  # one instance per request, as a PACS splitting a large send
            response = post(client, source, [path], HTTP_AUTHORIZATION=f"Bearer {token}")
            assert response.status_code == 200, response.content
    (job,) = DicomwebImport.objects.all()
    assert (job.status, job.instances_total) == ("receiving", len(volumes))
    assert StowBody.objects.count() == len(volumes)
    with django_capture_on_commit_callbacks(execute=True):
        dicomweb_push.finish_push(job.id)
    job.refresh_from_db()
    assert (job.status, job.instances_done) == ("done", len(volumes))
    assert len(list(storage.incoming_dir(job.slide.uuid).glob("*.dcm"))) == len(volumes)
    assert staged_files() == [] and not StowBody.objects.exists()


def test_a_series_that_is_still_arriving_waits_and_a_later_send_is_a_new_import(
    client, push_source, canary_files, django_capture_on_commit_callbacks
):
    source, token = push_source
    (level0,) = [path for path in canary_files if path.name.endswith("level-0.dcm")]
    with django_capture_on_commit_callbacks(execute=False):
        post(client, source, [level0], HTTP_AUTHORIZATION=f"Bearer {token}")
    job = DicomwebImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dicomweb_push.finish_push(job.id)  # within the settle delay: not yet
    job.refresh_from_db()
    assert job.status == "receiving" and len(callbacks) == 1  # asked again for later
    DicomwebImport.objects.filter(pk=job.pk).update(status="fetching")  # the build has begun
    with django_capture_on_commit_callbacks(execute=False):
        post(client, source, [level0], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert DicomwebImport.objects.count() == 2  # not added to a series already being built


def test_a_series_that_is_not_a_slide_is_refused_in_the_answer(
    client, push_source, canary_files, tmp_path
):
    source, token = push_source
    ct = pydicom.dcmread(canary_files[0])
    ct.SOPClassUID = ct.file_meta.MediaStorageSOPClassUID = CT_STORAGE
    path = tmp_path / "ct.dcm"
    ct.save_as(path, enforce_file_format=True)
    response = post(client, source, [path], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 409
    (failure,) = response.json()["00081198"]["Value"]
    assert failure["00081197"]["Value"] == [dicomweb_push.SOP_CLASS_NOT_SUPPORTED]
    assert not DicomwebImport.objects.exists()


def test_a_chunked_body_is_read_where_the_server_de_chunks_it(
    rf, push_source, canary_files, django_capture_on_commit_callbacks
):
    from slides.stow_views import stow

    source, token = push_source
    body, content_type = stow_body(canary_files)
    request = rf.post("/", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")
    del request.META["CONTENT_LENGTH"]  # as gunicorn passes a chunked request
    request.META["wsgi.input_terminated"] = True
    request.META["wsgi.input"] = io.BytesIO(body)  # a stream that ends, as gunicorn's does
    with django_capture_on_commit_callbacks(execute=False):
        response = stow(request, source.uuid)
    assert response.status_code == 200, response.content
    assert DicomwebImport.objects.get().instances_total >= 1


def test_a_body_that_is_not_multipart_is_refused(client, push_source):
    source, token = push_source
    response = client.post(
        reverse("slides:stow", args=[source.uuid]),
        b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 415


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_orthanc_sends_a_series_to_teaching_and_it_reaches_the_review_gate(
    orthanc, stored_series, live_server, celery_worker, client, educator
):
    source = DicomwebSource.objects.create(name="Hospital PACS", url=orthanc.dicomweb_url)
    educator.email = "educator@example.org"
    educator.save()
    source.notify.add(educator)
    token = dicomweb_push.make_push_token(source=source)
    stow_root = live_server.url + reverse("slides:stow", args=[source.uuid]).removesuffix("studies")
    orthanc.rest(
        "PUT",
        "/dicom-web/servers/portal",
        json={
            "Url": stow_root,
            "HttpHeaders": {"Authorization": f"Bearer {token}"},
            # The test server (wsgiref) cannot read chunked bodies; gunicorn and nginx can
            # (test_a_chunked_body_is_read_where_the_server_de_chunks_it).
            "ChunkedTransfers": False,
        },
    )
    # The series goes over in two STOW-RS requests, as a PACS splitting a large send does;
    # Orthanc checks each answer (it fails the job when the portal takes fewer than it sent).
    instances = sorted(orthanc.rest("GET", "/instances").json())
    for half in (instances[:2], instances[2:]):
        orthanc.rest(
            "POST", "/dicom-web/servers/portal/stow", json={"Resources": half, "Synchronous": True}
        )

    def at_review_gate():
        job = DicomwebImport.objects.filter(kind="push").first()
        if job and job.status == "failed":
            raise AssertionError(job.failure_reason)
        return job and job.slide_id and job.slide.status == "awaiting_review" and job

    job = wait_for(at_review_gate, timeout=180, message="the pushed slide to reach review")
    assert job.instances_total == 3  # the three VOLUME levels; LABEL and OVERVIEW thrown away
    assert DicomwebImport.objects.count() == 1  # both requests joined the one import
    assert not StowBody.objects.exists() and staged_files() == []
    slide = Slide.objects.get(pk=job.slide_id)
    assert (slide.width, slide.height) == (2000, 1500)
    assert_no_canary_in_responses(client, educator, slide, review_form_only=(SPECIMEN_CANARY,))
    text = database_text()
    assert SPECIMEN_CANARY not in database_text(exclude=(PENDING_TEXTS,))
    log = celery_worker.log.read_text(errors="replace")
    assert SPECIMEN_CANARY not in log
    # The educators were told, by email (the worker writes it to its log here) and at home.
    assert "A slide from Hospital PACS waits for review" in log
    assert "To: educator@example.org" in log
    client.force_login(educator)
    assert slide.title in client.get("/").content.decode()
    for trace in TRACES:
        assert trace not in text, trace
        assert trace not in log, trace
    for tile in storage.pyramid_dir(slide.uuid).rglob("*.jpeg"):
        assert not any(trace.encode() in tile.read_bytes() for trace in TRACES)


def test_a_series_marked_as_burned_in_goes_to_review_with_a_warning(
    client,
    push_source,
    canary_files,
    tmp_path,
    educator,
    settled,
    django_capture_on_commit_callbacks,
):
    source, token = push_source
    (level0_path,) = [path for path in canary_files if path.name.endswith("level-0.dcm")]
    level0 = pydicom.dcmread(level0_path)
    assert level0.BurnedInAnnotation == "NO"
    level0.BurnedInAnnotation = "YES"
    path = tmp_path / "burned.dcm"
    level0.save_as(path, enforce_file_format=True)
    with django_capture_on_commit_callbacks(execute=False):
        post(client, source, [path], HTTP_AUTHORIZATION=f"Bearer {token}")
    job = DicomwebImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        dicomweb_push.finish_push(job.id)
    job.refresh_from_db()
    assert job.burned_in_annotation
    Slide.objects.filter(pk=job.slide_id).update(status="awaiting_review")
    client.force_login(educator)
    page = client.get(reverse("slides:detail", args=[job.slide.uuid]))
    assert b"text burned into the image" in page.content


def test_a_body_that_ends_inside_a_part_is_refused_and_nothing_is_kept(
    client, push_source, canary_files
):
    source, token = push_source
    body, content_type = stow_body(canary_files)
    response = client.post(
        reverse("slides:stow", args=[source.uuid]),
        body[: len(body) // 2],
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert b"ends inside a part" in response.content
    assert not DicomwebImport.objects.exists() and not StowBody.objects.exists()
    assert list(stow_staging.folder().iterdir()) == []  # the spooled body is gone


def test_a_finish_that_finds_another_building_the_series_leaves_it_alone(
    client, push_source, canary_files, settled, django_capture_on_commit_callbacks
):
    import psycopg
    from django.db import connection

    source, token = push_source
    (level0,) = [path for path in canary_files if path.name.endswith("level-0.dcm")]
    with django_capture_on_commit_callbacks(execute=False):
        post(client, source, [level0], HTTP_AUTHORIZATION=f"Bearer {token}")
    job = DicomwebImport.objects.get()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s, %s)", [dicomweb_push.BUILD_LOCK, job.id])
        dicomweb_push.finish_push(job.id)  # a second finish task, due at the same time
        job.refresh_from_db()
        assert job.status == "receiving"
    with django_capture_on_commit_callbacks(execute=False):
        dicomweb_push.finish_push(job.id)  # the other worker has gone: this one builds
    job.refresh_from_db()
    assert job.status == "done"
