"""The marking queue: which answers of a quiz wait for an examiner, under blind labels."""

from __future__ import annotations

from ..models import Answer, Attempt, Mark
from . import marking


def candidate_label(attempt: Attempt, quiz) -> str:
    """Who wrote it, or a candidate number while marking is blind and marks unreleased."""
    if quiz.blind_marking and not quiz.marks_released:
        return f"Candidate {attempt.candidate_number}"
    return attempt.trainee.display_name


def marking_rows(quiz, question_uuid=None):
    answers = (
        Answer.objects.filter(attempt__quiz=quiz)
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .select_related("question", "attempt__trainee")
        .prefetch_related("marks")
        .order_by("question__position", "attempt__candidate_number", "id")
    )
    if question_uuid:
        answers = answers.filter(question__uuid=question_uuid)
    rows = []
    for answer in answers:
        marks = list(answer.marks.all())
        current = marking.current_mark(marks)
        examined = any(m.stage == Mark.Stage.EXAMINER for m in marks)
        rows.append(
            {
                "answer": answer,
                "candidate": candidate_label(answer.attempt, quiz),
                "current": current,
                "status": "marked"
                if examined
                else ("to mark" if answer.question.needs_examiner or current is None else "auto"),
            }
        )
    return rows
