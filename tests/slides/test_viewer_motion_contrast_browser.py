"""In headless Chromium: the viewer's zoom and pan glide normally and jump under
prefers-reduced-motion (also when the preference changes with the page open); the
high-contrast overlay setting widens every overlay line, is announced, and is remembered."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPRINGS = """() => {
  const viewer = window.portalViewers[0];
  const v = viewer.viewport;
  const item = viewer.world.getItemAt(0);
  return [v.centerSpringX, v.centerSpringY, v.zoomSpring, item._scaleSpring]
    .map((spring) => spring.animationTime);
}"""

# Zoom in with the toolbar's button, then read how far the zoom has got 50 ms later.
ZOOM_PROGRESS = """async () => {
  const v = window.portalViewers[0].viewport;
  const start = v.getZoom(true);
  document.querySelector('.viewer-button[aria-label="Zoom in"]').click();
  const target = v.getZoom(false);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return (v.getZoom(true) - start) / (target - start);
}"""


def _open_viewer(browser, live_server, username, slide, **context_options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, **context_options
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, username)
    page.goto(f"/slides/{slide.uuid}/view/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    return context, page


@pytest.fixture
def slide(slide_files, make_processed_slide):
    return make_processed_slide("svs", files=slide_files, approve=True)


def test_reduced_motion_turns_the_viewers_animations_off(browser, live_server, educator, slide):
    context, page = _open_viewer(
        browser, live_server, educator.username, slide, reduced_motion="reduce"
    )
    assert page.get_attribute("[data-slide-viewer]", "data-motion") == "reduced"
    assert page.evaluate(SPRINGS) == [0, 0, 0, 0]
    assert page.evaluate(ZOOM_PROGRESS) == pytest.approx(1.0)
    context.close()


def test_without_the_preference_the_viewer_glides_and_follows_a_change(
    browser, live_server, educator, slide
):
    context, page = _open_viewer(
        browser, live_server, educator.username, slide, reduced_motion="no-preference"
    )
    assert page.get_attribute("[data-slide-viewer]", "data-motion") == "animated"
    assert page.evaluate(SPRINGS) == [0.6, 0.6, 0.6, 0.6]
    assert page.evaluate(ZOOM_PROGRESS) < 0.9  # still on its way after 50 ms
    # The reader turns reduced motion on with the page open: the viewer follows at once.
    page.emulate_media(reduced_motion="reduce")
    page.wait_for_selector("[data-slide-viewer][data-motion=reduced]")
    assert page.evaluate(SPRINGS) == [0, 0, 0, 0]
    page.wait_for_timeout(700)  # let the earlier zoom settle
    assert page.evaluate(ZOOM_PROGRESS) == pytest.approx(1.0)
    context.close()


def test_high_contrast_overlays_are_a_remembered_announced_keyboard_toggle(
    browser, live_server, educator, slide
):
    context, page = _open_viewer(browser, live_server, educator.username, slide)
    toggle = "[data-overlay-contrast-toggle]"
    width = "getComputedStyle(document.documentElement).getPropertyValue('--overlay-width')"
    assert page.get_attribute(toggle, "aria-pressed") == "false"
    assert page.evaluate(width) == "2.5px"
    page.focus(toggle)
    page.keyboard.press("Enter")
    assert page.get_attribute(toggle, "aria-pressed") == "true"
    assert page.evaluate(width) == "4px"
    assert "High-contrast overlays on" in page.text_content("[data-viewer-status]")
    page.reload()
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    assert page.get_attribute(toggle, "aria-pressed") == "true"
    assert page.get_attribute("html", "data-overlay-contrast") == "high-contrast"
    context.close()
