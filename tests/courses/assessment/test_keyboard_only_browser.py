"""Without a mouse, in headless Chromium: the demo trainee logs in, studies the demo's taught
case and takes the seeded demo practice quiz (feedback after each question; choice, point,
outline and measure questions) with the keyboard alone, and no mouse event is ever dispatched;
so does the demo examiner giving a demo exam answer its second blind mark with a pinned comment;
Space on the focused slide does not scroll the page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from courses.models import Answer, Attempt, Case, Mark, Quiz
from fixtures import demo
from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.keyboard import (
    FOCUSED_MATCHES,
    MOUSE_EVENTS,
    log_in_with_keys,
    press,
    tab_to,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_trainee_takes_the_demo_practice_quiz_with_the_keyboard_alone(keyboard_page):
    call_command("seed_demo", stdout=io.StringIO())
    quiz = Quiz.objects.get(title__startswith="Practice:", course__title=demo.DEMO_COURSE)
    assert set(quiz.questions.values_list("type", flat=True)) == {
        "single", "point", "outline", "measure"
    }  # fmt: skip
    case = Case.objects.get(module__course=quiz.course, title="Breast mass in a 52-year-old")
    trainee = User.objects.get(username="trainee")
    page = keyboard_page
    log_in_with_keys(page, trainee.username, DEMO_PASSWORD)

    # Studying the case: Tab to the slide, zoom in with + and pan with W A S D.
    page.goto(f"/cases/{case.uuid}/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    tab_to(page, ".openseadragon-canvas")
    centre = (
        "(() => { const v = window.portalViewers[0].viewport;"
        " return [v.getCenter(true).x, v.getZoom(true)]; })()"
    )
    before = page.evaluate(centre)
    press(page, "+", 2)
    page.wait_for_timeout(700)
    press(page, "d", 5)
    page.wait_for_timeout(900)
    after = page.evaluate(centre)
    assert after[0] > before[0] and after[1] > before[1]

    page.goto(f"/quizzes/{quiz.uuid}/")
    tab_to(page, "[data-quiz-start]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-attempt][data-attempt-ready=true]")
    questions = {q.type: q for q in quiz.questions.all()}

    def section(kind):
        return f"section[data-question='{questions[kind].uuid}']"

    def saved(kind):
        page.wait_for_selector(f"{section(kind)}[data-save-state=saved]", state="attached")

    # Choice: the first option ("Breast"), with Space.
    tab_to(page, f"{section('single')} input[type=radio]")
    page.keyboard.press("Space")
    saved("single")

    # Points: the crosshair starts in the middle of the view; Enter places, arrows move.
    canvas = "{} .openseadragon-canvas"
    page.wait_for_selector(f"{section('point')} [data-slide-viewer][data-tiles-drawn=true]")
    tab_to(page, canvas.format(section("point")))
    page.wait_for_selector(f"{section('point')} [data-slide-viewer][data-crosshair=shown]")
    scroll = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowRight", 2)
    page.keyboard.press("Space")  # Space places too, and never scrolls the page
    assert page.evaluate("window.scrollY") == scroll
    press(page, "ArrowDown", 3)
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")  # the third point goes again
    announced = page.locator(f"{section('point')} [data-slide-announce]").inner_text()
    assert "Point removed; 2 left." in announced
    # A third point, deleted again from the list of placed items under the slide.
    page.keyboard.press("Enter")
    third = f"{section('point')} [data-answer-item]:nth-child(3) [data-answer-item-delete]"
    tab_to(page, third)
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED_MATCHES, f"{section('point')} [data-answer-item-delete]")
    assert page.locator(f"{section('point')} [data-answer-item]").count() == 2
    assert page.get_attribute(f"{section('point')} [data-slide-viewer]", "data-answer-count") == "2"
    saved("point")

    # Outline: three corners, then C closes it.
    page.wait_for_selector(f"{section('outline')} [data-slide-viewer][data-tiles-drawn=true]")
    # Switching the tool off and on again from its button says nothing false (it used to
    # announce "An outline needs at least 3 corners; it has 0").
    tab_to(page, f"{section('outline')} [data-answer-tool=outline]")
    press(page, "Enter", 2)
    assert (
        page.get_attribute(f"{section('outline')} [data-answer-tool=outline]", "aria-pressed")
        == "true"
    )
    assert "corners" not in page.locator(f"{section('outline')} [data-slide-announce]").inner_text()
    tab_to(page, canvas.format(section("outline")), backwards=True)
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowRight", 2)
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowDown", 2)
    page.keyboard.press("Enter")
    assert (
        "Press C to close it."
        in page.locator(f"{section('outline')} [data-slide-announce]").inner_text()
    )
    page.keyboard.press("c")
    items = page.locator(f"{section('outline')} [data-answer-item]")
    assert items.count() == 1 and "Outline: 3 corners" in items.inner_text()
    saved("outline")

    # Ruler: switch it on from the tool strip, go back to the slide, set both ends.
    page.wait_for_selector(f"{section('measure')} [data-slide-viewer][data-tiles-drawn=true]")
    tab_to(page, f"{section('measure')} [data-answer-tool=measure]")
    page.keyboard.press("Enter")
    tab_to(page, canvas.format(section("measure")), backwards=True)
    page.keyboard.press("Enter")
    press(page, "Shift+ArrowRight", 3)
    page.keyboard.press("Enter")
    assert "Ruler:" in page.locator(f"{section('measure')} [data-slide-announce]").inner_text()
    saved("measure")

    tab_to(page, "[data-submit-button]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-submit-dialog][open]")
    tab_to(page, "[data-submit-confirm]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")

    attempt = Attempt.objects.get(quiz=quiz, trainee=trainee)
    assert attempt.state == Attempt.State.SUBMITTED
    answers = {a.question.type: a.payload for a in attempt.answers.select_related("question")}
    assert answers["single"] == {"choice": "a"}
    slide = questions["point"].case_slide.slide
    # The point question opens on its start view, centred on (2750, 1850) and 1,500 px wide:
    # the first point in its middle, the second 120 screen px to the right.
    points = answers["point"]["points"]
    assert len(points) == 2
    for x, y in points:
        assert 0 <= x <= slide.width and 0 <= y <= slide.height
    assert points[0] == [pytest.approx(2750, abs=60), pytest.approx(1850, abs=60)]
    assert points[1][0] > points[0][0] and points[1][1] == pytest.approx(points[0][1], abs=1)
    ring = answers["outline"]["geometry"]["coordinates"][0]
    assert len(ring) == 4 and ring[0] == ring[-1]  # 3 corners, closed
    line = answers["measure"]["geometry"]["coordinates"]
    assert len(line) == 2 and line[1][0] > line[0][0]
    assert page.evaluate(MOUSE_EVENTS) == 0


def test_space_on_the_focused_slide_does_not_scroll_the_page(keyboard_page, trainee, case):
    page = keyboard_page
    page.set_viewport_size({"width": 1000, "height": 500})
    log_in_with_keys(page, trainee.username)
    page.goto(f"/cases/{case.uuid}/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    assert page.evaluate("document.documentElement.scrollHeight > window.innerHeight + 300")
    tab_to(page, ".openseadragon-canvas")
    scroll = page.evaluate("window.scrollY")
    press(page, "Space", 3)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == scroll
    # The counter the keyboard-only test relies on does see a real mouse.
    page.mouse.click(5, 5)
    assert page.evaluate(MOUSE_EVENTS) > 0


def test_the_demo_examiner_marks_and_pins_a_comment_with_the_keyboard_alone(keyboard_page):
    """The demo exam's outline answer of candidate 11 waits for its second blind mark."""
    call_command("seed_demo", stdout=io.StringIO())
    examiner = User.objects.get(username="examiner")
    answer = Answer.objects.get(
        attempt__quiz__kind=Quiz.Kind.EXAM,
        attempt__trainee__username="demo-trainee-11",
        question__type="outline",
    )
    auto = answer.marks.filter(stage=Mark.Stage.AUTO).latest("created_at").score
    page = keyboard_page
    log_in_with_keys(page, examiner.username, DEMO_PASSWORD)
    page.goto(f"/answers/{answer.id}/mark/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")

    tab_to(page, "input[name=score]")
    page.keyboard.type(f"{auto:g}")
    tab_to(page, "textarea[name=comment]")
    page.keyboard.type("Mostly stroma at this edge.")
    tab_to(page, "[data-pin-comment]")
    page.keyboard.press("Enter")  # the focus goes to the slide, with the crosshair
    page.wait_for_selector("[data-slide-viewer][data-crosshair=shown]")
    press(page, "Shift+ArrowLeft", 2)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-slide-viewer][data-comment-pinned=true]")
    assert page.evaluate(FOCUSED_MATCHES, "[data-pin-comment]")  # back to the form
    tab_to(page, "[data-mark-save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    mark = Mark.objects.get(answer=answer, stage=Mark.Stage.EXAMINER, marker=examiner)
    assert mark.score == auto and mark.comment == "Mostly stroma at this edge."
    slide = answer.question.case_slide.slide
    assert 0 <= mark.comment_x <= slide.width and 0 <= mark.comment_y <= slide.height
    assert page.evaluate(MOUSE_EVENTS) == 0
