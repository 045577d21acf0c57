"""An examiner trying the demo, in headless Chromium: the home page lists the demo exam with its
dozen submissions waiting; "Save and next" marks the written answers through, one after
another, and ends back at the queue with a summary of the question."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from courses.models import Mark, Question, Quiz
from portal.demo import DEMO_PASSWORD
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_examiner_finds_the_demo_work_at_home_and_marks_it_through(browser_page):
    call_command("seed_demo", stdout=io.StringIO())
    exam = Quiz.objects.get(kind="exam")
    text = exam.questions.get(type="text")
    number = list(Question.objects.in_quiz(exam).values_list("id", flat=True)).index(text.id)
    page = browser_page
    log_in(page, "examiner", DEMO_PASSWORD)

    page.goto("/")
    row = page.locator(f"[data-to-mark-quiz='{exam.uuid}']")
    assert row.locator("[data-to-mark-count]").inner_text() == "12 to mark"
    assert row.locator("[data-marked-count]").inner_text() == "0 marked"
    row.get_by_role("link", name=exam.title).click()
    page.wait_for_url(f"**/quizzes/{exam.uuid}/marking/")
    assert page.locator("[data-to-mark]").inner_text() == "12"

    page.click("[data-mark-next]")
    for n in range(12):
        page.wait_for_selector("[data-mark-form]")
        assert "Written answers are marked by an examiner." in page.content()
        page.fill("input[name=score]", "1" if n % 3 else "0.5")
        page.click("[data-mark-save-next]")
        page.wait_for_load_state()

    page.wait_for_url(f"**/quizzes/{exam.uuid}/marking/")
    summary = page.locator(".messages").inner_text()
    assert f"All 12 answers of Question {number + 1} marked." in summary
    assert "Nothing is left to mark in this quiz." in summary
    assert page.locator("[data-to-mark]").inner_text() == "0"
    marks = Mark.objects.filter(stage="examiner", answer__question=text)
    assert marks.count() == 12 and marks.values("answer").distinct().count() == 12

    page.goto("/")
    assert row.locator("[data-to-mark-count]").inner_text() == "0 to mark"
    assert row.locator("[data-marked-count]").inner_text() == "12 marked"
