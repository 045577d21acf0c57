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
    QuizQuestion,
    ReferenceAnswer,
)
from .bundles import CourseImport
from .curriculum import Certificate, Curriculum, Outcome, new_certificate_code
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
    "Certificate",
    "CaseProgress",
    "CaseSlide",
    "Choice",
    "Course",
    "CourseImport",
    "CourseQuerySet",
    "Curriculum",
    "Enrolment",
    "EnrolmentRole",
    "Mark",
    "Module",
    "Outcome",
    "Question",
    "Quiz",
    "QuizQuestion",
    "ReferenceAnswer",
    "TeachingAnnotation",
    "TourStop",
    "new_certificate_code",
    "new_join_code",
]
