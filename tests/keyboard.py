"""Driving a page with the keyboard alone, for the browser tests: Tab to a control, count any
mouse event the page ever sees."""

from __future__ import annotations

from tests.conftest import PASSWORD

# Every pointer or mouse event a real mouse would cause, counted across page loads (as an init
# script). A button pressed with Enter or Space fires a click too, but with pointerType "".
COUNT_MOUSE_EVENTS = """(() => {
  const count = (event) => {
    const mouse = event.type.startsWith("mouse") || event.pointerType === "mouse";
    if (!mouse) return;
    const seen = Number(sessionStorage.getItem("mouseEvents") || "0");
    sessionStorage.setItem("mouseEvents", String(seen + 1));
  };
  ["mousedown", "mouseup", "mousemove", "pointerdown", "pointerup", "pointermove", "click",
   "dblclick", "wheel"].forEach((type) => window.addEventListener(type, count, true));
})();"""
MOUSE_EVENTS = "Number(sessionStorage.getItem('mouseEvents') || '0')"
FOCUSED_MATCHES = (
    "(selector) => Boolean(document.activeElement && document.activeElement.matches(selector))"
)


def keyboard_context_page(browser, base_url, **options):
    """A new page whose every mouse event is counted (read it with MOUSE_EVENTS)."""
    context = browser.new_context(
        base_url=base_url, viewport=options.get("viewport", {"width": 1280, "height": 800})
    )
    context.add_init_script(COUNT_MOUSE_EVENTS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def tab_to(page, selector, *, backwards=False, limit=250):
    """Press Tab (Shift+Tab backwards) until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate(FOCUSED_MATCHES, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def press(page, key, times=1):
    for _ in range(times):
        page.keyboard.press(key)


def log_in_with_keys(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
