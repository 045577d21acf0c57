"""Reads about assessment that several pages share, each decided here once: an attempt's total
(`attempt_totals`), what the feedback policy shows (`feedback_visible`), a trainee's time and
attempts with their accommodations (`allowance_for`, `allowances`), and the exam lock.

The exam lock: while an exam is live (`Quiz.objects.live_exams`), every piece of teaching content
about the slides it uses is withheld from the trainees of its course: teaching annotations, tours,
case discussion and diagnosis, annotation exports, and the references, feedback, scores and
`check` answers of every other quiz that uses those slides or shares a question with the exam
(the course's question bank places one question in several quizzes). Pages, the API and exports ask
`exam_lock(user)` (its `teaching`, `case` or `quiz`); none of them re-derives the rule.
Educators and examiners of the course are not affected. The lock follows the slide, not the
case slide, so the same slide shown in another case or another course is withheld too, and it
covers every slide that shares a case with a slide the exam asks about (serial sections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone

from ..access import role_in
from ..models import (
    Accommodation,
    Answer,
    Attempt,
    Case,
    CaseSlide,
    Course,
    EnrolmentRole,
    Question,
    Quiz,
    QuizQuestion,
)
from . import marking


@dataclass(frozen=True)
class ExamLock:
    """Why something is withheld: the live exams that use the slide, and when they end."""

    exam_titles: tuple[str, ...]
    until: datetime | None  # None: an exam without a closing time (closed by hand)

    @property
    def sentence(self) -> str:
        names = " and ".join(f"“{title}”" for title in self.exam_titles)
        noun = "exams" if len(self.exam_titles) > 1 else "exam"
        verb = "are" if len(self.exam_titles) > 1 else "is"
        if self.until is None:
            when = f"back when the {noun} {'close' if len(self.exam_titles) > 1 else 'closes'}"
        else:
            local = timezone.localtime(self.until)
            when = f"back after {formats.date_format(local, 'j F Y, H:i')}"
        return f"Hidden while the {noun} {names} {verb} open; {when}."


@dataclass(frozen=True)
class _LiveExam:
    quiz_id: int
    title: str
    closes_at: datetime | None


Locks = dict[int, dict[int, _LiveExam]]  # slide or question id → {quiz id: live exam}


def _locking_exams(user, now) -> tuple[Locks, Locks]:
    """(slide id → {quiz id: live exam} locking it, question id → the same), among the courses
    this person takes as a trainee.

    An exam locks the slides it asks about and every slide that shares a case with one of
    them: a case's slides are serial sections of one specimen, so an outline taught on the
    H&E answers the same question asked on the immunostain. It also locks its questions
    wherever else they are placed, slide or not."""
    if not user.is_authenticated:
        return {}, {}
    rows = (
        QuizQuestion.objects.filter(
            quiz__in=Quiz.objects.live_exams(now).filter(
                course__enrolments__user=user, course__enrolments__role=EnrolmentRole.TRAINEE
            ),
        )
        .values_list(
            "question_id", "question__case_slide__slide_id", "quiz_id", "quiz__title",
            "quiz__closes_at",
        )
        .distinct()
    )  # fmt: skip
    locks: Locks = {}
    questions: Locks = {}
    for question_id, slide_id, quiz_id, title, closes_at in rows:
        exam = _LiveExam(quiz_id, title, closes_at)
        questions.setdefault(question_id, {})[quiz_id] = exam
        if slide_id is not None:
            locks.setdefault(slide_id, {})[quiz_id] = exam
    if not questions:
        return {}, {}
    siblings = list(
        CaseSlide.objects.filter(
            case__in=CaseSlide.objects.filter(slide__in=list(locks)).values("case")
        ).values_list("case_id", "slide_id")
    )
    of_case: dict[int, dict[int, _LiveExam]] = {}
    for case_id, slide_id in siblings:
        of_case.setdefault(case_id, {}).update(locks.get(slide_id, {}))
    for case_id, slide_id in siblings:
        locks.setdefault(slide_id, {}).update(of_case[case_id])
    return locks, questions


def _lock_from(exams: Iterable[_LiveExam]) -> ExamLock | None:
    exams = sorted({exam.quiz_id: exam for exam in exams}.values(), key=lambda e: e.title)
    if not exams:
        return None
    ends = [exam.closes_at for exam in exams]
    until = None if any(end is None for end in ends) else max(ends)
    return ExamLock(tuple(exam.title for exam in exams), until)


def _exams_in(locks: Locks, ids: Iterable[int], excluding_quiz_id: int | None):
    """The live exams locking any of these slides or questions, except that quiz itself."""
    return (
        exam
        for key in ids
        for exam in locks.get(key, {}).values()
        if exam.quiz_id != excluding_quiz_id
    )


def _is_trainee_in(user, course: Course) -> bool:
    return role_in(user, course) == EnrolmentRole.TRAINEE


class LockedSlides:
    """The exam lock for one person at one moment: ask it about slides, cases and quizzes.

    Built once per request (one query; none more while no exam is live), so a page with many
    slides or questions asks cheaply.
    """

    def __init__(self, user, now=None):
        self.user = user
        self.now = now or timezone.now()
        self._exams, self._exam_questions = _locking_exams(user, self.now)
        self._quiz_parts: dict[int, tuple[list[int], list[int]]] = {}

    def slides(self, *slide_ids: int, excluding_quiz_id: int | None = None) -> ExamLock | None:
        """The lock on any of these slides (from exams other than that quiz), or None."""
        return _lock_from(_exams_in(self._exams, slide_ids, excluding_quiz_id))

    def teaching(self, course: Course, *slide_ids: int) -> ExamLock | None:
        """Teaching content about these slides in `course`: withheld from its trainees only."""
        if not self._exams or not _is_trainee_in(self.user, course):
            return None
        return self.slides(*slide_ids)

    def case(self, case: Case) -> ExamLock | None:
        """A case's diagnosis and discussion, withheld if any of its slides is locked."""
        if not self._exams:
            return None
        slide_ids = list(case.case_slides.values_list("slide_id", flat=True))
        return self.teaching(case.module.course, *slide_ids)

    def quiz(self, quiz: Quiz) -> ExamLock | None:
        """The lock on a quiz that uses a slide of another live exam or shares a question with
        one: then its references, feedback, scores, totals and `check` answers are all
        withheld (a choice question without a slide may still give the exam away; totals add
        the locked scores)."""
        if not self._exam_questions:
            return None
        if quiz.pk not in self._quiz_parts:
            rows = list(
                quiz.placements.values_list("question_id", "question__case_slide__slide_id")
            )
            self._quiz_parts[quiz.pk] = (
                [question_id for question_id, _ in rows],
                [slide_id for _, slide_id in rows if slide_id is not None],
            )
        question_ids, slide_ids = self._quiz_parts[quiz.pk]
        return _lock_from(
            [
                *_exams_in(self._exam_questions, question_ids, quiz.pk),
                *_exams_in(self._exams, slide_ids, quiz.pk),
            ]
        )


