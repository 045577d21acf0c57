"""The page-state table must keep up with the URLconf: every route a browser GETs as an HTML
page has a row in page_states.csv (so axe-core checks it), or a reason in not_pages.csv.

A route counts as a GET page unless the authorization matrix lists it only with other methods;
a route the matrix does not know yet counts as a page, so a new view fails here at once."""

from __future__ import annotations

from tests.authorization.test_matrix import load_matrix, route_names

from .setups import SETUPS
from .states import PERSONAS, is_error_page, matches, not_pages, page_states


def _get_routes() -> set[str]:
    methods: dict[str, set[str]] = {}
    for row in load_matrix():
        methods.setdefault(row["route"], set()).add(row["method"])
    return {
        name
        for name in route_names()
        if "GET" in methods.get(name, {"GET"})
        or any(matches(pattern, name) and "GET" in m for pattern, m in methods.items())
    }


def test_every_html_page_route_has_a_page_state_or_a_reason():
    covered = {row["route"] for row in page_states()}
    excluded = [row["route"] for row in not_pages()]
    missing = sorted(
        name
        for name in _get_routes()
        if name not in covered and not any(matches(pattern, name) for pattern in excluded)
    )
    assert missing == [], (
        "add a row to tests/accessibility/page_states.csv (or a reason to not_pages.csv) for: "
        + ", ".join(missing)
    )


def test_every_row_names_a_real_route_a_persona_and_a_known_setup():
    names = route_names()
    for row in page_states():
        assert is_error_page(row["route"]) or row["route"] in names, row
        assert row["persona"] in PERSONAS, row
        assert row["setup"] in SETUPS, f"no setup named {row['setup']!r} in setups.py"
    for row in not_pages():
        assert row["reason"].strip(), row
        assert any(matches(row["route"], name) for name in names), f"stale: {row['route']}"


def test_each_state_is_listed_once():
    keys = [(row["route"], row["persona"], row["setup"]) for row in page_states()]
    assert len(keys) == len(set(keys))
