"""`manage.py seed_demo` builds the whole demo and can run again without duplicating it."""

from __future__ import annotations

import io

from django.core.management import call_command

from courses.models import Course, Enrolment, Quiz, TeachingAnnotation, TourStop
from portal.models import User
from slides.models import Slide


def test_the_demo_is_complete_and_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(User.objects.values_list("username", flat=True)) >= {
        "educator", "trainee", "examiner", "admin"
    }  # fmt: skip
    assert Slide.objects.filter(status="ready").count() == 3
    assert Slide.objects.filter(status="awaiting_review").count() == 1
    course = Course.objects.get()
    assert course.is_published and course.modules.count() == 2
    assert TeachingAnnotation.objects.count() == 4 and TourStop.objects.count() == 3
    pair = course.modules.get(title="Breast").cases.get().case_slides.count()
    assert pair == 2
    assert set(Enrolment.objects.filter(course=course).values_list("user__username", "role")) == {
        ("educator", "educator"), ("trainee", "trainee"), ("examiner", "examiner")
    }  # fmt: skip
    assert set(Quiz.objects.values_list("kind", flat=True)) == {"practice", "exam"}
    exam = Quiz.objects.get(kind="exam")
    assert set(exam.questions.values_list("type", flat=True)) == {
        "single", "point", "outline", "measure", "text"
    }  # fmt: skip
    assert exam.questions.get(type="measure").reference.value == 350


def test_the_demo_exam_locks_only_what_it_asks_about(db):
    """With the demo exam open, the demo trainee still studies the annotated H&E and uses the
    practice quiz; the exam's immunostain and the case's diagnosis are withheld."""
    from courses.assessment.selectors import exam_lock

    call_command("seed_demo", stdout=io.StringIO())
    trainee = User.objects.get(username="trainee")
    locks = exam_lock(trainee)
    case = Course.objects.get().modules.get(title="Breast").cases.get()
    he, ihc = case.case_slides.get(stain="H&E"), case.case_slides.exclude(stain="H&E").get()
    assert locks.teaching(case.module.course, he.slide_id) is None
    assert locks.teaching(case.module.course, ihc.slide_id) is not None
    assert "Exam: breast pathology" in locks.case(case).sentence
    assert locks.quiz(Quiz.objects.get(kind="practice")) is None
