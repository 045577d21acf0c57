"""Without a mouse, in headless Chromium: an educator draws a teaching polygon and a point on a
case slide, and a question's reference outline, with the keyboard's crosshair alone."""

from __future__ import annotations

import pytest

from courses.assessment import authoring
from courses.models import TeachingAnnotation
from tests.keyboard import MOUSE_EVENTS, log_in_with_keys, press, tab_to

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANVAS = ".openseadragon-canvas"


def draw_triangle(page):
    """From the focused slide: three corners around the crosshair, then C closes."""
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowRight", 2)
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowDown", 2)
    page.keyboard.press("Enter")
    page.keyboard.press("c")


def test_an_educator_draws_teaching_annotations_with_the_keyboard(
    keyboard_page, educator, case_slide
):
    page = keyboard_page
    log_in_with_keys(page, educator.username)
    page.goto(f"/case-slides/{case_slide.uuid}/annotate/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true][data-annotations-loaded]")

    tab_to(page, "[data-tool=polygon]")
    page.keyboard.press("Enter")
    tab_to(page, CANVAS, backwards=True)
    page.wait_for_selector("[data-slide-viewer][data-crosshair=shown]")
    draw_triangle(page)
    page.wait_for_selector("[data-slide-viewer][data-annotations-saved='1']")

    tab_to(page, "[data-tool=point]")
    page.keyboard.press("Enter")
    tab_to(page, CANVAS, backwards=True)
    press(page, "Shift+ArrowLeft", 3)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-slide-viewer][data-annotations-saved='2']")

    kinds = sorted(
        TeachingAnnotation.objects.filter(case_slide=case_slide).values_list("kind", flat=True)
    )
    assert kinds == ["point", "polygon"]
    polygon = TeachingAnnotation.objects.get(case_slide=case_slide, kind="polygon")
    assert len(polygon.geometry["coordinates"][0]) == 4  # three corners, closed
    assert page.evaluate(MOUSE_EVENTS) == 0


def test_an_educator_draws_a_reference_outline_with_the_keyboard(
    keyboard_page, educator, course, case_slide
):
    quiz = authoring.create_quiz(course=course, title="Keyboard quiz")
    page = keyboard_page
    log_in_with_keys(page, educator.username)
    page.goto(f"/quizzes/{quiz.uuid}/questions/new/?type=outline")
    tab_to(page, "textarea[name=prompt]")
    page.keyboard.type("Outline the lesion")
    tab_to(page, "select[data-case-slide-input]")
    page.keyboard.press("ArrowDown")
    viewer = "[data-reference-slide]:not([hidden]) [data-slide-viewer]"
    page.wait_for_selector(f"{viewer}[data-tiles-drawn=true]")
    tool = "[data-reference-tool=outline]"
    tab_to(page, tool)
    if page.get_attribute(tool, "aria-pressed") != "true":  # a lone tool starts switched on
        page.keyboard.press("Enter")
    tab_to(page, f"{viewer} {CANVAS}", backwards=True)
    draw_triangle(page)
    page.wait_for_selector("[data-reference-editor][data-reference-count='1']", state="attached")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    question = quiz.questions.get(type="outline")
    assert question.case_slide == case_slide
    ring = question.reference.geometry["coordinates"][0]
    assert len(ring) == 4 and ring[0] == ring[-1]
    assert page.evaluate(MOUSE_EVENTS) == 0
