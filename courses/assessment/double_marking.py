"""Double marking: two independent blind marks per answer, combined when they agree, moderated
when they do not.

In a quiz with `double_marking`, every answer an examiner marks (free text, and answers drawn
on the slide: `needs_two_marks`) takes two blind marks from two different examiners; each sees
the automatic score as a suggestion but not the other's mark until both are in. When the two
newest marks are within the question's `agreement_tolerance` (a share of its points), an AGREED
mark combines them by the quiz's rule (mean, lower or higher); otherwise the answer waits in the
moderation queue until a moderator (an educator of the course, or an examiner who is not one of
the two markers) sets the final mark with a reason. Only the AGREED or MODERATED mark counts;
until one exists the answer awaits, so no partial total is shown. Marks lock on release.

Writes lock the answer's row first (`select_for_update`), so two examiners marking at the same
moment are serialised on PostgreSQL: neither mark is lost, a third blind mark is refused, and
exactly one AGREED mark follows the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction

from ..access import role_in
from ..models import Answer, EnrolmentRole, Mark, Question, Quiz

DOUBLE_MARKED_TYPES = (*Question.EXAMINER_ONLY, *Question.SPATIAL)
FINAL_STAGES = (Mark.Stage.AGREED, Mark.Stage.MODERATED)


def needs_two_marks(quiz: Quiz, question: Question) -> bool:
    return quiz.double_marking and question.type in DOUBLE_MARKED_TYPES


@dataclass(frozen=True)
class DoubleMarks:
    """An answer's marks read for double marking (`marks` oldest first). The marks are read
    through once, on first use; the instance is never changed afterwards (a new mark makes a
    new `DoubleMarks`)."""

    marks: tuple[Mark, ...]

    @cached_property
    def _by_marker(self) -> dict[int, list[Mark]]:
        """Each blind marker's examiner marks, oldest first, markers in the order they first
        marked."""
        grouped: dict[int, list[Mark]] = {}
        for mark in self.marks:
            if mark.stage == Mark.Stage.EXAMINER:
                grouped.setdefault(mark.marker_id, []).append(mark)
        return grouped

    @property
    def markers(self) -> list[int]:
        """The blind markers' ids, in the order they first marked."""
        return list(self._by_marker)

    def newest_by(self, marker_id: int) -> Mark | None:
        mine = self._by_marker.get(marker_id)
        return mine[-1] if mine else None

    def first_by(self, marker_id: int) -> Mark | None:
        """A marker's first, independent mark (agreement figures use these)."""
        mine = self._by_marker.get(marker_id)
        return mine[0] if mine else None

    @cached_property
    def final(self) -> Mark | None:
        final = [m for m in self.marks if m.stage in FINAL_STAGES]
        return final[-1] if final else None

    @property
    def both_in(self) -> bool:
        return len(self._by_marker) >= 2

    @property
    def moderated(self) -> bool:
        return any(m.stage == Mark.Stage.MODERATED for m in self.marks)


def status_for(state: DoubleMarks, user) -> str:
    """What an answer is to this person: "marked" (final), "to moderate" (the two marks
    disagree; for anyone but the two markers), "in moderation" (for the two markers),
    "awaiting second mark" (they marked it, the other has not), or "to mark"."""
    if state.final is not None:
        return "marked"
    if state.both_in:
        return "in moderation" if user.pk in state.markers else "to moderate"
    if user.pk in state.markers:
        return "awaiting second mark"
    return "to mark"


def visible_marks(state: DoubleMarks, user, quiz: Quiz) -> list[Mark]:
    """The marks this person may read: everything once both blind marks are in (or for the
    course's educators, who moderate), else the automatic ones and their own."""
    if state.both_in or role_in(user, quiz.course) == EnrolmentRole.EDUCATOR:
        return list(state.marks)
    return [m for m in state.marks if m.stage == Mark.Stage.AUTO or m.marker_id == user.pk]


def combine(first: float, second: float, rule: str) -> float:
    if rule == Quiz.Combination.LOWER:
        return min(first, second)
    if rule == Quiz.Combination.HIGHER:
        return max(first, second)
    return (first + second) / 2


def within_tolerance(first: float, second: float, question: Question) -> bool:
    return abs(first - second) <= question.agreement_tolerance * question.points + 1e-9


def _locked(answer: Answer) -> tuple[Answer, DoubleMarks]:
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("question", "attempt__quiz")
        .get(pk=answer.pk)
    )
    return answer, DoubleMarks(tuple(answer.marks.order_by("created_at", "id")))


def _refuse_after_release(quiz: Quiz) -> None:
    if quiz.marks_released:
        raise ValidationError(
            "The marks are released, so they are final. Withdraw the release to change one."
        )


@transaction.atomic
def blind_mark(*, answer: Answer, marker, make_mark) -> Mark:
    """Record one of the two blind marks (`make_mark(answer)` creates the row), then the AGREED
    mark when both are in and close enough. A marker may revise their own mark until the answer
    is final; a third examiner is refused."""
    answer, state = _locked(answer)
    quiz = answer.attempt.quiz
    _refuse_after_release(quiz)
    if state.final is not None:
        raise ValidationError("This answer's mark is final (agreed or moderated).")
    if marker.pk not in state.markers and state.both_in:
        raise ValidationError(
            "Two examiners have marked this answer already; it now waits for a moderator."
        )
    mark = make_mark(answer)
    state = DoubleMarks((*state.marks, mark))
    if state.both_in:
        first, second = (state.newest_by(m).score for m in state.markers[:2])
        if within_tolerance(first, second, answer.question):
            Mark.objects.create(
                answer=answer,
                stage=Mark.Stage.AGREED,
                score=combine(first, second, quiz.mark_combination),
                comment=f"Two marks ({first:g} and {second:g}) combined: "
                f"{Quiz.Combination(quiz.mark_combination).label.lower()}.",
            )
    return mark


def may_moderate(state: DoubleMarks, user) -> bool:
    return state.both_in and user.pk not in state.markers[:2]


@transaction.atomic
def moderate(*, answer: Answer, moderator, score: float, reason: str) -> Mark:
    """The moderator's final mark for an answer whose two blind marks disagree."""
    answer, state = _locked(answer)
    quiz = answer.attempt.quiz
    _refuse_after_release(quiz)
    if not state.both_in:
        raise ValidationError("Moderation comes after both blind marks are in.")
    if moderator.pk in state.markers[:2]:
        raise ValidationError("A moderator is a third examiner or an educator, not a marker.")
    points = answer.question.points
    if not 0 <= score <= points:
        raise ValidationError(f"The mark must be between 0 and {points:g}.")
    if not reason.strip():
        raise ValidationError("Say why: the moderator's reason is kept with the mark.")
    return Mark.objects.create(
        answer=answer,
        stage=Mark.Stage.MODERATED,
        marker=moderator,
        score=score,
        override_reason=reason.strip(),
    )


def unfinished(quiz: Quiz) -> int:
    """Submitted answers of a double-marking quiz that have no final mark yet."""
    if not quiz.double_marking:
        return 0
    return (
        Answer.objects.filter(
            attempt__quiz=quiz,
            attempt__state="submitted",
            question__type__in=DOUBLE_MARKED_TYPES,
        )
        .exclude(marks__stage__in=FINAL_STAGES)
        .distinct()
        .count()
    )
