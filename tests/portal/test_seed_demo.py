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
