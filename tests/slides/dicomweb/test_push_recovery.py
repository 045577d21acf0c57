"""What a push leaves behind when things go wrong: a finish task lost with its broker or worker
(the periodic sweep queues it again), a web process killed mid-upload (its half-spooled body
is swept), and a source deleted while what it sent still waits (its staged bodies go too)."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from slides import dicomweb_push, stow_staging, tasks
from slides.dicomweb_import import delete_source, work_dir
from slides.models import DicomwebImport, DicomwebSource, Slide, StowBody
from tests.conftest import Worker, _purge_broker, wait_for

from .test_push import post, staged_files


def make_source(name: str = "Pushing PACS") -> tuple[DicomwebSource, str]:
    source = DicomwebSource.objects.create(name=name, url="https://pacs.example/dw")
    return source, dicomweb_push.make_push_token(source=source)


def age(job: DicomwebImport, seconds: float) -> None:
    DicomwebImport.objects.filter(pk=job.pk).update(
        last_received_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_only_pushes_receiving_long_after_they_settled_count_as_stalled(db, settings):
    settings.SLIDES = {**settings.SLIDES, "STOW_SETTLE_SECONDS": 5}
    source, _ = make_source()
    quiet = 5 + dicomweb_push.STALL_MARGIN_SECONDS

    def push(key: str, status: str, seconds_ago: float) -> DicomwebImport:
        job = DicomwebImport.objects.create(
            source=source, kind="push", status=status, title=key, series_key=key
        )
        age(job, seconds_ago)
        return job

    stalled = push("stalled", "receiving", quiet + 5)
    push("still-settling", "receiving", quiet - 30)
    push("building", "fetching", quiet + 5)
    push("done", "done", quiet + 5)
    assert list(dicomweb_push.stalled_pushes()) == [stalled.id]
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-dicomweb-pushes"]  # beat runs it
    assert sweep["task"] == tasks.sweep_dicomweb_pushes.name


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_push_whose_finish_was_lost_is_built_after_the_sweep(
    client, canary_files, celery_worker_env, tmp_path
):
    source, token = make_source()
    response = post(client, source, canary_files, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    job = DicomwebImport.objects.get()
    _purge_broker(celery_worker_env)  # the broker is wiped: the finish task is lost
    age(job, dicomweb_push.STALL_MARGIN_SECONDS + 60)
    tasks.sweep_dicomweb_pushes()
    tasks.sweep_dicomweb_pushes()  # twice (two beats before a worker): a duplicate finish
    worker = Worker(celery_worker_env, tmp_path / "worker.log")
    worker.start()
    try:

        def ended():
            job.refresh_from_db()
            return job.status in ("done", "failed")

        wait_for(ended, timeout=120, message="the swept push to end")
    finally:
        worker.stop()
    assert job.status == "done", job.failure_reason
    assert Slide.objects.count() == 1 and job.slide_id  # built once, duplicate or not
    assert staged_files() == [] and not StowBody.objects.exists()


def test_the_sweep_removes_only_abandoned_half_spooled_bodies(db):
    folder = stow_staging.folder()
    abandoned, arriving = folder / ".receiving-abandoned", folder / ".receiving-arriving"
    staged = folder / "a-staged.body"
    for path in (abandoned, arriving, staged):
        path.write_bytes(b"patient")
    two_hours_ago = time.time() - 2 * 3600
    for path in (abandoned, staged):
        os.utime(path, (two_hours_ago, two_hours_ago))
    tasks.sweep_dicomweb_pushes()
    assert not abandoned.exists()
    assert arriving.exists() and staged.exists()  # still arriving; staged bodies are not its


def staged_push(client, canary_files, django_capture_on_commit_callbacks):
    source, token = make_source()
    with django_capture_on_commit_callbacks(execute=False):  # no finish runs: it still waits
        response = post(client, source, canary_files, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return source, DicomwebImport.objects.get()


def test_deleting_a_source_in_the_admin_deletes_what_it_sent_that_waits(
    client, admin_user, canary_files, django_capture_on_commit_callbacks
):
    source, job = staged_push(client, canary_files, django_capture_on_commit_callbacks)
    assert len(staged_files()) == 1
    work_dir(job).mkdir(parents=True)
    (work_dir(job) / "0000.dcm").write_bytes(b"half-built")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:slides_dicomwebsource_delete", args=[source.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not DicomwebSource.objects.exists() and not StowBody.objects.exists()
    assert staged_files() == []
    assert not work_dir(job).exists()


def test_deleting_a_source_deletes_its_staged_bodies_from_the_bucket(
    db, bucket, client, canary_files, django_capture_on_commit_callbacks
):
    source, _ = staged_push(client, canary_files, django_capture_on_commit_callbacks)
    assert len(bucket.keys("staging/")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        delete_source(source)
    assert bucket.keys("staging/") == []
