"""A trainee's attempt at a quiz: start (or resume), autosave answers, check, submit.

The server owns the clock: the deadline is fixed when the attempt starts (start + time limit
+ the trainee's extra time, capped by the quiz's closing time); saves after it are refused and
the attempt is submitted automatically. Extra time never runs past the closing time: that is the
end of the exam for everyone, and of its exam lock (see `Accommodation`). Every function takes
`now`, so tests control time.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from ..models import Answer, Attempt, Question, Quiz
from . import marking
from .answers import AnswerError, validate_payload
from .selectors import Allowance, allowance_for, exam_lock


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or its time is up)."""


class CheckWithheld(Exception):
    """Checking would show a reference that a live exam on the same slide withholds."""


class StaleSave(Exception):
    """A save made on top of an older version than the one stored; `current` is stored."""

    def __init__(self, current: Answer):
        super().__init__("A newer version of this answer is already saved.")
        self.current = current


def deadline_for(quiz: Quiz, now, allowance: Allowance | None = None):
    """When an attempt started `now` must end: the time limit (with the trainee's extra time,
    from `allowance`) but never after the quiz closes."""
    limit = allowance.time_limit_minutes if allowance else quiz.time_limit_minutes
    deadlines = []
    if limit:
        deadlines.append(now + timedelta(minutes=limit))
    if quiz.closes_at:
        deadlines.append(quiz.closes_at)
    return min(deadlines) if deadlines else None


def submit_if_overdue(attempt: Attempt, now) -> Attempt:
    if attempt.is_open and attempt.is_past_deadline(now):
        submit_attempt(attempt=attempt, now=now, automatic=True)
        attempt.refresh_from_db()
    return attempt


def in_progress(quiz: Quiz, trainee, now) -> Attempt | None:
    attempt = Attempt.objects.filter(
        quiz=quiz, trainee=trainee, state=Attempt.State.IN_PROGRESS
    ).first()
    if attempt is not None:
        attempt = submit_if_overdue(attempt, now)
    return attempt if attempt is not None and attempt.is_open else None


def start_attempt(*, quiz: Quiz, trainee, now) -> Attempt:
    """Resume the trainee's open attempt, or start a new one if the quiz allows it.

    Safe under concurrency: the database allows one attempt in progress per trainee and quiz,
    so of many simultaneous starts one creates it and the others resume it.
    """
    current = in_progress(quiz, trainee, now)
    if current is not None:
        return current
    if not quiz.is_open(now):
        raise ValidationError("This quiz is not open.")
    allowance = allowance_for(quiz, trainee)
    used = Attempt.objects.filter(quiz=quiz, trainee=trainee).count()
    if used >= allowance.attempts_allowed:
        raise ValidationError("You have used all your attempts at this quiz.")
    order = list(Question.objects.in_quiz(quiz).values_list("id", flat=True))
    if quiz.shuffle_questions:
        random.shuffle(order)
    earlier = Attempt.objects.filter(quiz=quiz, trainee=trainee).first()
    candidate = earlier.candidate_number if earlier else random.randint(10_000, 99_999)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                trainee=trainee,
                number=used + 1,
                started_at=now,
                deadline=deadline_for(quiz, now, allowance),
                question_order=order,
                candidate_number=candidate,
            )
    except IntegrityError:
        current = in_progress(quiz, trainee, now)
        if current is None:
            raise
        return current


def _question(attempt: Attempt, question_uuid) -> Question:
    question = (
        Question.objects.filter(uuid=question_uuid, id__in=attempt.question_order)
        .select_related("case_slide__slide")
        .first()
    )
    if question is None:
        raise ValidationError("That question is not part of this attempt.")
    return question


def _check_open(attempt: Attempt, now) -> None:
    if not attempt.is_open:
        raise AttemptClosed("This attempt has been submitted.")
    if attempt.is_past_deadline(now):
        submit_attempt(attempt=attempt, now=now, automatic=True)
        raise AttemptClosed("Time is up: the attempt was submitted.")


def save_answer(*, attempt: Attempt, question_uuid, payload, version: int, now) -> Answer:
    """Store an answer made on top of `version` (0 for the first save); returns it with its new
    version. Raises StaleSave when a newer version is stored, AttemptClosed after the deadline.

    Autosave is most of an exam's writes, so the usual save is one conditional UPDATE (on the
    version, and on the answer not being checked yet) after the row is found or made; only a
    refused save reads the row again, to say why."""
    _check_open(attempt, now)
    question = _question(attempt, question_uuid)
    slide = question.case_slide.slide if question.case_slide else None
    options = (
        set(question.choices.values_list("key", flat=True))
        if question.type in Question.WITH_OPTIONS
        else frozenset()
    )
    try:
        cleaned = validate_payload(
            question.type,
            payload,
            choice_keys=options,
            width=slide.width if slide else None,
            height=slide.height if slide else None,
        )
    except AnswerError as error:
        raise ValidationError(str(error)) from error
    answer, _ = Answer.objects.get_or_create(attempt=attempt, question=question)
    updated = Answer.objects.filter(pk=answer.pk, version=version, checked_at__isnull=True).update(
        payload=cleaned, version=F("version") + 1, saved_at=now
    )
    if not updated:
        answer.refresh_from_db(fields=["payload", "version", "saved_at", "checked_at"])
        if answer.checked_at is not None:
            raise AttemptClosed("This answer was checked and can no longer change.")
        raise StaleSave(answer)
    answer.payload, answer.version, answer.saved_at = cleaned, version + 1, now
    answer.attempt, answer.question = attempt, question  # what the caller reads next
    return answer


def check_answer(*, attempt: Attempt, question_uuid, now) -> tuple[Answer, object]:
    """Lock an answer and score it now (quizzes with feedback after each question)."""
    _check_open(attempt, now)
    if attempt.quiz.feedback_policy != Quiz.Feedback.AFTER_EACH:
        raise ValidationError("This quiz gives feedback only after submission.")
    question = _question(attempt, question_uuid)
    lock = exam_lock(attempt.trainee, now).quiz(attempt.quiz)
    if lock is not None:
        raise CheckWithheld(lock.sentence)  # the answer stays open, to be checked later
    with transaction.atomic():
        answer, _ = Answer.objects.select_for_update().get_or_create(
            attempt=attempt, question=question
        )
        if answer.checked_at is None:
            answer.checked_at = now
            answer.save(update_fields=["checked_at"])
            marking.auto_mark(answer)
    return answer, marking.mark_that_counts(answer, attempt.quiz)


def submit_attempt(*, attempt: Attempt, now, automatic: bool = False) -> bool:
    """Submit once: of simultaneous submits exactly one returns True. Marks what can be marked
    automatically in the same transaction."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().filter(pk=attempt.pk).first()
        if locked is None or locked.state != Attempt.State.IN_PROGRESS:
            return False
        locked.state = Attempt.State.SUBMITTED
        locked.submitted_at = min(now, locked.deadline) if locked.deadline else now
        locked.auto_submitted = automatic
        locked.save(update_fields=["state", "submitted_at", "auto_submitted"])
        marking.mark_attempt(locked)
    attempt.refresh_from_db()
    return True


def submit_overdue(*, now) -> int:
    """Submit every attempt whose deadline has passed (run periodically); returns how many."""
    overdue = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now)
    return sum(submit_attempt(attempt=a, now=now, automatic=True) for a in overdue)
