"""In headless Chromium: an educator writes a case in Markdown, previews it from the keyboard,
saves it, and the case page shows it formatted."""

from __future__ import annotations

import pytest

from courses import services
from tests.conftest import log_in
from tests.courses.conftest import attempt_with_feedback_after_each

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_educator_writes_a_case_in_markdown_with_a_preview(browser_page, educator):
    course = services.create_course(owner=educator, title="Markdown course")
    module = services.add_module(course=course, title="Skin")
    case = services.add_case(module=module, title="A pigmented lesion")
    page = browser_page
    log_in(page, educator.username)
    page.goto(f"/cases/{case.uuid}/edit/")

    history = page.locator("textarea[name=clinical_history]")
    history.fill("A **6 mm** lesion.\n\n- changed colour\n- <img src=x onerror=alert(1)>")
    assert "Markdown: **bold**" in page.locator("#id_clinical_history-preview-hint").inner_text()
    button = page.locator("button[aria-controls=id_clinical_history-preview]")
    button.focus()
    page.keyboard.press("Enter")
    preview = page.locator("#id_clinical_history-preview")
    preview.locator("strong", has_text="6 mm").wait_for()
    assert button.get_attribute("aria-expanded") == "true"
    assert preview.locator("li").count() == 2
    assert preview.locator("img").count() == 0

    history.fill("A *new* lesion.")
    preview.locator("em", has_text="new").wait_for()

    page.click("main form[action$='/edit/'] button[type=submit]")
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.clinical_history == "A *new* lesion."
    page.goto(f"/cases/{case.uuid}/")
    page.locator(".rich-text em", has_text="new").wait_for()


def test_feedback_after_a_checked_answer_shows_the_educators_markdown(
    browser_page, educator, trainee
):
    course = services.create_course(owner=educator, title="Markdown quiz course")
    services.update_course(
        course=course, title=course.title, description="", status="published", cover_slide=None
    )
    services.enrol(course=course, identifiers=[trainee.username], role="trainee", added_by=None)
    attempt, question, key = attempt_with_feedback_after_each(
        course,
        trainee,
        prompt="Which *organ*?",
        correct={"text": "**Skin**", "feedback": "Yes: see the *epidermis*."},
    )
    page = browser_page
    log_in(page, trainee.username)
    page.goto(f"/attempts/{attempt.uuid}/")
    page.locator(".quiz-question__prompt em", has_text="organ").wait_for()
    page.check(f"#q-{question.uuid}-{key}")
    page.click("[data-check-answer]")
    page.locator(".quiz-choice__feedback em", has_text="epidermis").wait_for()
