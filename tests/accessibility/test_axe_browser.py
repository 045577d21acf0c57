"""axe-core (from npm, node_modules/axe-core) in headless Chromium on every page state of
page_states.csv, as its persona, on the seeded demo: 0 violations of WCAG 2.0, 2.1 and 2.2 at
levels A and AA. One browser; one context per persona, signed in once."""

from __future__ import annotations

import io
from itertools import groupby

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD
from tests.conftest import log_in

from .axe import AXE, axe_violations
from .setups import SETUPS, extend_demo
from .states import page_states

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_state(page, row, visit) -> None:
    """The page is the state the row names, not a 404 or the sign-in page by mistake."""
    title = page.title()
    expect = visit.expect or ""
    if expect.startswith("title:"):
        assert title.startswith(expect[6:]), (row, title)
    else:
        assert not title.startswith("Not found"), (row, page.url)
        if expect:
            assert page.locator(expect).count(), (row, expect, page.url)
    if row["persona"] != "anonymous":
        assert "/accounts/login/" not in page.url, row


def _visit(page, row, world) -> list[dict]:
    visit = SETUPS[row["setup"]](world)
    page.goto(visit.path)
    if visit.then:
        visit.then(page)
    if visit.ready:
        page.wait_for_selector(visit.ready)
    page.wait_for_load_state("load")
    _check_state(page, row, visit)
    return axe_violations(page)


def test_every_page_state_has_no_wcag_22_aa_violations(browser, live_server):
    assert AXE.exists(), "run scripts/install-frontend.sh (axe-core is a devDependency)"
    call_command("seed_demo", stdout=io.StringIO())
    world = extend_demo()
    rows = sorted(page_states(), key=lambda row: row["persona"])
    failures = []
    visited = 0
    for persona, group in groupby(rows, key=lambda row: row["persona"]):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 800}
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        if persona != "anonymous":
            log_in(page, persona, DEMO_PASSWORD)
        for row in group:
            violations = _visit(page, row, world)
            visited += 1
            for v in violations:
                failures.append(
                    f"{row['route']} as {persona} ({row['setup']}): {v['id']} [{v['impact']}] "
                    f"{v['help']}\n    at {'; '.join(v['targets'])}"
                )
        context.close()
    assert visited == len(rows)
    assert failures == [], f"{len(failures)} axe violations:\n" + "\n".join(failures)
