"""In headless Chromium: an educator builds a course with a two-slide case and draws a teaching
polygon; the trainee studies it: overlay, tour, side by side, and a ruler within 1% of truth."""

from __future__ import annotations

import pytest

from courses import services
from courses.models import Course, TeachingAnnotation
from tests.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TO_PAGE = """([x, y, i]) => {
  const v = window.portalViewers[i];
  const p = v.viewport.imageToViewerElementCoordinates(new OpenSeadragon.Point(x, y));
  const r = v.element.getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""


def to_page(page, x, y, index=0):
    return page.evaluate(TO_PAGE, [x, y, index])


def test_an_educator_builds_a_course_and_draws_a_teaching_polygon(
    browser_page, educator, trainee, ready_slides
):
    page = browser_page
    log_in(page, educator.username)
    page.goto("/courses/new/")
    page.fill("input[name=title]", "Browser-built course")
    page.click("main button[type=submit]")
    page.wait_for_url("**/courses/*-*/")
    page.fill("#new-module-title", "Lymphoid")
    page.click("form:has(#new-module-title) button[type=submit]")
    page.fill("input[id^=case-title-]", "Enlarged node")
    page.click("form:has(input[id^=case-title-]) button[type=submit]")
    page.wait_for_url("**/cases/*-*/edit/")
    for slide, stain in zip(ready_slides, ["H&E", "CD20"], strict=True):
        page.select_option("select[name=slide]", str(slide.uuid))
        page.fill("form:has(select[name=slide]) input[name=stain]", stain)
        page.click("form:has(select[name=slide]) button[type=submit]")
        page.wait_for_load_state()
    course = Course.objects.get(title="Browser-built course")
    case = course.modules.get().cases.get()
    assert list(case.case_slides.values_list("stain", flat=True)) == ["H&E", "CD20"]

    first = case.case_slides.get(stain="H&E")
    page.goto(f"/case-slides/{first.uuid}/annotate/")
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true][data-annotations-loaded]")
    page.click("[data-tool=polygon]")
    for x, y in [(400, 300), (900, 300), (900, 800)]:
        page.mouse.click(*to_page(page, x, y))
    page.mouse.dblclick(*to_page(page, 400, 800))
    page.wait_for_selector("[data-slide-viewer][data-annotations-saved='1']")
    annotation = TeachingAnnotation.objects.get(case_slide=first)
    assert annotation.kind == "polygon"
    ring = annotation.geometry["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    xs = [p[0] for p in ring]
    assert min(xs) == pytest.approx(400, abs=15) and max(xs) == pytest.approx(900, abs=15)

    page.goto(f"/courses/{course.uuid}/people/")
    page.fill("textarea[name=identifiers]", trainee.username)
    page.click("form:has(textarea[name=identifiers]) button[type=submit]")
    page.wait_for_load_state()
    assert course.enrolments.filter(user=trainee, role="trainee").exists()


def test_the_trainee_studies_a_case(browser_page, trainee, course, case, ready_slides):
    he = case.case_slides.get(stain="H&E")
    services.create_annotation(
        case_slide=he,
        author=None,
        geometry={"type": "Polygon", "coordinates": [[[200, 200], [800, 200], [800, 700],
                                                      [200, 700], [200, 200]]]},
        properties={"label": "Gland", "kind": "polygon", "note": "A crypt in cross-section."},
    )  # fmt: skip
    services.replace_tour(
        case_slide=he,
        version=0,
        stops=[
            {"center_x": 500, "center_y": 450, "view_width": 800, "text": "The gland"},
            {"center_x": 1500, "center_y": 1000, "view_width": 400, "text": "The edge"},
        ],
    )
    page = browser_page
    log_in(page, trainee.username)
    page.goto(f"/cases/{case.uuid}/")
    viewer = "[data-slide-viewer][data-annotations-url]"
    page.wait_for_selector(f"{viewer}[data-tiles-drawn=true][data-annotations-loaded='1']")

    toggle = page.locator("[data-annotations-toggle]").first
    toggle.click()
    page.wait_for_selector("[data-slide-viewer][data-annotations-visible=false]")
    toggle.click()
    page.wait_for_selector("[data-slide-viewer][data-annotations-visible=true]")
    page.locator("[data-annotation-item]").first.focus()
    page.keyboard.press("Enter")
    assert "crypt" in page.locator("[data-annotation-detail]").first.inner_text()
    # Choosing from the legend takes focus on to the slide (not the page body) and says so.
    assert page.evaluate("document.activeElement.matches('.openseadragon-canvas')")
    assert "on the slide" in page.locator("[data-slide-announce]").first.inner_text()

    page.locator("[data-tour-next]").first.click()
    page.wait_for_selector("[data-slide-viewer][data-tour-stop='1']")
    page.locator("[data-tour-next]").first.click()
    page.wait_for_selector("[data-slide-viewer][data-tour-stop='2']")
    center = page.evaluate(
        "window.portalViewers[0].viewport.viewportToImageCoordinates(window.portalViewers[0].viewport.getCenter(true))"
    )
    assert center["x"] == pytest.approx(1500, abs=5) and center["y"] == pytest.approx(1000, abs=5)

    # Ruler: 800 px horizontally at 0.25 µm/px is 200 µm.
    page.evaluate(
        "const v = window.portalViewers[0].viewport;"
        "v.fitBounds(v.imageToViewportRectangle(0, 0, 2000, 1500), true);"
    )
    page.locator("[data-tool=ruler]").first.click()
    start, end = to_page(page, 900, 1000), to_page(page, 1700, 1000)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, start[1], steps=5)
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    page.wait_for_selector("[data-slide-viewer][data-last-measurement]")
    measured = float(
        page.locator("[data-slide-viewer]").first.get_attribute("data-last-measurement")
    )
    assert (
        page.locator("[data-slide-viewer]").first.get_attribute("data-last-measurement-unit")
        == "um"
    )
    assert measured == pytest.approx(200, rel=0.01)

    page.goto(f"/cases/{case.uuid}/compare/")
    page.wait_for_selector("[data-sync-group] [data-slide-viewer]:nth-of-type(1)")
    page.wait_for_function("window.portalViewers && window.portalViewers.length === 2")
    page.wait_for_selector("[data-sync-group][data-sync-locked=true]")
    page.evaluate(
        "const v = window.portalViewers[0].viewport;"
        "v.panTo(v.imageToViewportCoordinates(300, 200), true);"
        "v.zoomTo(v.imageToViewportZoom(1), null, true);"
    )
    page.wait_for_timeout(500)
    centers = page.evaluate(
        "window.portalViewers.map("
        "v => v.viewport.viewportToImageCoordinates(v.viewport.getCenter(true)))"
    )
    # Both slides are scanned at 0.25 µm/px (or fall back to the share of width): the follower
    # must have moved with the leader, to the same physical place.
    assert centers[0]["x"] == pytest.approx(300, abs=5)
    assert (
        abs(
            centers[1]["x"]
            - centers[0]["x"]
            * (ready_slides[1].width / ready_slides[0].width if not ready_slides[1].mpp else 1)
        )
        < 25
    )
    page.click("[data-sync-lock]")
    page.wait_for_selector("[data-sync-group][data-sync-locked=false]")
