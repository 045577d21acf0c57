"""In headless Chromium, with the keyboard: an educator retires a slide and deletes a failed
upload through its confirmation page."""

from __future__ import annotations

import pytest

from slides import pipeline, services
from slides.models import Slide
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_educator_retires_a_slide_and_deletes_a_failed_upload(
    browser_page, educator, slide_files, make_processed_slide, tmp_path
):
    slide = make_processed_slide("tiff", files=slide_files, title="Old teaching slide")
    bogus = tmp_path / "notes.svs"
    bogus.write_text("this is not a slide")
    failed = services.create_slide(
        uploaded_by=educator, original=bogus, original_name="notes.svs", title="Not a slide"
    )
    failed = pipeline.run_inline(failed.id)
    page = browser_page
    log_in(page, educator.username)

    page.goto(f"/slides/{slide.uuid}/")
    page.focus("button:has-text('Retire')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Slide.objects.get(pk=slide.pk).is_retired
    page.goto("/slides/")
    assert page.locator("text=Old teaching slide").count() == 0

    page.goto(f"/slides/{failed.uuid}/")
    with page.expect_navigation():
        page.click("a:has-text('Delete')")
    assert Slide.objects.filter(pk=failed.pk).exists()  # the page asks first
    page.focus("button:has-text('Yes, delete the slide')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not Slide.objects.filter(pk=failed.pk).exists()
