"""In headless Chromium, the journey issue 12 asks for: an educator writes a case in Markdown
with a preview, finds slides with "breast h&e" and with a typo, retires one; a trainee who
completed the course downloads a CPD certificate whose code verifies at the public page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.models import Certificate
from slides import services as slide_services
from slides.models import Slide
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search_library(page, text: str) -> list[str]:
    page.goto("/slides/")
    page.fill("input[name=q]", text)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return [title.strip() for title in page.locator(".slide-card__title").all_inner_texts()]


def test_markdown_search_retire_and_a_certificate_that_verifies(
    browser, browser_page, live_server, course, case, educator, trainee, curriculum,
    slide_files, make_processed_slide,
):  # fmt: skip
    breast = make_processed_slide("tiff", files=slide_files, title="Core biopsy, left")
    slide_services.update_slide_details(
        slide=breast, title=breast.title, organ="Breast", stain="H&E", tags=["carcinoma"]
    )
    page = browser_page
    log_in(page, educator.username)

    # Markdown with a live preview.
    page.goto(f"/cases/{case.uuid}/edit/")
    page.fill("textarea[name=discussion]", "Look for **tubule formation**.")
    page.click("button[aria-controls=id_discussion-preview]")
    page.locator("#id_discussion-preview strong", has_text="tubule formation").wait_for()
    with page.expect_navigation():
        page.click("main form[action$='/edit/'] button[type=submit]")
    page.goto(f"/cases/{case.uuid}/")
    page.locator(".rich-text strong", has_text="tubule formation").wait_for()

    # Search finds it by organ and stain, and with a typo.
    assert search_library(page, "breast h&e") == ["Core biopsy, left"]
    assert search_library(page, "brest carcinoma") == ["Core biopsy, left"]
    assert "H&E slide" not in search_library(page, "breast h&e")  # the course's other slides

    # Retire it: gone from the library's default view.
    page.goto(f"/slides/{breast.uuid}/")
    with page.expect_navigation():
        page.click("button:has-text('Retire')")
    assert Slide.objects.get(pk=breast.pk).is_retired
    assert search_library(page, "breast h&e") == []

    # A trainee completes the course and downloads the certificate.
    course.cpd_hours = Decimal("3")
    course.save(update_fields=["cpd_hours"])
    context = browser.new_context(base_url=live_server.url)
    trainee_page = context.new_page()
    log_in(trainee_page, trainee.username)
    trainee_page.goto(f"/cases/{case.uuid}/")
    with trainee_page.expect_navigation():
        trainee_page.click("button:has-text('Mark as completed')")
    trainee_page.goto(f"/courses/{course.uuid}/")
    with trainee_page.expect_download() as download:
        trainee_page.click("button:has-text('Download your CPD certificate')")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    certificate = Certificate.objects.get(trainee=trainee)
    context.close()

    # Anyone, signed out, checks its code.
    anonymous = browser.new_context(base_url=live_server.url).new_page()
    anonymous.goto(f"/certificates/{certificate.code}/")
    body = anonymous.locator("main").inner_text()
    assert course.title in body and "3" in body and certificate.code in body
    assert "DIAGNOSIS-SECRET" not in anonymous.content()
    assert anonymous.goto("/certificates/not-a-real-code/").status == 404
