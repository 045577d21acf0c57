"""What a person's home page shows of their courses: a card per course with their progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from . import marking
from .assessment.selectors import exam_lock
from .models import Attempt, CaseProgress, Course, Enrolment, EnrolmentRole, Quiz


@dataclass(frozen=True)
class CourseCard:
    course: Course
    role: str
    completed: int
    total: int

    @property
    def role_display(self) -> str:
        return EnrolmentRole(self.role).label if self.role else "Administrator"


def course_cards(user) -> list[CourseCard]:
    """One card per visible course, in a fixed number of queries."""
    courses = list(
        Course.objects.visible_to(user)
        .annotate(total=Count("modules__cases", distinct=True))
        .order_by("title")[:50]
    )
    roles = dict(
        Enrolment.objects.filter(user=user, course__in=courses).values_list("course_id", "role")
    )
    done = dict(
        CaseProgress.objects.filter(user=user, case__module__course__in=courses)
        .values("case__module__course")
        .annotate(n=Count("id", filter=Q(completed_at__isnull=False)))
        .values_list("case__module__course", "n")
    )
    return [
        CourseCard(course, roles.get(course.id, ""), done.get(course.id, 0), course.total)
        for course in courses
    ]


@dataclass(frozen=True)
class QuizCard:
    quiz: object
    state: str  # "upcoming" | "open" | "closed"
    attempts: int
    submitted: bool
    released_score: float | None
    maximum: float


def quiz_cards(user, now) -> dict[str, list[QuizCard]]:
    """A trainee's quizzes grouped as upcoming, open and past, with released marks."""
    quizzes = list(
        Quiz.objects.filter(
            published=True,
            course__in=Course.objects.visible_to(user),
            course__enrolments__user=user,
            course__enrolments__role=EnrolmentRole.TRAINEE,
        )
        .annotate(maximum=Sum("questions__points"))
        .select_related("course")
        .order_by("opens_at", "title")[:100]
    )
    attempts: dict[int, list[Attempt]] = {}
    for attempt in (
        Attempt.objects.filter(trainee=user, quiz__in=quizzes)
        .prefetch_related("answers__marks")
        .order_by("number")
    ):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
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
        score = None
        if quiz.marks_released and submitted and locks.quiz(quiz) is None:
            totals = []
            for attempt in submitted:
                marks = [marking.current_mark(list(a.marks.all())) for a in attempt.answers.all()]
                totals.append(sum(m.score for m in marks if m is not None))
            score = round(max(totals), 2)
        if state == "open" and submitted and len(mine) >= quiz.attempts_allowed:
            state = "closed"
        groups[state].append(
            QuizCard(quiz, state, len(mine), bool(submitted), score, quiz.maximum or 0)
        )
    return groups
