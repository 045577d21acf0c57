"""An exam board's day on the demo exam, in headless Chromium: two examiners mark an answer
blind and a third moderates their disagreement; the educator reads the marker agreement on the
results page, opens the item analysis, and the answer map of the exam's point question over
its (aliased) slide with the cohort's wrong cluster listed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from courses import services
from courses.models import Answer, Quiz
from portal.demo import DEMO_PASSWORD
from portal.models import Role
from tests.conftest import PASSWORD, _make_user, log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mark_blind(page, answer_id: int, score: str) -> None:
    page.goto(f"/answers/{answer_id}/mark/")
    assert page.locator("[data-double-status]").get_attribute("data-double-status") == "to mark"
    assert "Examiner by" not in page.locator("main").inner_text()
    page.fill("input[name=score]", score)
    page.click("[data-mark-save]")
    page.wait_for_selector(".messages")


def test_two_examiners_mark_blind_a_third_moderates_and_the_board_reads_the_figures(
    browser, live_server
):
    call_command("seed_demo", stdout=io.StringIO())
    exam = Quiz.objects.get(kind="exam")
    educator = exam.course.enrolments.get(role="educator").user
    second = _make_user("second_marker", Role.EXAMINER)
    services.enrol(
        course=exam.course, identifiers=[second.username], role="examiner", added_by=educator
    )
    exam.examiners.add(second)
    # The demo's colleague Dr Raman has marked every candidate; for this story the two blind
    # markers are `examiner` and `second_marker`, so her mark of one diagnosis is set aside.
    answer = Answer.objects.get(
        attempt__quiz=exam, attempt__trainee__username="demo-trainee-11", question__type="text"
    )
    answer.marks.filter(stage="examiner").delete()

    contexts = []

    def page_for(username: str, password: str):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        log_in(page, username, password)
        return page

    first_page = page_for("examiner", DEMO_PASSWORD)
    second_page = page_for("second_marker", PASSWORD)
    _mark_blind(first_page, answer.id, "1")
    _mark_blind(second_page, answer.id, "0")

    # Both in, far apart: the markers see each other's marks now, and a moderator is needed.
    second_page.goto(f"/answers/{answer.id}/mark/")
    assert (
        second_page.locator("[data-double-status]").get_attribute("data-double-status")
        == "in moderation"
    )
    assert second_page.locator("[data-mark-history]").inner_text().count("Examiner by") == 2

    board = page_for("educator", DEMO_PASSWORD)
    board.goto(f"/answers/{answer.id}/mark/")
    board.fill("[name=moderation-score]", "0.5")
    board.fill("[name=moderation-reason]", "Right organ, wrong type")
    board.click("[data-moderate-save]")
    board.wait_for_url(f"**/quizzes/{exam.uuid}/marking/")
    assert answer.marks.filter(stage="moderated", score=0.5).exists()

    board.goto(f"/quizzes/{exam.uuid}/results/")
    agreement = board.locator("[data-marker-agreement]")
    assert agreement.locator("[data-agreement-row]").count() >= 1
    assert agreement.locator("svg.bland-altman circle").count() >= 1

    board.click("[data-item-analysis-link]")
    board.wait_for_url(f"**/quizzes/{exam.uuid}/items/")
    assert board.locator("[data-item-table] [data-item-row]").count() == 5

    board.goto(f"/quizzes/{exam.uuid}/results/")
    point = exam.questions.get(type="point")
    board.locator(f"#result-question-{point.uuid} [data-answer-map-link]").click()
    board.wait_for_selector("[data-slide-viewer][data-answer-map-ready=true][data-heatmap=drawn]")
    board.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")  # under the alias
    clusters = board.locator("[data-cluster]")
    assert clusters.count() >= 1 and "wrong click" in clusters.first.inner_text()
    for context in contexts:
        context.close()
