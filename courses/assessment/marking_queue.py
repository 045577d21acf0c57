"""The marking queue: which answers of a quiz wait for an examiner, under blind labels; what
comes after "Save and next"; and the quizzes waiting for an examiner on their home page.

An answer's status: "marked" once an examiner has marked it; else "to mark" when no automatic
score exists for it (free text, or one that could not be scored); else "auto". A double-marked
answer (double_marking.py) is, to the person looking, "to mark", "awaiting second mark", "to
moderate", "in moderation" or "marked" (`double_marking.status_for`). `marking_rows` decides it
per answer, `quizzes_to_mark` counts the same rule in SQL (tested to agree).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from ..models import Answer, Attempt, Mark, Question, Quiz
from . import marking
from .double_marking import (
    DOUBLE_MARKED_TYPES,
    FINAL_STAGES,
    DoubleMarks,
    needs_two_marks,
    status_for,
)


def candidate_label(attempt: Attempt, quiz) -> str:
    """Who wrote it, or a candidate number while marking is blind and marks unreleased."""
    if quiz.blind_marking and not quiz.marks_released:
        return f"Candidate {attempt.candidate_number}"
    return attempt.trainee.display_name


def marking_rows(quiz, user, question_uuid=None):
    answers = (
        Answer.objects.filter(attempt__quiz=quiz, question__placements__quiz=quiz)
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .select_related("question", "attempt__trainee")
        .prefetch_related("marks")
        .order_by("question__placements__position", "attempt__candidate_number", "id")
    )
    if question_uuid:
        answers = answers.filter(question__uuid=question_uuid)
    rows = []
    for answer in answers:
        marks = list(answer.marks.all())
        current = marking.mark_that_counts(answer, quiz, answer.question, marks=marks)
        if needs_two_marks(quiz, answer.question):
            status = status_for(DoubleMarks(tuple(marks)), user)
        else:
            examined = any(m.stage == Mark.Stage.EXAMINER for m in marks)
            status = (
                "marked"
                if examined
                else ("to mark" if answer.question.needs_examiner or current is None else "auto")
            )
        rows.append(
            {
                "answer": answer,
                "candidate": candidate_label(answer.attempt, quiz),
                "current": current,
                "status": status,
            }
        )
    return rows


# --- After "Save and next" ---------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    answer: Answer | None  # the next answer to mark, or None: back to the queue
    summary: str  # what is done and what remains, when going back to the queue


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


WAITING = ("to mark", "to moderate")  # statuses that ask something of the person looking


def after_saving(quiz: Quiz, answer: Answer, user) -> NextStep:
    """Where "Save and next" goes: the next answer to the same question that no examiner has
    marked yet (after this one, then from the top), so a question is marked through in one go;
    when none is left, back to the queue with a summary of the question and of what remains."""
    rows = marking_rows(quiz, user)
    same = [row for row in rows if row["answer"].question_id == answer.question_id]
    ids = [row["answer"].id for row in same]
    start = ids.index(answer.id) + 1 if answer.id in ids else 0
    for row in same[start:] + same[:start]:
        if row["status"] in (*WAITING, "auto") and row["answer"].id != answer.id:
            return NextStep(row["answer"], "")
    order = list(Question.objects.in_quiz(quiz, archived=None).values_list("id", flat=True))
    number = order.index(answer.question_id) + 1 if answer.question_id in order else "?"
    done = sum(1 for row in same if row["status"] == "marked")
    if done == len(same):
        summary = f"All {_plural(len(same), 'answer')} of Question {number} marked."
    else:  # only this one could be left unmarked: an examiner's mark is what makes "marked"
        summary = f"Question {number}: {done} of {_plural(len(same), 'answer')} marked."
    left = sum(1 for row in rows if row["status"] in WAITING)
    if left:
        summary += f" Still to mark in this quiz: {_plural(left, 'answer')}."
    else:
        summary += " Nothing is left to mark in this quiz."
    return NextStep(None, summary)


# --- The examiner's home page ------------------------------------------------------------------


@dataclass(frozen=True)
class QuizToMark:
    quiz: Quiz
    to_mark: int  # answers waiting for this examiner (to mark, or to moderate)
    marked: int  # answers an examiner has marked
    submitted: int  # every submitted answer


def quizzes_to_mark(user, limit: int = 50) -> list[QuizToMark]:
    """The quizzes this person is an examiner of, with counts by status (as `marking_rows`
    decides it), those with the most to mark first. Two queries, whatever the number."""
    if not user.is_authenticated:
        return []
    quizzes = {
        quiz.pk: quiz
        for quiz in Quiz.objects.filter(examiners=user)
        .select_related("course")
        .order_by("-created_at")[:limit]
    }
    examiner_marks = Mark.objects.filter(answer=OuterRef("pk"), stage=Mark.Stage.EXAMINER)
    examined = Exists(examiner_marks)
    by_me = Exists(examiner_marks.filter(marker=user))
    final = Exists(Mark.objects.filter(answer=OuterRef("pk"), stage__in=FINAL_STAGES))
    scored = Exists(Mark.objects.filter(answer=OuterRef("pk")))
    double = Q(attempt__quiz__double_marking=True, question__type__in=DOUBLE_MARKED_TYPES)
    counts = {
        row["attempt__quiz"]: row
        for row in Answer.objects.filter(attempt__quiz__in=list(quizzes))
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .values("attempt__quiz")
        .annotate(
            submitted=Count("pk"),
            marked=Count("pk", filter=(~double & Q(examined)) | (double & Q(final))),
            to_mark=Count(
                "pk",
                filter=(
                    ~double
                    & ~Q(examined)
                    & (Q(question__type__in=Question.EXAMINER_ONLY) | ~Q(scored))
                )
                # Double marking: theirs to mark, or to moderate, unless they marked it.
                | (double & ~Q(final) & ~Q(by_me)),
            ),
        )
    }
    found = [
        QuizToMark(
            quiz,
            to_mark=counts.get(pk, {}).get("to_mark", 0),
            marked=counts.get(pk, {}).get("marked", 0),
            submitted=counts.get(pk, {}).get("submitted", 0),
        )
        for pk, quiz in quizzes.items()
    ]
    return sorted(found, key=lambda item: (-item.to_mark, -item.submitted, item.quiz.title))