def feedback_visible(quiz: Quiz, attempt: Attempt, answer: Answer | None) -> bool:
    """Does the quiz's feedback policy let the trainee see this answer's score, the correct
    answer and the reference (`answer` None: the attempt as a whole)? The exam lock is asked
    separately (`LockedSlides.quiz`), because it depends on other quizzes."""
    if quiz.feedback_policy == Quiz.Feedback.ON_RELEASE:
        return quiz.marks_released
    if quiz.feedback_policy == Quiz.Feedback.AFTER_SUBMISSION:
        return not attempt.is_open or quiz.marks_released
    return (answer is not None and answer.checked_at is not None) or not attempt.is_open


def exam_lock(user, now=None) -> LockedSlides:
    """The exam lock for this person now (see the module docstring)."""
    return LockedSlides(user, now)


# --- Totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptTotal:
    """An attempt's score from the marks that count now (the one definition every page, the
    dashboard, the results table and the CSV use)."""

    marked: float  # the sum of the marks that count so far
    maximum: float  # the points of every question the attempt was given
    awaiting: int  # answers with no mark yet (an examiner's to give)

    @property
    def score(self) -> float | None:
        """The total, or None while an answer awaits a mark: a partial sum is never shown as
        the total."""
        return None if self.awaiting else round(self.marked, 2)


def attempt_totals(attempts: Iterable[Attempt]) -> dict[int, AttemptTotal]:
    """Totals of many attempts, in four queries whatever their number."""
    attempts = list(attempts)
    question_ids = {qid for attempt in attempts for qid in attempt.question_order}
    questions = {
        q.id: q for q in Question.objects.filter(id__in=question_ids).only("points", "type")
    }
    points = {qid: question.points for qid, question in questions.items()}
    quizzes = Quiz.objects.in_bulk({attempt.quiz_id for attempt in attempts})
    answers = {
        (answer.attempt_id, answer.question_id): answer
        for answer in Answer.objects.filter(attempt__in=attempts).prefetch_related("marks")
    }
    totals = {}
    for attempt in attempts:
        marked, maximum, awaiting = 0.0, 0.0, 0
        for qid in attempt.question_order:
            if qid not in points:
                continue  # a question deleted since the attempt started counts for nothing
            maximum += points[qid]
            answer = answers.get((attempt.pk, qid))
            mark = (
                marking.mark_that_counts(answer, quizzes[attempt.quiz_id], questions[qid])
                if answer is not None
                else None
            )
            if mark is None:
                awaiting += 1
            else:
                marked += mark.score
        totals[attempt.pk] = AttemptTotal(marked, maximum, awaiting)
    return totals


def attempt_total(attempt: Attempt) -> AttemptTotal:
    return attempt_totals([attempt])[attempt.pk]


# --- Accommodations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    """What one trainee may have of one quiz: the quiz's settings plus their accommodation."""

    attempts_allowed: int
    time_limit_minutes: int | None  # None: no time limit (the closing time still applies)
    extra_minutes: int = 0
    extra_attempts: int = 0


def _allowance(quiz: Quiz, accommodation: Accommodation | None) -> Allowance:
    extra_minutes = accommodation.extra_minutes if accommodation else 0
    extra_attempts = accommodation.extra_attempts if accommodation else 0
    limit = quiz.time_limit_minutes
    return Allowance(
        attempts_allowed=quiz.attempts_allowed + extra_attempts,
        # Extra time lengthens a time limit; a quiz without one has none to lengthen.
        time_limit_minutes=limit + extra_minutes if limit else None,
        extra_minutes=extra_minutes,
        extra_attempts=extra_attempts,
    )


def allowance_for(quiz: Quiz, trainee) -> Allowance:
    """This trainee's attempts and time limit at this quiz (one query)."""
    return _allowance(quiz, Accommodation.objects.filter(quiz=quiz, trainee=trainee).first())


def allowances(quizzes: Iterable[Quiz], trainee) -> dict[int, Allowance]:
    """`allowance_for` of many quizzes, in one query."""
    quizzes = list(quizzes)
    found = {a.quiz_id: a for a in Accommodation.objects.filter(quiz__in=quizzes, trainee=trainee)}
    return {quiz.pk: _allowance(quiz, found.get(quiz.pk)) for quiz in quizzes}
