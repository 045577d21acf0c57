"""The educator pages: a course's bundle downloads as a stream; an uploaded bundle is imported by
a real Celery worker while its page shows the progress bar, and a refused one shows why."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.bundles import manifest
from courses.models import Course, CourseImport
from slides import storage

from ...conftest import PASSWORD, wait_for


def test_an_educator_of_the_course_downloads_its_bundle_as_a_stream(client, demo_course, educator):
    client.login(username=educator.username, password=PASSWORD)
    response = client.get(reverse("courses:bundle-export", args=[demo_course.uuid]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="gi-pathology.coursebundle.tar"'
    data = b"".join(response.streaming_content)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = archive.getnames()
        listed = json.load(archive.extractfile(manifest.MANIFEST_MEMBER))
    assert names[0] == manifest.FORMAT_MEMBER and names[-1] == manifest.MANIFEST_MEMBER
    assert set(listed["members"]) == set(names[:-1])


@pytest.mark.parametrize("persona", ["other_educator", "trainee", "examiner"])
def test_nobody_but_its_educators_may_export_a_course(client, demo_course, persona, request):
    user = request.getfixturevalue(persona)
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("courses:bundle-export", args=[demo_course.uuid]))
    assert response.status_code == 404


def test_a_course_with_a_slide_that_is_not_ready_is_not_exported(client, demo_course, educator):
    demo_course.cover_slide.__class__.objects.filter(pk=demo_course.cover_slide_id).update(
        status="awaiting_review"
    )
    client.login(username=educator.username, password=PASSWORD)
    response = client.get(reverse("courses:bundle-export", args=[demo_course.uuid]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:detail", args=[demo_course.uuid])
    assert "cannot be exported" in response.content.decode()


def test_a_waiting_import_shows_the_progress_bar_polled_by_htmx(client, other_educator):
    job = CourseImport.objects.create(
        requested_by=other_educator, status="importing", bytes_total=1000, bytes_done=250
    )
    client.login(username=other_educator.username, password=PASSWORD)
    html = client.get(reverse("courses:bundle-import-status", args=[job.uuid])).content.decode()
    assert 'role="progressbar"' in html and 'aria-valuenow="25"' in html
    assert reverse("courses:bundle-import-progress", args=[job.uuid]) in html


def test_a_finished_import_lists_the_new_slides_waiting_for_review(
    client, demo_course, case_slide, other_educator
):
    job = CourseImport.objects.create(
        requested_by=other_educator, status="done", course=demo_course
    )
    client.login(username=other_educator.username, password=PASSWORD)
    status_page = reverse("courses:bundle-import-status", args=[job.uuid])
    assert "review gate" not in client.get(status_page).content.decode()  # all slides ready

    slide = case_slide.slide
    slide.__class__.objects.filter(pk=slide.pk).update(status="awaiting_review")
    html = client.get(status_page).content.decode()
    assert "1 new slide from the bundle waits at the review gate" in html
    assert reverse("slides:detail", args=[slide.uuid]) in html


@pytest.mark.slow
def test_an_uploaded_bundle_is_imported_by_the_worker_and_a_broken_one_refused(
    celery_worker, client, bundle_file, other_educator
):
    client.login(username=other_educator.username, password=PASSWORD)
    page = reverse("courses:bundle-import")
    assert client.get(page).status_code == 200
    data = bundle_file.read_bytes()
    courses_before = Course.objects.count()

    broken = client.post(page, {"bundle": SimpleUploadedFile("b.tar", data[: len(data) // 2])})
    good = client.post(page, {"bundle": SimpleUploadedFile("g.tar", data)})
    for response in (broken, good):
        assert response.status_code == 302

    jobs = {j.bytes_total: j for j in CourseImport.objects.all()}
    finished = lambda: all(not j.is_running for j in CourseImport.objects.all())  # noqa: E731
    wait_for(finished, 120, message="both imports to finish")
    refused, imported = (
        CourseImport.objects.get(pk=jobs[n].pk) for n in (len(data) // 2, len(data))
    )

    assert refused.status == "failed" and "truncated" in refused.failure_reason
    html = client.get(broken["Location"]).content.decode()
    assert "The bundle was refused" in html and "truncated" in html
    assert imported.status == "done" and imported.bytes_done == len(data)
    assert imported.course.owner == other_educator
    html = client.get(good["Location"]).content.decode()
    assert reverse("courses:detail", args=[imported.course.uuid]) in html
    assert Course.objects.count() == courses_before + 1
    # The uploads are deleted once read.
    for job in (refused, imported):
        assert not storage.original_path(job.upload_name).parent.exists()


def test_an_upload_without_a_file_is_answered_400(client, other_educator):
    client.login(username=other_educator.username, password=PASSWORD)
    response = client.post(reverse("courses:bundle-import"), {})
    assert response.status_code == 400
    assert not CourseImport.objects.exists()


def test_a_bundle_over_the_size_limit_is_answered_400_with_the_limit(
    client, other_educator, settings
):
    settings.COURSE_BUNDLE_MAX_BYTES = 1024
    client.login(username=other_educator.username, password=PASSWORD)
    upload = SimpleUploadedFile("big.tar", b"x" * 1025)
    response = client.post(reverse("courses:bundle-import"), {"bundle": upload})
    assert response.status_code == 400
    assert "larger than this portal accepts (1.0\xa0KB)" in response.content.decode()
    assert not CourseImport.objects.exists()


def test_a_job_runs_once_even_when_its_task_is_delivered_again(bundle_file, other_educator):
    from django.utils import timezone

    from courses.bundles import jobs

    data = bundle_file.read_bytes()
    job = jobs.queue_import(
        upload=SimpleUploadedFile("b.tar", data), requested_by=other_educator, enqueue=lambda _: 0
    )
    CourseImport.objects.filter(pk=job.pk).update(status="importing", updated_at=timezone.now())
    jobs.run_import(job.id)  # a second delivery while the first run is alive: left alone
    assert CourseImport.objects.get(pk=job.pk).status == "importing"
    stale = timezone.now() - jobs.STALE_AFTER - timezone.timedelta(minutes=1)
    CourseImport.objects.filter(pk=job.pk).update(updated_at=stale)
    jobs.run_import(job.id)  # the first run died with its worker: imported now
    jobs.run_import(job.id)  # and never twice
    job.refresh_from_db()
    assert job.status == "done" and Course.objects.filter(owner=other_educator).count() == 1
