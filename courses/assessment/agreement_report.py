"""How well a double-marked quiz's examiners agree: per question and per pair of markers, the
figures of `agreement.py` on each marker's first (independent) mark of the same answers, and the
points of a Bland–Altman plot scaled for the results page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from ..models import Answer, Attempt, Question, Quiz
from . import agreement
from .double_marking import DOUBLE_MARKED_TYPES, DoubleMarks

PLOT_WIDTH, PLOT_HEIGHT, PLOT_PAD = 240, 140, 14


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class BlandAltmanPlot:
    """SVG coordinates: the answers as (mean, difference) points, the bias and the limits."""

    points: tuple[PlotPoint, ...]
    bias_y: float | None
    lower_y: float | None
    upper_y: float | None
    zero_y: float
    width: int = PLOT_WIDTH
    height: int = PLOT_HEIGHT


@dataclass(frozen=True)
class PairAgreement:
    question: Question
    number: int
    first_marker: str
    second_marker: str
    figures: agreement.Agreement
    plot: BlandAltmanPlot


def _plot(figures: agreement.Agreement, points: float) -> BlandAltmanPlot:
    """Means run 0…points across; differences run −points…+points up the plot."""
    ba = figures.bland_altman
    inner_w, inner_h = PLOT_WIDTH - 2 * PLOT_PAD, PLOT_HEIGHT - 2 * PLOT_PAD

    def x(mean: float) -> float:
        return round(PLOT_PAD + inner_w * (mean / points if points else 0), 1)

    def y(difference: float) -> float:
        share = (difference + points) / (2 * points) if points else 0.5
        return round(PLOT_PAD + inner_h * (1 - min(max(share, 0), 1)), 1)

    return BlandAltmanPlot(
        points=tuple(
            PlotPoint(x(m), y(d), f"mean {m:g}, difference {d:+g}")
            for m, d in zip(ba.means, ba.differences, strict=True)
        ),
        bias_y=y(ba.bias) if ba.bias is not None else None,
        lower_y=y(ba.lower_limit) if ba.lower_limit is not None else None,
        upper_y=y(ba.upper_limit) if ba.upper_limit is not None else None,
        zero_y=y(0),
    )


def marker_agreement(quiz: Quiz) -> list[PairAgreement]:
    """Every (question, pair of markers) with at least one answer both marked, in quiz order."""
    if not quiz.double_marking:
        return []
    questions = list(
        Question.objects.in_quiz(quiz, archived=None).filter(type__in=DOUBLE_MARKED_TYPES)
    )
    answers = (
        Answer.objects.filter(
            attempt__quiz=quiz,
            attempt__state=Attempt.State.SUBMITTED,
            question__in=questions,
        )
        .prefetch_related("marks")
        .order_by("id")
    )
    pairs: dict[tuple[int, int, int], tuple[list[float], list[float]]] = {}
    for answer in answers:
        state = DoubleMarks(tuple(sorted(answer.marks.all(), key=lambda m: (m.created_at, m.id))))
        if not state.both_in:
            continue
        first_id, second_id = sorted(state.markers[:2])
        first, second = pairs.setdefault((answer.question_id, first_id, second_id), ([], []))
        first.append(state.first_by(first_id).score)
        second.append(state.first_by(second_id).score)
    names = {
        user.pk: user.display_name
        for user in get_user_model().objects.filter(
            pk__in={marker for _, a, b in pairs for marker in (a, b)}
        )
    }
    found = []
    for number, question in enumerate(questions, start=1):
        for (question_id, a, b), (first, second) in sorted(pairs.items()):
            if question_id != question.id:
                continue
            figures = agreement.agreement(first, second)
            found.append(
                PairAgreement(
                    question, number, names[a], names[b], figures, _plot(figures, question.points)
                )
            )
    return found
