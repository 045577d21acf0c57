"""In headless Chromium, a trainee's attempt page: nothing Tab reaches hides under the sticky
quiz bar; closing the submit dialog returns to its opener; the timer's last minute does not
pulse and keeps 4.5:1; at 320 CSS px wide, and at 200% zoom, the slide keeps most of the
screen, the page never scrolls sideways and an answer is placed through the "Tools" menu
(WCAG 2.2: 2.4.11, 2.4.3, 2.2.2, 1.4.3, 1.4.10)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from courses.models import Attempt
from tests.conftest import log_in
from tests.keyboard import FOCUSED_MATCHES, press, tab_to

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element against the sticky bar: how many CSS px of it the bar covers.
COVERED = """() => {
  const bar = document.querySelector("[data-quiz-bar]").getBoundingClientRect();
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  if (focused.closest("[data-quiz-bar], dialog")) return null;
  const rect = focused.getBoundingClientRect();
  if (!rect.width && !rect.height) return null;
  const overlap = Math.min(rect.bottom, bar.bottom) - Math.max(rect.top, bar.top);
  return [focused.outerHTML.slice(0, 80), Math.max(0, overlap)];
}"""

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"

# How much of the window's height shows the slide of a question once its canvas has focus:
# the viewer's part on screen, less the sticky bar above it and the viewer's own top controls.
SLIDE_SHARE = """(section) => {
  const rect = (selector) => document.querySelector(selector).getBoundingClientRect();
  const viewer = rect(section + " [data-slide-viewer]");
  const bar = rect("[data-quiz-bar]");
  const controls = rect(section + " .viewer-toolbar-wrap");
  const top = Math.max(viewer.top, bar.bottom, controls.bottom);
  const bottom = Math.min(viewer.bottom, window.innerHeight);
  return Math.max(0, bottom - top) / window.innerHeight;
}"""


def _start(browser, live_server, trainee, quiz, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, trainee.username)
    page.goto(f"/quizzes/{quiz.uuid}/")
    page.click("[data-quiz-start]")
    page.wait_for_selector("[data-attempt][data-attempt-ready=true]")
    return context, page


def _section(quiz, kind):
    return f"section[data-question='{quiz.questions.get(type=kind).uuid}']"


def test_tab_never_leaves_focus_under_the_sticky_bar(browser, live_server, trainee, quiz_factory):
    quiz = quiz_factory(time_limit_minutes=30)
    context, page = _start(
        browser, live_server, trainee, quiz, viewport={"width": 1280, "height": 700}
    )
    page.wait_for_selector("[data-slide-viewer][data-tiles-drawn=true]")
    checked = 0
    for key in ["Tab"] * 70 + ["Shift+Tab"] * 70:
        page.keyboard.press(key)
        seen = page.evaluate(COVERED)
        if seen is None:
            continue
        checked += 1
        what, overlap = seen
        assert overlap < 1, f"{key}: {overlap:.0f} px of {what} under the bar"
    assert checked > 40

    # The submit dialog: Escape or "Keep working" returns to the button that opened it.
    tab_to(page, "[data-submit-button]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-submit-dialog][open]")
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED_MATCHES, "[data-submit-button]")
    context.close()


def test_the_last_minute_does_not_pulse_and_stays_readable(
    browser, live_server, trainee, quiz_factory
):
    quiz = quiz_factory(time_limit_minutes=30)
    context, page = _start(browser, live_server, trainee, quiz)
    Attempt.objects.filter(quiz=quiz).update(
        deadline=timezone.now() + timezone.timedelta(seconds=50)
    )
    page.reload()
    page.wait_for_selector(".quiz-timer--urgent")
    style = page.evaluate(
        """() => {
          const value = document.querySelector("[data-timer-value]");
          const timer = value.closest(".quiz-timer");
          const read = (node) => getComputedStyle(node);
          return [read(value).animationName, read(value).opacity, read(value).color,
                  read(timer).backgroundColor];
        }"""
    )
    assert style[0] == "none" and style[1] == "1"
    assert _contrast(style[2], style[3]) >= 4.5
    context.close()


def _contrast(foreground: str, background: str) -> float:
    def luminance(css: str) -> float:
        channels = [int(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
        linear = [
            c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "viewport, scale",
    [({"width": 320, "height": 640}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320px", "200%-zoom"],
)
def test_a_narrow_screen_keeps_the_slide_and_answers_through_the_tools_menu(
    browser, live_server, trainee, quiz_factory, viewport, scale
):
    quiz = quiz_factory()
    context, page = _start(
        browser, live_server, trainee, quiz, viewport=viewport, device_scale_factor=scale
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    point = _section(quiz, "point")
    page.wait_for_selector(f"{point} [data-slide-viewer][data-tiles-drawn=true]")
    menu = f"{point} [data-viewer-menu]"
    tool = f"{point} [data-answer-tool=point]"
    assert page.get_attribute(menu, "aria-expanded") == "false"
    assert not page.is_visible(tool) and not page.is_visible(f"{point} .viewer-toolbar")

    tab_to(page, f"{point} .openseadragon-canvas")
    assert page.evaluate(SLIDE_SHARE, point) >= 0.5
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # The menu opens from the keyboard, shows the answer tools, and a point goes on the slide.
    tab_to(page, menu, backwards=True)
    page.keyboard.press("Enter")
    assert page.get_attribute(menu, "aria-expanded") == "true"
    assert page.is_visible(tool)
    tab_to(page, tool)
    if page.get_attribute(tool, "aria-pressed") != "true":
        page.keyboard.press("Enter")
    tab_to(page, f"{point} .openseadragon-canvas")
    page.wait_for_selector(f"{point} [data-slide-viewer][data-crosshair=shown]")
    press(page, "Enter")
    page.wait_for_selector(f"{point}[data-save-state=saved]", state="attached")
    assert page.get_attribute(f"{point} [data-slide-viewer]", "data-answer-count") == "1"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # The point is drawn as overlay-styles.js says: blue, a black inner and a white outer halo.
    drawn = page.evaluate(
        """(section) => {
          const style = (selector) => getComputedStyle(document.querySelector(section + selector));
          const dot = style(" .quiz-set--answer .quiz-marker__dot");
          const outer = style(" .quiz-set--answer .quiz-marker__outer");
          return [dot.fill, dot.stroke, outer.stroke];
        }""",
        point,
    )
    assert drawn == ["rgb(21, 112, 239)", "rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    # Escape inside the open menu folds it and returns to its button.
    tab_to(page, tool, backwards=True)
    page.keyboard.press("Escape")
    assert page.get_attribute(menu, "aria-expanded") == "false"
    assert page.evaluate(FOCUSED_MATCHES, menu)
    context.close()
