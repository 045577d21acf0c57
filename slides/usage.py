"""Where a slide is used, asked of the apps above the library without importing them.

The slide library sits below courses (see the layers in pyproject.toml), so it cannot look at
courses, cases or quizzes itself. An app that places slides registers a finder here at start-up
(`courses.apps`); the library's delete page asks `uses_of(slide)` and refuses while it is not
empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Slide


@dataclass(frozen=True, order=True)
class SlideUse:
    kind: str  # "Course", "Case", "Quiz" ...
    title: str


Finder = Callable[[Slide], list[SlideUse]]
_finders: list[Finder] = []


def register(finder: Finder) -> Finder:
    """Add a finder (idempotent, so a repeated app start-up registers it once)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def uses_of(slide: Slide) -> list[SlideUse]:
    """Every place that shows the slide, sorted by kind then title, without duplicates."""
    return sorted({use for finder in _finders for use in finder(slide)})
