"""The whole assessment loop in headless Chromium: an educator writes a point and an outline
question by drawing their references; the trainee answers on the slide, reloads mid-way and
finds the answers there, submits; the examiner marks over the reference; marks are released and
the trainee sees the mark and the reference."""

from __future__ import annotations

import pytest

from courses.models import Attempt, Mark, Question, Quiz
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TO_PAGE = """([selector, x, y]) => {
  const element = document.querySelector(selector);
  const v = window.portalViewers.find(viewer => viewer.element === element
    || element.contains(viewer.element) || viewer.element.contains(element));
  const p = v.viewport.imageToViewerElementCoordinates(new OpenSeadragon.Point(x, y));
  const r = v.element.getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""
FIT = """(selector) => {
  const element = document.querySelector(selector);
  const v = window.portalViewers.find(viewer => viewer.element === element
    || element.contains(viewer.element) || viewer.element.contains(element));
  v.viewport.fitBounds(v.viewport.imageToViewportRectangle(0, 0, 2000, 1500), true);
}"""
SQUARE = [(500, 400), (900, 400), (900, 800), (500, 800)]


def click_polygon(page, selector, corners):
    page.evaluate(FIT, selector)
    page.locator(selector).scroll_into_view_if_needed()
    for x, y in [*corners, corners[0]]:  # clicking the first corner again closes the shape
        page.mouse.click(*page.evaluate(TO_PAGE, [selector, x, y]))
        page.wait_for_timeout(450)


def click_at(page, selector, x, y):
    page.evaluate(FIT, selector)
    page.locator(selector).scroll_into_view_if_needed()
    page.mouse.click(*page.evaluate(TO_PAGE, [selector, x, y]))
    page.wait_for_timeout(450)


def add_spatial_question(page, quiz, kind, tool, prompt, case_slide):
    page.goto(f"/quizzes/{quiz.uuid}/questions/new/?type={kind}")
    page.fill("textarea[name=prompt]", prompt)
    page.select_option("select[data-case-slide-input]", str(case_slide.uuid))
    viewer = "[data-reference-slide]:not([hidden]) [data-slide-viewer]"
    page.wait_for_selector(f"{viewer}[data-tiles-drawn=true]")
    button = page.locator(f"[data-reference-tool={tool}]")
    if button.get_attribute("aria-pressed") != "true":  # a lone tool starts switched on
        button.click()
    click_polygon(page, viewer, SQUARE)
    page.wait_for_selector("[data-reference-editor][data-reference-count='1']", state="attached")
    if kind == "point":
        page.fill("input[name=tolerance]", "10")
    page.click("main form button[type=submit]:has-text('Add question')")
    page.wait_for_url(f"**/quizzes/{quiz.uuid}/edit/")


def test_author_answer_mark_release_and_see_the_result(
    browser, live_server, educator, trainee, examiner, course, case_slide
):
    # One browser context per person, as three people on three machines would be.
    def person(user):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        log_in(page, user.username)
        return page

    teacher = person(educator)
    teacher.goto(f"/courses/{course.uuid}/quizzes/new/")
    teacher.fill("input[name=title]", "Browser exam")
    teacher.select_option("select[name=kind]", "exam")
    teacher.select_option("select[name=feedback_policy]", "on_release")
    teacher.check("input[name=published]")
    teacher.check("input[name=blind_marking]")
    teacher.click("main form button[type=submit]")
    teacher.wait_for_url("**/quizzes/*-*/edit/")
    quiz = Quiz.objects.get(title="Browser exam")
    quiz.examiners.add(examiner)
    add_spatial_question(teacher, quiz, "point", "region", "Point to the lesion", case_slide)
    add_spatial_question(teacher, quiz, "outline", "outline", "Outline the lesion", case_slide)
    point_q, outline_q = quiz.questions.get(type="point"), quiz.questions.get(type="outline")
    assert point_q.reference.geometry["geometries"][0]["type"] == "Polygon"
    assert outline_q.reference.geometry["type"] == "Polygon"

    student = person(trainee)
    student.goto(f"/quizzes/{quiz.uuid}/")
    student.click("[data-quiz-start]")
    student.wait_for_selector("[data-attempt][data-attempt-ready=true]")
    point_viewer = f"section[data-question='{point_q.uuid}'] [data-slide-viewer]"
    outline_viewer = f"section[data-question='{outline_q.uuid}'] [data-slide-viewer]"
    student.wait_for_selector(f"{point_viewer}[data-tiles-drawn=true]")
    click_at(student, point_viewer, 700, 600)
    student.wait_for_selector(f"section[data-question='{point_q.uuid}'][data-saved-version]")
    student.wait_for_selector(f"{outline_viewer}[data-tiles-drawn=true]")
    click_polygon(student, outline_viewer, [(520, 420), (880, 420), (880, 780), (520, 780)])
    student.wait_for_selector(f"section[data-question='{outline_q.uuid}'][data-save-state=saved]")

    student.reload()  # mid-way: everything must still be there
    student.wait_for_selector("[data-attempt][data-attempt-ready=true]")
    attempt = Attempt.objects.get(quiz=quiz, trainee=trainee)
    answers = {a.question_id: a.payload for a in attempt.answers.all()}
    assert answers[point_q.id]["points"] == [[pytest.approx(700, abs=8), pytest.approx(600, abs=8)]]
    assert len(answers[outline_q.id]["geometry"]["coordinates"][0]) == 5
    assert student.locator(f"{point_viewer}").get_attribute("data-answer-count") == "1"

    student.click("[data-submit-button]")
    student.wait_for_selector("[data-submit-dialog][open]")
    student.click("[data-submit-confirm]")
    student.wait_for_url("**/result/")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert b"Outline the lesion" in student.content().encode()

    marker = person(examiner)
    marker.goto(f"/quizzes/{quiz.uuid}/marking/")
    assert trainee.username not in marker.content()  # blind
    outline_answer = attempt.answers.get(question=outline_q)
    marker.goto(f"/answers/{outline_answer.id}/mark/")
    marker.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    assert marker.locator("[data-auto-measures] [data-measure=dice]").count() == 1
    marker.click("[data-pin-comment]")
    click_at(marker, "[data-slide-viewer]", 600, 500)
    marker.wait_for_selector("[data-slide-viewer][data-comment-pinned=true]")
    marker.fill("input[name=score]", "0.75")
    marker.wait_for_selector("textarea[name=override_reason]", state="visible")
    marker.fill("textarea[name=override_reason]", "Generous at the upper edge.")
    marker.fill("textarea[name=comment]", "Good outline, slightly generous at the edge.")
    with marker.expect_navigation():
        marker.click("[data-mark-save]")
    mark = Mark.objects.filter(answer=outline_answer, stage=Mark.Stage.EXAMINER).get()
    assert mark.score == 0.75 and mark.auto_score == 1
    assert mark.override_reason == "Generous at the upper edge."
    assert mark.comment_x == pytest.approx(600, abs=10)

    teacher.goto(f"/quizzes/{quiz.uuid}/edit/")
    teacher.click("summary:has-text('Release marks')")  # it asks first
    teacher.click("[data-release='1']")
    teacher.wait_for_load_state()
    quiz.refresh_from_db()
    assert quiz.marks_released

    student.goto(f"/attempts/{attempt.uuid}/result/")
    content = student.content()
    assert "Good outline" in content
    student.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    assert Question.objects.filter(quizzes=quiz).count() == 2
    # The reference is drawn with the trainee's answer once marks are released.
    assert student.locator("[data-slide-viewer] .quiz-set--reference").count() >= 1
