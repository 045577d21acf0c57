"""Writes that end a quiz's life: closing an exam by hand, releasing and withdrawing marks; and
trainees' accommodations (extra time, extra attempts).

An exam always ends: at its closing time, when an educator closes it, or when its marks are
released. Closing is final and submits every attempt still in progress, so nothing a trainee
saved is lost and no attempt outlives the exam.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..lti import tasks as lti_tasks
from ..models import Accommodation, Attempt, EnrolmentRole, Quiz
from . import attempts, double_marking
from .selectors import allowance_for


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
    """Trainees see their marks; an exam whose marks are out is over, so it closes too. With
    double marking, not before every answer has its final mark (agreed or moderated)."""
    if waiting := double_marking.unfinished(quiz):
        raise ValidationError(
            f"{waiting} answer{'s' if waiting != 1 else ''} still wait for a second mark or "
            "for moderation; release the marks once every answer has its final mark."
        )
    if quiz.is_exam:
        close_quiz(quiz=quiz, now=now)
    quiz.marks_released_at = now
    quiz.save(update_fields=["marks_released_at", "updated_at"])
    # Scores to the gradebooks of linked LMS courses (a no-op when there are none).
    transaction.on_commit(lambda: lti_tasks.post_released_scores.delay(quiz.id))
    return quiz


def withdraw_release(*, quiz: Quiz) -> Quiz:
    """Hide the marks again (a mistake found after release). A closed exam stays closed."""
    quiz.marks_released_at = None
    quiz.save(update_fields=["marks_released_at", "updated_at"])
    return quiz


@transaction.atomic
def set_accommodations(*, quiz: Quiz, changes: dict[int, tuple[int, int]], set_by) -> int:
    """Set trainees' extra minutes and extra attempts at a quiz: `changes` maps a trainee's id
    to (extra_minutes, extra_attempts); (0, 0) removes the accommodation. Ids of people who are
    not trainees of the quiz's course are refused. An attempt already in progress gets its
    deadline recomputed from its start, so an accommodation set late still counts (still never
    past the closing time). Returns how many trainees' accommodations changed."""
    trainees = set(
        quiz.course.enrolments.filter(role=EnrolmentRole.TRAINEE, user_id__in=changes).values_list(
            "user_id", flat=True
        )
    )
    if strangers := set(changes) - trainees:
        raise ValidationError(f"Not trainees of this course: {sorted(strangers)}.")
    existing = {a.trainee_id: a for a in quiz.accommodations.select_for_update()}
    changed = 0
    for trainee_id, (minutes, extra_attempts) in changes.items():
        if minutes < 0 or extra_attempts < 0:
            raise ValidationError("Extra time and extra attempts cannot be negative.")
        current = existing.get(trainee_id)
        before = (current.extra_minutes, current.extra_attempts) if current else (0, 0)
        if before == (minutes, extra_attempts):
            continue
        changed += 1
        if (minutes, extra_attempts) == (0, 0):
            current.delete()
        else:
            Accommodation.objects.update_or_create(
                quiz=quiz,
                trainee_id=trainee_id,
                defaults={
                    "extra_minutes": minutes,
                    "extra_attempts": extra_attempts,
                    "set_by": set_by,
                },
            )
        if minutes != before[0]:
            _move_deadline(quiz, trainee_id)
    return changed


def _move_deadline(quiz: Quiz, trainee_id: int) -> None:
    running = (
        Attempt.objects.select_for_update()
        .select_related("trainee")
        .filter(quiz=quiz, trainee_id=trainee_id, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if running is None:
        return
    running.deadline = attempts.deadline_for(
        quiz, running.started_at, allowance_for(quiz, running.trainee)
    )
    running.save(update_fields=["deadline"])
