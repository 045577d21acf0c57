"""Writes that end a quiz's life: closing an exam by hand, releasing and withdrawing marks.

An exam always ends: at its closing time, when an educator closes it, or when its marks are
released. Closing is final and submits every attempt still in progress, so nothing a trainee
saved is lost and no attempt outlives the exam.
"""

from __future__ import annotations

from django.db import transaction

from ..models import Attempt, Quiz
from . import attempts


@transaction.atomic
def close_quiz(*, quiz: Quiz, now) -> int:
    """Close the quiz now (if still open) and submit its attempts in progress; returns how many
    were submitted."""
    Quiz.objects.filter(pk=quiz.pk, closed_at__isnull=True).update(closed_at=now, updated_at=now)
    quiz.refresh_from_db(fields=["closed_at", "updated_at"])
    running = Attempt.objects.filter(quiz=quiz, state=Attempt.State.IN_PROGRESS)
    return sum(attempts.submit_attempt(attempt=a, now=now, automatic=True) for a in running)


@transaction.atomic
def release_marks(*, quiz: Quiz, now) -> Quiz:
    """Trainees see their marks; an exam whose marks are out is over, so it closes too."""
    if quiz.is_exam:
        close_quiz(quiz=quiz, now=now)
    quiz.marks_released_at = now
    quiz.save(update_fields=["marks_released_at", "updated_at"])
    return quiz


def withdraw_release(*, quiz: Quiz) -> Quiz:
    """Hide the marks again (a mistake found after release). A closed exam stays closed."""
    quiz.marks_released_at = None
    quiz.save(update_fields=["marks_released_at", "updated_at"])
    return quiz
