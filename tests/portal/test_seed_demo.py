"""`manage.py seed_demo` builds the whole demo and can run again without duplicating it."""

from __future__ import annotations

import io

from django.core.management import call_command

from courses.models import Case, Course, Enrolment, Quiz, TeachingAnnotation, TourStop
from fixtures import demo
from portal.models import User
from slides.models import Slide


def test_the_demo_is_complete_and_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(User.objects.values_list("username", flat=True)) >= {
        "educator", "trainee", "examiner", "admin"
    }  # fmt: skip
    assert Slide.objects.filter(status="ready").count() == 4
    assert Slide.objects.filter(status="awaiting_review").count() == 1
    course = Course.objects.get()
    assert course.is_published and course.modules.count() == 2
    assert TeachingAnnotation.objects.count() == 4 and TourStop.objects.count() == 3
    taught = course.modules.get(title="Breast").cases.exclude(title=demo.EXAM_CASE).get()
    pair = taught.case_slides.count()
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
    # The example curriculum, imported once, with the taught cases tagged.
    assert course.curriculum.outcomes.count() == 23 and course.cpd_hours == 4
    assert Case.objects.filter(module__course=course, outcomes__code="PRO.1").count() == 2


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
    cluster = demo.shifted(demo.WRONG_CLUSTER[0])
    clustered = [p for p in point_answers if cluster in p.get("points", [])]
    assert len(clustered) >= 4
    # Double marking: two colleagues marked already; 3 answers (2 diagnoses and an outline)
    # disagree and wait for a moderator, the last two candidates for a second mark.
    assert exam.double_marking
    totals = attempt_totals(submitted.order_by("trainee__username"))
    awaiting = [totals[a.pk].awaiting for a in submitted.order_by("trainee__username")]
    assert sum(awaiting[:10]) == 3 and awaiting[10:] == [4, 4]
    stages = Mark.objects.filter(answer__attempt__quiz=exam, stage="agreed")
    assert stages.count() == 10 * 4 - 3
    waiting = quizzes_to_mark(User.objects.get(username="examiner"))
    assert [(item.quiz, item.to_mark, item.marked) for item in waiting][0] == (exam, 11, 37)


def test_the_demo_trainee_can_still_sit_the_demo_exam(db):
    from django.utils import timezone

    from courses.assessment import attempts

    call_command("seed_demo", stdout=io.StringIO())
    exam = Quiz.objects.get(kind="exam")
    trainee = User.objects.get(username="trainee")
    attempt = attempts.start_attempt(quiz=exam, trainee=trainee, now=timezone.now())
    assert attempt.is_open and attempt.number == 1


def test_the_demo_exam_locks_only_what_it_asks_about(db):
    """With the demo exam open, the demo trainee still studies the annotated breast case and
    uses the practice quiz; the exam's own case (another specimen) is withheld, and no
    coordinate of the exam's references appears in the practice quiz or the teaching layers."""
    from courses.assessment.selectors import exam_lock
    from courses.models import ReferenceAnswer

    call_command("seed_demo", stdout=io.StringIO())
    trainee = User.objects.get(username="trainee")
    locks = exam_lock(trainee)
    breast = Course.objects.get().modules.get(title="Breast")
    taught = breast.cases.exclude(title=demo.EXAM_CASE).get()
    exam_case = breast.cases.get(title=demo.EXAM_CASE)
    assert locks.case(taught) is None
    assert "Exam: breast pathology" in locks.case(exam_case).sentence
    assert locks.quiz(Quiz.objects.get(kind="practice")) is None
    exam_points = {
        pair
        for geometry in ReferenceAnswer.objects.filter(question__quizzes__kind="exam")
        .exclude(geometry=None)
        .values_list("geometry", flat=True)
        for pair in _pairs(geometry)
    }
    taught = [
        *ReferenceAnswer.objects.filter(question__quizzes__kind="practice")
        .exclude(geometry=None)
        .values_list("geometry", flat=True),
        *TeachingAnnotation.objects.values_list("geometry", flat=True),
    ]
    assert len(exam_points) >= 10
    assert exam_points.isdisjoint(pair for geometry in taught for pair in _pairs(geometry))


def _pairs(value):
    """Every [x, y] coordinate pair in a GeoJSON geometry."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _pairs(item)
    elif isinstance(value, list):
        if len(value) == 2 and all(isinstance(n, (int, float)) for n in value):
            yield tuple(value)
        else:
            for item in value:
                yield from _pairs(item)
