"""In headless Chromium: the viewer draws tiles; an educator uploads a slide, watches it being
built by a real worker, and passes the review gate."""

from __future__ import annotations

import pytest

from slides.models import Slide
from tests.conftest import log_in, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_viewer_draws_tiles(
    browser_page, educator, slide_files, make_processed_slide, tmp_path
):
    slide = make_processed_slide("svs", files=slide_files, approve=True)
    page = browser_page
    tile_responses = []
    page.on(
        "response",
        lambda response: (
            tile_responses.append(response.status) if "_files/" in response.url else None
        ),
    )
    log_in(page, educator.username)
    page.goto(f"/slides/{slide.uuid}/view/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    page.screenshot(path=str(tmp_path / "viewer.png"))
    assert tile_responses and set(tile_responses) == {200}
    # Zooming in on a corner asks for full-resolution tiles, which arrive too.
    top_level = f"_files/{slide.width.bit_length()}/"
    with page.expect_response(lambda response: top_level in response.url) as deep:
        page.evaluate(
            "const v = window.portalViewers[0].viewport;"
            "v.zoomTo(v.imageToViewportZoom(1.0)); v.panTo(v.imageToViewportCoordinates(300, 300));"
        )
    assert deep.value.status == 200
    assert set(tile_responses) == {200}


def test_an_educator_uploads_watches_progress_and_approves(
    browser_page, educator, slide_files, celery_worker, tmp_path
):
    page = browser_page
    log_in(page, educator.username)
    page.goto("/slides/upload/")
    page.set_input_files("input[type=file]", str(slide_files["tiff"]))
    page.fill("input[name=title]", "Uploaded in the browser")
    page.click("[data-upload-submit]")
    page.wait_for_url("**/slides/*-*/")
    slide = Slide.objects.get(title="Uploaded in the browser")
    # The progress region polls until the worker has built the pyramid.
    page.wait_for_selector("#slide-progress")
    wait_for(
        lambda: Slide.objects.get(pk=slide.pk).status == Slide.Status.AWAITING_REVIEW,
        timeout=120,
        message="the worker to build the pyramid",
    )
    page.reload()
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    page.click("button[name=decision][value=approve]")
    page.wait_for_load_state()
    slide.refresh_from_db()
    assert slide.status == Slide.Status.READY
    assert slide.reviewed_by == educator
    page.screenshot(path=str(tmp_path / "approved.png"))
