"""Marks: automatic scores from `scoring.py`, examiners' marks and overrides, release.

Marks are append-only. The mark that counts for an answer is the newest examiner mark, else the
newest automatic mark; with double marking (double_marking.py), only the agreed or moderated
mark. Every row stays as the audit log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Answer, Attempt, Mark, Question, ReferenceAnswer
from . import scoring
from .double_marking import blind_mark, needs_two_marks


class UnscorableError(Exception):
    """The question cannot be scored automatically (e.g. a µm tolerance without mpp)."""


def score_answer(question: Question, reference: ReferenceAnswer, payload: dict) -> scoring.Score:
    """The automatic score of one answer payload. Raises UnscorableError for free text and for
    questions whose settings cannot be applied (the examiner marks those)."""
    try:
        return _score(question, reference, payload)
    except (ValueError, TypeError) as error:  # scoring.UnscorableError and malformed data
        raise UnscorableError(str(error)) from error


def _score(question: Question, reference: ReferenceAnswer, payload: dict) -> scoring.Score:
    points = question.points
    kind = question.type
    if kind == Question.Type.SINGLE:
        correct = next((c.key for c in question.choices.all() if c.is_correct), "")
        return scoring.score_single_choice(payload.get("choice"), correct, points)
    if kind == Question.Type.MULTIPLE:
        choices = list(question.choices.all())
        return scoring.score_multiple_choice(
            set(payload.get("choices", [])),
            {c.key for c in choices if c.is_correct},
            {c.key for c in choices},
            points,
        )
    if kind == Question.Type.NUMERIC:
        return scoring.score_numeric(
            payload.get("value"), reference.value, reference.tolerance, points
        )
    if kind == Question.Type.TEXT:
        raise UnscorableError("Free text is marked by an examiner.")
    slide = question.case_slide.slide
    mpp = {"mpp_x": slide.mpp_x, "mpp_y": slide.mpp_y}
    if kind == Question.Type.POINT:
        targets = (reference.geometry or {}).get("geometries", [])
        return scoring.score_points(
            [tuple(p) for p in payload.get("points", [])],
            targets,
            tolerance_um=reference.tolerance,
            max_points=points,
            **mpp,
        )
    if kind == Question.Type.OUTLINE:
        return scoring.score_outline(
            payload.get("geometry"),
            reference.geometry,
            full_at=reference.full_at,
            zero_at=reference.zero_at,
            max_points=points,
            **mpp,
        )
    if kind == Question.Type.MEASURE:
        return scoring.score_measure(
            payload.get("geometry"),
            reference.value,
            tolerance_um=reference.tolerance,
            max_points=points,
            **mpp,
        )
    raise UnscorableError(f"Unknown question type {kind!r}.")


def auto_mark(answer: Answer) -> Mark | None:
    """Append the automatic mark of an answer (None for questions examiners mark)."""
    question = answer.question
    reference = getattr(question, "reference", None)
    if reference is None:
        return None
    try:
        score = score_answer(question, reference, answer.payload)
    except UnscorableError:
        return None
    return Mark.objects.create(
        answer=answer,
        stage=Mark.Stage.AUTO,
        score=score.points,
        auto_score=score.points,
        measures={**score.measures, "fraction": score.fraction, "feedback": score.feedback},
        reference_version=reference.version,
    )


def ensure_answers(attempt: Attempt) -> list[Answer]:
    """Every question of the attempt has an answer row (unanswered ones score zero)."""
    existing = {a.question_id: a for a in attempt.answers.all()}
    missing = [
        Answer(attempt=attempt, question_id=qid)
        for qid in attempt.question_order
        if qid not in existing
    ]
    Answer.objects.bulk_create(missing, ignore_conflicts=True)
    return list(
        attempt.answers.select_related("question__reference", "question__case_slide__slide")
    )


def mark_attempt(attempt: Attempt) -> None:
    """Automatic marks for a submitted attempt (answers already checked keep their mark)."""
    for answer in ensure_answers(attempt):
        if answer.checked_at is None:
            auto_mark(answer)


def current_mark(marks: list[Mark], *, double: bool = False) -> Mark | None:
    """The mark that counts among an answer's marks (oldest first). `double`: the answer is
    double-marked (`double_marking.needs_two_marks`), so only an agreed or moderated mark
    counts, and until one exists the answer awaits. Pages, selectors and exports ask
    `mark_that_counts`, which decides `double`, rather than passing it themselves."""
    if double:
        final = [m for m in marks if m.stage in (Mark.Stage.AGREED, Mark.Stage.MODERATED)]
        return final[-1] if final else None
    examiner = [m for m in marks if m.stage == Mark.Stage.EXAMINER]
    if examiner:
        return examiner[-1]
    auto = [m for m in marks if m.stage == Mark.Stage.AUTO]
    return auto[-1] if auto else None


def mark_that_counts(
    answer: Answer, quiz, question: Question | None = None, *, marks: list[Mark] | None = None
) -> Mark | None:
    """The mark that counts for an answer of `quiz`: the one place that decides whether the
    answer is double-marked. Its marks are read (prefetched or not) unless given, oldest first;
    pass the question when it is at hand, to save reading it again."""
    question = question or answer.question
    if marks is None:
        marks = list(answer.marks.all())
    return current_mark(marks, double=needs_two_marks(quiz, question))


@transaction.atomic
def examiner_mark(
    *,
    answer: Answer,
    marker,
    score: float,
    comment: str = "",
    comment_x: float | None = None,
    comment_y: float | None = None,
    override_reason: str = "",
) -> Mark:
    """An examiner's mark. Departing from the automatic score needs a reason. In a
    double-marking quiz it is one of the two blind marks (`double_marking.blind_mark`)."""
    points = answer.question.points
    if not 0 <= score <= points:
        raise ValidationError(f"The mark must be between 0 and {points:g}.")

    def make_mark(answer: Answer) -> Mark:
        auto = [m for m in answer.marks.order_by("created_at", "id") if m.stage == Mark.Stage.AUTO]
        auto_score = auto[-1].score if auto else None
        differs = auto_score is not None and abs(auto_score - score) > 1e-9
        if differs and not override_reason.strip():
            raise ValidationError("Say why the mark differs from the automatic score.")
        return Mark.objects.create(
            answer=answer,
            stage=Mark.Stage.EXAMINER,
            marker=marker,
            score=score,
            auto_score=auto_score,
            measures=auto[-1].measures if auto else {},
            reference_version=auto[-1].reference_version if auto else None,
            comment=comment.strip(),
            comment_x=comment_x,
            comment_y=comment_y,
            override_reason=override_reason.strip(),
        )

    if needs_two_marks(answer.attempt.quiz, answer.question):
        return blind_mark(answer=answer, marker=marker, make_mark=make_mark)
    return make_mark(answer)


def rescore(question: Question) -> int:
    """Append a new automatic mark to every answer to `question` that was already scored: those
    of submitted attempts, and those checked during an attempt (which keep their mark on
    submission). Call it after changing the question's scoring; returns how many answers."""
    answers = (
        Answer.objects.filter(question=question)
        .filter(Q(attempt__state=Attempt.State.SUBMITTED) | Q(checked_at__isnull=False))
        .select_related("question__reference", "question__case_slide__slide")
    )
    count = 0
    for answer in answers:
        auto_mark(answer)
        count += 1
    return count
