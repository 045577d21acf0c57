"""Courses' data: teaching (courses, cases, annotations, tours) and assessment (quizzes,
attempts, answers, marks)."""

from .assessment import (
    Accommodation,
    Answer,
    Attempt,
    Choice,
    Mark,
    Question,
    Quiz,
    ReferenceAnswer,
)
from .teaching import (
    Case,
    CaseProgress,
    CaseSlide,
    Course,
    CourseQuerySet,
    Enrolment,
    EnrolmentRole,
    Module,
    TeachingAnnotation,
    TourStop,
    new_join_code,
)

__all__ = [
    "Accommodation",
    "Answer",
    "Attempt",
    "Case",
    "CaseProgress",
    "CaseSlide",
    "Choice",
    "Course",
    "CourseQuerySet",
    "Enrolment",
    "EnrolmentRole",
    "Mark",
    "Module",
    "Question",
    "Quiz",
    "ReferenceAnswer",
    "TeachingAnnotation",
    "TourStop",
    "new_join_code",
]
