"""Which curriculum outcomes each trainee of a course has covered: the one rule for every page
that shows coverage, and what a certificate lists.

An outcome is covered by a trainee when they completed a case tagged with it (CaseProgress), or
answered a question tagged with it in a submitted attempt at one of the course's quizzes. Only
an outcome's own tags count (a heading is not covered by its children). Reads only, a fixed
number of queries whatever the number of trainees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .models import Attempt, Case, Course, EnrolmentRole, Outcome, Question

CELL = 18  # px of one square of the picture
LABEL_WIDTH = 160  # px left of the grid for trainees' names
HEADER_HEIGHT = 70  # px above the grid for the outcomes' codes


@dataclass(frozen=True)
class CoverageRow:
    trainee: object
    y: int
    cells: list[tuple[Outcome, bool, int]]  # (outcome, covered, x)

    @property
    def covered_count(self) -> int:
        return sum(1 for _, covered, _ in self.cells if covered)


@dataclass(frozen=True)
class Coverage:
    outcomes: list[Outcome]
    rows: list[CoverageRow]

    @property
    def width(self) -> int:
        return LABEL_WIDTH + CELL * len(self.outcomes) + 4

    @property
    def height(self) -> int:
        return HEADER_HEIGHT + CELL * len(self.rows) + 4

    @property
    def columns(self) -> list[tuple[Outcome, int]]:
        return [(outcome, LABEL_WIDTH + CELL * i) for i, outcome in enumerate(self.outcomes)]


def covered_outcome_ids(course: Course, trainee_ids) -> dict[int, set[int]]:
    """{trainee id: ids of the outcomes they covered in this course}, in two queries."""
    covered: dict[int, set[int]] = {}
    by_cases = (
        Case.outcomes.through.objects.filter(
            case__module__course=course,
            case__progress__user_id__in=trainee_ids,
            case__progress__completed_at__isnull=False,
        )
        .values_list("case__progress__user_id", "outcome_id")
        .distinct()
    )
    by_questions = (
        Question.outcomes.through.objects.filter(
            question__course=course,
            question__answers__attempt__quiz__course=course,
            question__answers__attempt__state=Attempt.State.SUBMITTED,
            question__answers__attempt__trainee_id__in=trainee_ids,
        )
        .values_list("question__answers__attempt__trainee_id", "outcome_id")
        .distinct()
    )
    for user_id, outcome_id in [*by_cases, *by_questions]:
        covered.setdefault(user_id, set()).add(outcome_id)
    return covered


def outcomes_covered_by(course: Course, trainee) -> list[Outcome]:
    """The course curriculum's outcomes this trainee covered, in curriculum order."""
    if course.curriculum_id is None:
        return []
    ids = covered_outcome_ids(course, [trainee.id]).get(trainee.id, set())
    return [outcome for outcome in course.curriculum.outcomes.all() if outcome.id in ids]


def course_coverage(course: Course) -> Coverage:
    """Every current trainee of the course against every outcome of its curriculum."""
    if course.curriculum_id is None:
        return Coverage(outcomes=[], rows=[])
    outcomes = list(Outcome.objects.filter(curriculum_id=course.curriculum_id))
    trainees = list(
        get_user_model()
        .objects.filter(enrolments__course=course, enrolments__role=EnrolmentRole.TRAINEE)
        .order_by("last_name", "first_name", "username")
    )
    covered = covered_outcome_ids(course, [trainee.id for trainee in trainees])
    rows = []
    for index, trainee in enumerate(trainees):
        mine = covered.get(trainee.id, set())
        cells = [
            (outcome, outcome.id in mine, LABEL_WIDTH + CELL * i)
            for i, outcome in enumerate(outcomes)
        ]
        rows.append(CoverageRow(trainee=trainee, y=HEADER_HEIGHT + CELL * index, cells=cells))
    return Coverage(outcomes=outcomes, rows=rows)
