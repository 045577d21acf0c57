"""The committed table of page states the axe check visits, and the routes that are not pages."""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parent
PAGE_STATES = HERE / "page_states.csv"
NOT_PAGES = HERE / "not_pages.csv"
PERSONAS = {"anonymous", "trainee", "educator", "examiner", "admin", "new_trainee", "new_educator"}


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def page_states() -> list[dict[str, str]]:
    return _rows(PAGE_STATES)


def not_pages() -> list[dict[str, str]]:
    return _rows(NOT_PAGES)


def is_error_page(route: str) -> bool:
    """(404), (403): a state reached by a path, not a named route."""
    return route.startswith("(") and route.endswith(")")


def matches(pattern: str, name: str) -> bool:
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern
