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


def test_an_open_viewer_renews_its_token_and_keeps_loading_tiles(
    browser_page, educator, slide_files, make_processed_slide, settings
):
    import copy
    import time

    from slides.tile_tokens import expires_at, token_is_valid

    # A four-second cap: tokens live two to four seconds, so renewal must happen within the test.
    settings.SLIDES = {**copy.deepcopy(settings.SLIDES), "TILE_TOKEN_SECONDS": 4}
    slide = make_processed_slide("svs", files=slide_files, approve=True)
    page = browser_page
    tiles = []
    page.on(
        "response",
        lambda response: (
            tiles.append((response.url, response.status)) if "_files/" in response.url else None
        ),
    )
    log_in(page, educator.username)
    page.goto(f"/slides/{slide.uuid}/view/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    first_token = page.evaluate("window.portalViewers[0].portalTokenRenewal.token")
    assert tiles and all(f"/tiles/{first_token}/" in url for url, _ in tiles)

    # Wait until the first token is dead on the server, and the viewer holds a newer one.
    time.sleep(max(0.0, expires_at(first_token) + 1 - time.time()))
    assert not token_is_valid(str(slide.uuid), first_token)
    page.wait_for_function(
        f"window.portalViewers[0].portalTokenRenewal.token !== '{first_token}'", timeout=10000
    )
    loaded_before = len(tiles)
    top_level = f"_files/{slide.width.bit_length()}/"
    with page.expect_response(lambda response: top_level in response.url) as deep:
        page.evaluate(
            "const v = window.portalViewers[0].viewport;"
            "v.zoomTo(v.imageToViewportZoom(1.0)); v.panTo(v.imageToViewportCoordinates(300, 300));"
        )
    current = page.evaluate("window.portalViewers[0].portalTokenRenewal.token")
    assert deep.value.status == 200
    later = tiles[loaded_before:]
    assert later and {status for _, status in later} == {200}
    assert all(f"/tiles/{first_token}/" not in url for url, _ in later)
    assert f"/tiles/{current}/" in deep.value.url
    assert page.evaluate("document.querySelector('[data-slide-viewer]').dataset.dziUrl").startswith(
        "/slides/tiles/"
    )


def test_a_tiny_slide_opens_and_zooms_no_further_than_its_limit(
    browser_page, educator, make_processed_slide, tmp_path
):
    from fixtures import synthetic
    from slides.zoom import zoom_limit

    tiny = synthetic.make_generic_tiff(tmp_path / "tiny", width=16, height=16)
    slide = make_processed_slide("tiny", files={"tiny": tiny}, approve=True)
    limit = zoom_limit(width=slide.width, height=slide.height, mpp=slide.mpp).max_pixel_ratio
    page = browser_page
    log_in(page, educator.username)
    page.goto(f"/slides/{slide.uuid}/view/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    ratio = (
        "(() => { const v = window.portalViewers[0].viewport;"
        " return v.viewportToImageZoom(v.getZoom(true)); })()"
    )
    assert page.evaluate(ratio) <= limit * 1.01  # home no longer fills the screen at "810×"
    page.evaluate(
        "const v = window.portalViewers[0].viewport; v.zoomTo(v.getZoom() * 50, null, true);"
        " v.applyConstraints(true);"
    )
    assert page.evaluate(ratio) <= limit * 1.01
