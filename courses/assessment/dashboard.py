"""What a trainee's home page shows of their quizzes: upcoming, open and past, with released
totals (as `selectors.attempt_totals` defines them, unless the exam lock withholds them)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Attempt, Course, EnrolmentRole, Quiz
from .selectors import AttemptTotal, allowances, attempt_totals, exam_lock


@dataclass(frozen=True)
class QuizCard:
    quiz: Quiz
    state: str  # "upcoming" | "open" | "closed"
    attempts: int
    submitted: bool
    released: AttemptTotal | None  # the best submitted attempt's total, once released

    @property
    def released_score(self) -> float | None:
        return self.released.score if self.released else None


def quiz_cards(user, now) -> dict[str, list[QuizCard]]:
    """A trainee's quizzes grouped as upcoming, open and past, with released marks."""
    quizzes = list(
        Quiz.objects.filter(
            published=True,
            course__in=Course.objects.visible_to(user),
            course__enrolments__user=user,
            course__enrolments__role=EnrolmentRole.TRAINEE,
        )
        .select_related("course")
        .order_by("opens_at", "title")[:100]
    )
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(trainee=user, quiz__in=quizzes).order_by("number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    released_attempts = [
        attempt
        for quiz in quizzes
        if quiz.marks_released
        for attempt in attempts.get(quiz.id, [])
        if attempt.state == Attempt.State.SUBMITTED
    ]
    totals = attempt_totals(released_attempts)
    allowed = allowances(quizzes, user)
    groups: dict[str, list[QuizCard]] = {"upcoming": [], "open": [], "closed": []}
    locks = exam_lock(user, now)
    for quiz in quizzes:
        if quiz.opens_at and now < quiz.opens_at:
            state = "upcoming"
        elif not quiz.is_open(now):
            state = "closed"
        else:
            state = "open"
        mine = attempts.get(quiz.id, [])
        submitted = [a for a in mine if a.state == Attempt.State.SUBMITTED]
        released = None
        if quiz.marks_released and submitted and locks.quiz(quiz) is None:
            released = max((totals[a.pk] for a in submitted), key=lambda total: total.marked)
        if state == "open" and submitted and len(mine) >= allowed[quiz.pk].attempts_allowed:
            state = "closed"
        groups[state].append(QuizCard(quiz, state, len(mine), bool(submitted), released))
    return groups
