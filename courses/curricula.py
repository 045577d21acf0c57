"""Writes for curricula: importing one from CSV and tagging cases and questions with outcomes."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from .curriculum_csv import parse_curriculum_csv
from .models import Case, Course, Curriculum, Outcome, Question


@transaction.atomic
def import_curriculum(*, title: str, version: str, data: bytes | str) -> Curriculum:
    """A new curriculum with every outcome of the CSV, or nothing at all.

    Raises `CurriculumCsvError` for a malformed file and ValidationError when this title and
    version already exist."""
    rows = parse_curriculum_csv(data)
    curriculum = Curriculum(title=title.strip(), version=version.strip())
    curriculum.full_clean()
    curriculum.save()
    by_code: dict[str, Outcome] = {}
    for position, row in enumerate(rows):
        outcome = Outcome(
            curriculum=curriculum,
            parent=by_code.get(row.parent_code),
            code=row.code,
            title=row.title,
            position=position,
        )
        outcome.save()  # one at a time: a child needs its parent's id
        by_code[row.code] = outcome
    return curriculum


def _outcomes_allowed(course, outcomes) -> list[Outcome]:
    outcomes = list(outcomes)
    if outcomes and (
        course.curriculum_id is None
        or any(outcome.curriculum_id != course.curriculum_id for outcome in outcomes)
    ):
        raise ValidationError("Outcomes must come from the course's curriculum.")
    return outcomes


@transaction.atomic
def set_case_outcomes(*, case: Case, outcomes) -> None:
    case.outcomes.set(_outcomes_allowed(case.module.course, outcomes))


@transaction.atomic
def set_question_outcomes(*, question: Question, outcomes) -> None:
    question.outcomes.set(_outcomes_allowed(question.course, outcomes))


@transaction.atomic
def set_course_curriculum(
    *, course: Course, curriculum: Curriculum | None, cpd_hours: Decimal | None
) -> Course:
    """Link a course to a curriculum; tags from any other curriculum are removed from its
    cases and questions, so every tag belongs to the course's curriculum."""
    if curriculum != course.curriculum:
        stale = Outcome.objects.exclude(curriculum=curriculum)
        cases = Case.outcomes.through.objects.filter(case__module__course=course)
        cases.filter(outcome__in=stale).delete()
        questions = Question.outcomes.through.objects.filter(question__course=course)
        questions.filter(outcome__in=stale).delete()
    course.curriculum, course.cpd_hours = curriculum, cpd_hours
    course.full_clean(exclude=["owner"])
    course.save(update_fields=["curriculum", "cpd_hours", "updated_at"])
    return course
