"""What a person's home page shows of their courses: a card per course with their progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import CaseProgress, Course, Enrolment, EnrolmentRole


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
