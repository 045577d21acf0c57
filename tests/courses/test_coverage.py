from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.assessment import attempts
from courses.coverage import course_coverage
from courses.models import Enrolment, EnrolmentRole
from portal.models import Role, User


@pytest.fixture
def supervisor(course):
    user = User.objects.create_user(username="supervisor", role=Role.EDUCATOR)
    Enrolment.objects.create(user=user, course=course, role=EnrolmentRole.SUPERVISOR)
    return user


def _covered(course, trainee) -> list[str]:
    row = next(row for row in course_coverage(course).rows if row.trainee == trainee)
    return [outcome.code for outcome, covered, _ in row.cells if covered]


def test_a_completed_tagged_case_covers_its_outcomes(course, case, trainee, curriculum):
    case.outcomes.set([curriculum.outcomes.get(code="GI.1")])
    services.record_opened(user=trainee, case=case)
    assert _covered(course, trainee) == []  # opened is not completed
    services.mark_completed(user=trainee, case=case)
    assert _covered(course, trainee) == ["GI.1"]


def test_a_tagged_question_counts_only_once_the_attempt_is_submitted(
    course, trainee, curriculum, quiz_factory
):
    quiz = quiz_factory()
    question = quiz.questions.get(type="single")
    question.outcomes.set([curriculum.outcomes.get(code="BR")])
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    attempts.save_answer(
        attempt=attempt, question_uuid=question.uuid, payload={"choice": "a"},
        version=0, now=now,
    )  # fmt: skip
    assert _covered(course, trainee) == []
    attempts.submit_attempt(attempt=attempt, now=now)
    assert _covered(course, trainee) == ["BR"]


def test_the_page_draws_each_trainee_against_each_outcome(
    client, educator, course, case, trainee, curriculum
):
    case.outcomes.set([curriculum.outcomes.get(code="GI")])
    services.mark_completed(user=trainee, case=case)
    client.force_login(educator)
    page = client.get(reverse("courses:coverage", args=[course.uuid])).content.decode()
    assert 'role="img"' in page and "by 3 outcomes" in page
    assert f"{trainee.display_name}: GI covered" in page
    assert f"{trainee.display_name}: BR not covered" in page
    assert "1 of 3" in page


def test_a_supervisor_sees_coverage_but_not_the_course_or_its_results(
    client, supervisor, course, curriculum, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(supervisor)
    listed = client.get(reverse("courses:list")).content.decode()
    assert reverse("courses:coverage", args=[course.uuid]) in listed
    assert client.get(reverse("courses:coverage", args=[course.uuid])).status_code == 200
    assert client.get(reverse("courses:detail", args=[course.uuid])).status_code == 404
    assert client.get(reverse("courses:results", args=[quiz.uuid])).status_code == 404


def test_trainees_cannot_see_coverage(client, trainee, course, curriculum):
    client.force_login(trainee)
    assert client.get(reverse("courses:coverage", args=[course.uuid])).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(
    client, educator, course, case, curriculum, django_assert_max_num_queries
):
    for n in range(30):
        user = User.objects.create_user(username=f"t{n}", role=Role.TRAINEE)
        Enrolment.objects.create(user=user, course=course, role=EnrolmentRole.TRAINEE)
        services.mark_completed(user=user, case=case)
    case.outcomes.set(curriculum.outcomes.all())
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("courses:coverage", args=[course.uuid]))
    assert response.content.decode().count("3 of 3") == 30
