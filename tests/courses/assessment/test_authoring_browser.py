"""Authoring after the fact, in headless Chromium: an educator edits a question that trainees
have already answered (redrawing an outline reference, making another option correct), sees the
warning first and the re-scored totals on the results page after; then previews the quiz,
answers in it, and nothing is recorded."""

from __future__ import annotations

import pytest
from django.utils import timezone

from courses.assessment import authoring
from courses.models import Answer, Attempt, Mark
from tests.conftest import log_in

from ..conftest import submitted_attempt
from .test_assessment_browser import SQUARE, click_at, click_polygon

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HALF = [(500, 400), (700, 400), (700, 800), (500, 800)]  # the left half of SQUARE


def _ring(corners):
    return {"type": "Polygon", "coordinates": [[*map(list, corners), list(corners[0])]]}


def test_edit_after_answers_rescores_and_the_preview_records_nothing(
    browser, live_server, educator, trainee, course, case_slide
):
    quiz = authoring.create_quiz(
        course=course, title="Edited quiz", published=True,
        opens_at=timezone.now() - timezone.timedelta(hours=1),
    )  # fmt: skip
    single = authoring.add_question(
        quiz=quiz, type="single", prompt="Which organ?",
        options=[{"text": "Colon", "correct": True}, {"text": "Lung"}],
    )  # fmt: skip
    outline = authoring.add_question(
        quiz=quiz, type="outline", prompt="Outline the tumour", points=2,
        case_slide=case_slide, reference={"geometry": _ring(SQUARE)},
    )  # fmt: skip
    attempt = submitted_attempt(
        quiz, trainee, {"single": {"choice": "b"}, "outline": {"geometry": _ring(HALF)}}
    )
    outline_answer = attempt.answers.get(question=outline)
    assert 0 < outline_answer.marks.get().score < 2  # Dice 2/3: partial marks

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, educator.username)

    # The trainee's link to the quiz takes its educator to the editor.
    page.goto(f"/quizzes/{quiz.uuid}/")
    page.wait_for_url(f"**/quizzes/{quiz.uuid}/edit/")
    page.click(f"[data-question-item='{outline.uuid}'] [data-edit-question]")
    page.wait_for_url(f"**/questions/{outline.uuid}/edit/?quiz={quiz.uuid}")
    assert (
        "1 submitted answer to this question" in page.locator("[data-rescore-warning]").inner_text()
    )

    viewer = "[data-reference-slide]:not([hidden]) [data-slide-viewer]"
    page.wait_for_selector(f"{viewer}[data-tiles-drawn=true]")
    page.wait_for_selector("[data-reference-editor][data-reference-count='1']", state="attached")
    tool = page.locator("[data-reference-tool=outline]")
    assert tool.get_attribute("aria-pressed") != "true"  # off, as the help says: click to start
    tool.click()
    assert tool.get_attribute("aria-pressed") == "true"
    click_polygon(page, viewer, HALF)
    page.wait_for_selector("[data-reference-summary]:has-text('4 corners')")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Save question')")
    assert "Question saved" in page.content()

    page.click(f"[data-question-item='{single.uuid}'] [data-edit-question]")
    page.fill("textarea[name=options]", "Colon\n* Lung || Yes, on second thoughts")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Save question')")

    auto = list(outline_answer.marks.filter(stage=Mark.Stage.AUTO).order_by("id"))
    assert len(auto) == 2 and auto[-1].score == 2  # the old mark stays in the history
    assert [m.score for m in attempt.answers.get(question=single).marks.order_by("id")] == [0, 1]

    page.goto(f"/quizzes/{quiz.uuid}/results/")
    assert page.locator("[data-result-row] [data-total]").inner_text().strip() == "3"

    # The preview: the trainee's widgets, answers that go nowhere.
    page.goto(f"/quizzes/{quiz.uuid}/edit/")
    page.click("[data-preview-quiz]")
    page.wait_for_url(f"**/quizzes/{quiz.uuid}/preview/")
    page.check(f"#q-{single.uuid}-a")
    preview_viewer = f"section[data-question='{outline.uuid}'] [data-slide-viewer]"
    page.wait_for_selector(f"{preview_viewer}[data-tiles-drawn=true]")
    click_polygon(page, preview_viewer, SQUARE)
    page.wait_for_selector(f"{preview_viewer}[data-answer-count='1']")
    page.click("[data-answer-key-toggle]")
    page.wait_for_url("**/preview/?key=1")
    page.wait_for_selector(f"{preview_viewer}[data-tiles-drawn=true]")
    assert page.locator(f"{preview_viewer} .quiz-set--reference").count() >= 1
    assert "Yes, on second thoughts" in page.content()
    click_at(page, preview_viewer, 100, 100)  # still nothing to send anywhere
    assert not Attempt.objects.filter(trainee=educator).exists()
    assert Answer.objects.count() == 2  # the trainee's two, nothing from the preview
    context.close()
