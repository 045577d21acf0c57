"""Quiz results: trainees × questions with the marks that count, facility per question."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Answer, Attempt, Question, Quiz
from . import marking, scoring
from .selectors import AttemptTotal, attempt_totals


@dataclass
class ResultRow:
    label: str
    attempt: Attempt
    total: AttemptTotal
    scores: list[float | None] = field(default_factory=list)


@dataclass
class QuizResults:
    questions: list[Question]
    rows: list[ResultRow]
    facility: list[float | None]

    @property
    def maximum(self) -> float:
        return sum(q.points for q in self.questions)


def quiz_results(quiz: Quiz, *, label) -> QuizResults:
    """The best submitted attempt of each trainee (most marks so far; awaiting ones count 0)."""
    questions = list(Question.objects.in_quiz(quiz, archived=None))
    answers = (
        Answer.objects.filter(attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED)
        .select_related("attempt__trainee", "question")
        .prefetch_related("marks")
    )
    by_attempt: dict[int, dict[int, float | None]] = {}
    attempts: dict[int, Attempt] = {}
    for answer in answers:
        mark = marking.mark_that_counts(answer, quiz)
        by_attempt.setdefault(answer.attempt_id, {})[answer.question_id] = (
            mark.score if mark else None
        )
        attempts[answer.attempt_id] = answer.attempt
    totals = attempt_totals(attempts.values())
    best: dict[int, ResultRow] = {}
    for attempt_id, scores in by_attempt.items():
        attempt = attempts[attempt_id]
        row = ResultRow(
            label(attempt), attempt, totals[attempt_id], [scores.get(q.id) for q in questions]
        )
        current = best.get(attempt.trainee_id)
        if current is None or row.total.marked > current.total.marked:
            best[attempt.trainee_id] = row
    rows = sorted(best.values(), key=lambda r: r.label)
    facility = []
    for index, question in enumerate(questions):
        fractions = [
            row.scores[index] / question.points for row in rows if row.scores[index] is not None
        ]
        facility.append(scoring.cohort_facility(fractions))
    return QuizResults(questions, rows, facility)
