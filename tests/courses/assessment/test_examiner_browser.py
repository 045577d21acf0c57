"""An examiner trying the demo, in headless Chromium: the home page lists the demo exam with its
dozen submissions waiting; "Save and next" marks the written answers through, one after
another, and ends back at the queue with a summary of the question."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from courses.models import Mark, Quiz
from portal.demo import DEMO_PASSWORD
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_examiner_finds_the_demo_work_at_home_and_marks_it_through(browser_page):
    """The demo exam is double-marked: `examiner` gives the second marks of the written
    diagnoses (agreeing with Dr Raman's) and moderates the two disagreements, all through
    "Save and next", and ends back at the queue with every diagnosis final."""
    call_command("seed_demo", stdout=io.StringIO())
    exam = Quiz.objects.get(kind="exam")
    text = exam.questions.get(type="text")
    page = browser_page
    log_in(page, "examiner", DEMO_PASSWORD)

    page.goto("/")
    row = page.locator(f"[data-to-mark-quiz='{exam.uuid}']")
    assert row.locator("[data-to-mark-count]").inner_text() == "11 to mark"
    assert row.locator("[data-marked-count]").inner_text() == "37 marked"
    row.get_by_role("link", name=exam.title).click()
    page.wait_for_url(f"**/quizzes/{exam.uuid}/marking/")
    assert page.locator("[data-to-mark]").inner_text() == "11"

    queue = f"/quizzes/{exam.uuid}/marking/?question={text.uuid}"
    marked = moderated = 0
    for _ in range(10):
        page.goto(queue)
        if not page.locator("[data-mark-next]").count():
            break
        page.click("[data-mark-next]")
        page.wait_for_selector("[data-mark-form], [data-moderation-form]")
        while page.locator("[data-mark-form]").count():
            # Blind: Dr Raman's mark is not on the page until this one is in.
            assert "Raman" not in page.locator("main").inner_text()
            answer_id = int(page.url.rstrip("/").split("/")[-2])
            theirs = Mark.objects.get(
                answer_id=answer_id, stage="examiner", marker__username="demo-examiner-a"
            )
            page.fill("input[name=score]", f"{theirs.score:g}")
            page.click("[data-mark-save-next]")
            page.wait_for_load_state()
            marked += 1
        if page.locator("[data-moderation-form]").count():
            # The moderator sees both marks, with who gave them.
            assert page.locator("[data-mark-history]").inner_text().count("Examiner by") == 2
            page.fill("[name=moderation-score]", "1")
            page.fill("[name=moderation-reason]", "Agreed at the board")
            page.click("[data-moderate-save]")
            page.wait_for_url(f"**/quizzes/{exam.uuid}/marking/")
            moderated += 1

    assert (marked, moderated) == (2, 2)
    final = Mark.objects.filter(stage__in=["agreed", "moderated"], answer__question=text)
    assert final.values("answer").distinct().count() == 12
    page.goto(f"/quizzes/{exam.uuid}/marking/?question={text.uuid}")
    assert page.locator("[data-answer-row][data-status=marked]").count() == 12
