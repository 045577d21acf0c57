from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiContext

from courses.assessment import attempts, authoring
from courses.assessment import services as assessment_services
from courses.lti import grades
from courses.lti.models import ScorePost
from tests.conftest import Worker, wait_for
from tests.lti_platform import Person

from .conftest import launch_through

LEARNERS = ["learner-a", "learner-b", "learner-c"]


@pytest.fixture
def graded_quiz(live_server, client, platform, registration, lti_course, educator):
    """Three LMS learners launched into the course and each answered a one-question quiz
    (learner-b wrongly); the platform checks the tool's signatures against the live JWKS."""
    platform.tool_jwks_url = live_server.url + reverse("lti:jwks")
    authoring_now = timezone.now()
    quiz = authoring.create_quiz(
        course=lti_course, title="Renal quiz", published=True,
        opens_at=authoring_now - timezone.timedelta(hours=1),
    )  # fmt: skip
    question = authoring.add_question(
        quiz=quiz, type="single", prompt="Which organ?",
        options=[{"text": "Kidney", "correct": True}, {"text": "Lung"}],
    )  # fmt: skip
    context = LtiContext.objects.create(
        deployment=registration.deployments.get(), id_on_platform=platform.context_id
    )
    from courses.lti.models import ContextCourse

    ContextCourse.objects.create(context=context, course=lti_course)
    for sub in LEARNERS:
        response, _ = launch_through(client, platform, Person(sub))
        assert response.status_code == 302
        client.logout()
        user = context.deployment.registration.users.get(sub=sub).auth_user
        attempt = attempts.start_attempt(quiz=quiz, trainee=user, now=timezone.now())
        attempts.save_answer(
            attempt=attempt, question_uuid=question.uuid, version=0, now=timezone.now(),
            payload={"choice": "b" if sub == "learner-b" else "a"},
        )  # fmt: skip
        attempts.submit_attempt(attempt=attempt, now=timezone.now())
    return quiz


def _scores_by_user(platform) -> dict[str, float]:
    return {score["userId"]: score["scoreGiven"] for score in platform.received.scores}


@pytest.mark.django_db(transaction=True)
def test_released_scores_reach_the_line_item_once_however_often_the_post_runs(
    graded_quiz, platform
):
    graded_quiz.marks_released_at = timezone.now()
    graded_quiz.save(update_fields=["marks_released_at"])

    first = grades.post_released_scores(graded_quiz)
    second = grades.post_released_scores(graded_quiz)

    assert (first.posted, first.already) == (3, 0)
    assert (second.posted, second.already) == (0, 3)
    assert _scores_by_user(platform) == {"learner-a": 1.0, "learner-b": 0.0, "learner-c": 1.0}
    assert len(platform.received.scores) == 3
    assert len(platform.received.line_items) == 1  # created on demand, once
    item = platform.received.line_items[0]
    assert item["tag"] == str(graded_quiz.uuid) and item["scoreMaximum"] == 1
    assert all(score["line_item"] == item["id"] for score in platform.received.scores)
    assert ScorePost.objects.filter(posted_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_nothing_is_posted_before_release(graded_quiz, platform):
    assert grades.post_released_scores(graded_quiz).posted == 0
    assert platform.received.scores == [] and platform.received.tokens == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_release_during_an_lms_outage_posts_each_score_once_after_recovery(
    celery_worker_env, tmp_path, graded_quiz, platform
):
    worker = Worker({**celery_worker_env, "LTI_RETRY_BASE_SECONDS": "1"}, tmp_path / "worker.log")
    worker.start()
    try:
        platform.outage = True
        assessment_services.release_marks(quiz=graded_quiz, now=timezone.now())
        # The worker reached the LMS (got a token) and met the outage; nothing was recorded.
        wait_for(lambda: platform.received.tokens, timeout=30, message="a token request")
        time.sleep(3)
        assert platform.received.scores == []
        assert not ScorePost.objects.filter(posted_at__isnull=False).exists()

        platform.outage = False
        wait_for(lambda: len(platform.received.scores) == 3, timeout=60, message="three scores")
        time.sleep(3)  # any duplicate from a retry would arrive meanwhile
        assert sorted(score["userId"] for score in platform.received.scores) == LEARNERS
        assert len(platform.received.line_items) == 1
        # Running the task again (an operator, a redelivery) sends nothing more.
        assert grades.post_released_scores(graded_quiz).posted == 0
        assert len(platform.received.scores) == 3
    finally:
        worker.stop()
    assert "Retry in" in (tmp_path / "worker.log").read_text()


@pytest.mark.django_db(transaction=True)
def test_scores_go_only_to_the_gradebook_of_the_lms_course_each_trainee_is_in(
    client, graded_quiz, platform, registration, lti_course
):
    """The course is linked to a second LMS course too, with its own learner: the three who
    launched from the first are no members of the second and must not appear in its gradebook."""
    from courses.lti.models import ContextCourse

    second = LtiContext.objects.create(
        deployment=registration.deployments.get(), id_on_platform="course-202"
    )
    ContextCourse.objects.create(context=second, course=lti_course)
    platform.context_id = "course-202"
    response, _ = launch_through(client, platform, Person("learner-z"))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.lineitems_url  # the launch told us its gradebook
    graded_quiz.marks_released_at = timezone.now()
    graded_quiz.save(update_fields=["marks_released_at"])

    outcome = grades.post_released_scores(graded_quiz)

    assert outcome.posted == 3
    assert {score["userId"] for score in platform.received.scores} == set(LEARNERS)
    assert all("/course-101/" in score["line_item"] for score in platform.received.scores)
