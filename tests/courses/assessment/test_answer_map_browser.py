"""An educator opens a point question's answer map from the results page, in headless
Chromium: the heatmap is drawn over the slide with the reference, its checkbox hides and shows
it, and activating a misconception cluster from the keyboard, then by click, flies the view
there."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

from ..conftest import submitted_attempt
from .test_answer_map_views import cohort_payloads, make_trainee

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEW = """() => {
  const v = window.portalViewers[0].viewport;
  const c = v.viewportToImageCoordinates(v.getCenter(true));
  const b = v.viewportToImageRectangle(v.getBounds(true));
  return [c.x, c.y, b.width];
}"""
CENTRED_ON = """([x, y]) => {
  const v = window.portalViewers[0].viewport;
  const c = v.viewportToImageCoordinates(v.getCenter(true));
  return Math.hypot(c.x - x, c.y - y) < 15;
}"""


def test_an_educator_toggles_the_heatmap_and_flies_to_a_cluster(
    browser_page, course, trainee, educator, quiz_factory
):
    quiz = quiz_factory(feedback_policy="on_release")
    for n, payloads in enumerate(cohort_payloads()):
        submitted_attempt(quiz, trainee if n == 0 else make_trainee(course, f"t{n}"), payloads)
    point = quiz.questions.get(type="point")
    page = browser_page
    log_in(page, "educator")

    page.goto(f"/quizzes/{quiz.uuid}/results/")
    page.locator(f"#result-question-{point.uuid} [data-answer-map-link]").click()
    page.wait_for_url(f"**/quizzes/{quiz.uuid}/questions/{point.uuid}/answer-map/")
    viewer = page.locator("[data-slide-viewer]")
    page.wait_for_selector("[data-slide-viewer][data-answer-map-ready=true][data-heatmap=drawn]")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")

    heatmap = page.locator(".quiz-set--heatmap image.quiz-picture")
    assert heatmap.count() == 1 and heatmap.is_visible()
    assert heatmap.get_attribute("href").startswith("data:image/png;base64,")
    assert page.locator(".quiz-set--reference path").count() > 0  # the reference, over it
    assert page.locator(".quiz-set--clusters .quiz-marker").count() == 2

    toggle = page.get_by_label("Where the cohort clicked")
    toggle.uncheck()
    assert viewer.get_attribute("data-layer-heatmap") == "hidden"
    assert not heatmap.is_visible()
    toggle.check()
    assert viewer.get_attribute("data-layer-heatmap") == "shown" and heatmap.is_visible()

    before = page.evaluate(VIEW)
    first = page.locator("[data-cluster='1']")
    assert "4 wrong clicks" in first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(CENTRED_ON, arg=[1505, 1205])
    x, y, width = page.evaluate(VIEW)
    assert width < before[2] / 2  # zoomed in on it, not just panned
    assert first.get_attribute("aria-pressed") == "true"
    assert viewer.get_attribute("data-shown-cluster") == "1"

    page.locator("[data-cluster='2']").click()
    page.wait_for_function(CENTRED_ON, arg=[203.3, 1303.3])
    assert first.get_attribute("aria-pressed") == "false"
