"""In Chromium: an educator downloads a course's bundle from its page; another educator uploads
it, watches the progress panel until the worker has imported it, and opens the new course."""

from __future__ import annotations

import pytest

from courses.models import Course

from ...conftest import log_in

pytestmark = pytest.mark.slow


def test_a_course_travels_through_the_pages(
    celery_worker, browser, live_server, demo_course, educator, other_educator, tmp_path
):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    log_in(page, educator.username)
    page.goto(f"/courses/{demo_course.uuid}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export bundle").click()
    bundle = tmp_path / download.value.suggested_filename
    download.value.save_as(bundle)
    assert bundle.name == "gi-pathology.coursebundle.tar" and bundle.stat().st_size > 100_000
    context.close()

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(60_000)
    log_in(page, other_educator.username)
    page.goto("/courses/")
    page.get_by_role("link", name="Import a course").click()
    page.set_input_files("input[type=file]", str(bundle))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/courses/imports/**")
    page.get_by_text("Imported.").wait_for()  # htmx swapped the panel once the worker was done
    page.get_by_role("link", name="Open “GI pathology”").click()
    page.get_by_role("heading", name="GI pathology").wait_for()
    imported = Course.objects.exclude(pk=demo_course.pk).get()
    assert page.url.endswith(f"/courses/{imported.uuid}/")
    assert imported.owner == other_educator
    context.close()
