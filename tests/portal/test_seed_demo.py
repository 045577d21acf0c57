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
    people = set(Enrolment.objects.filter(course=course).values_list("user__username", "role"))
    assert {("educator", "educator"), ("trainee", "trainee"), ("examiner", "examiner")} <= people
    cohort = {username for username, role in people if username.startswith("demo-trainee-")}
    assert len(cohort) == 12
    assert {role for username, role in people if username in cohort} == {"trainee"}
    assert set(Quiz.objects.values_list("kind", flat=True)) == {"practice", "exam"}
    exam = Quiz.objects.get(kind="exam")
    assert set(exam.questions.values_list("type", flat=True)) == {
        "single", "point", "outline", "measure", "text"
    }  # fmt: skip
    assert exam.questions.get(type="measure").reference.value == 350
    # Both quizzes are marked by the course's examiner without anyone assigning them.
    examiner = User.objects.get(username="examiner")
    assert set(Quiz.objects.filter(examiners=examiner)) == set(Quiz.objects.all())


def test_the_demo_exam_arrives_with_a_dozen_varied_submissions_to_mark(db):
    from courses.assessment.marking_queue import quizzes_to_mark
    from courses.assessment.selectors import attempt_totals
    from courses.models import Attempt, Mark

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: still a dozen
    exam = Quiz.objects.get(kind="exam")
    submitted = Attempt.objects.filter(quiz=exam, state="submitted")
    assert submitted.count() == 12
    assert not Attempt.objects.filter(quiz=exam, trainee__username="trainee").exists()
    assert not User.objects.get(username="demo-trainee-01").has_usable_password()
    # Varied quality: the outline question's automatic scores spread from full to nothing.
    outline = Mark.objects.filter(answer__question__type="outline", answer__attempt__quiz=exam)
    scores = set(outline.values_list("score", flat=True))
    assert max(scores) == 2 and min(scores) == 0 and len(scores) >= 3
    # The wrong cluster: at least four candidates placed their points on the same spot.
    point_answers = exam.questions.get(type="point").answers.values_list("payload", flat=True)
    clustered = [p for p in point_answers if [1500, 2600] in p.get("points", [])]
    assert len(clustered) >= 4
    totals = attempt_totals(submitted)
    assert {total.awaiting for total in totals.values()} == {1}  # the free text, for examiners
    waiting = quizzes_to_mark(User.objects.get(username="examiner"))
    assert [(item.quiz, item.to_mark, item.marked) for item in waiting][0] == (exam, 12, 0)


def test_the_demo_trainee_can_still_sit_the_demo_exam(db):
    from django.utils import timezone

    from courses.assessment import attempts

    call_command("seed_demo", stdout=io.StringIO())
    exam = Quiz.objects.get(kind="exam")
    trainee = User.objects.get(username="trainee")
    attempt = attempts.start_attempt(quiz=exam, trainee=trainee, now=timezone.now())
    assert attempt.is_open and attempt.number == 1


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
