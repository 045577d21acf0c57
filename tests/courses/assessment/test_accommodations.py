"""Accommodations: a trainee's extra minutes and extra attempts, applied by the server when an
attempt starts; extra time never runs past the quiz's closing time; others are unaffected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.assessment import attempts, services
from courses.models import Accommodation


@pytest.fixture
def both_trainees(course, educator, other_trainee):
    course_services.enrol(
        course=course, identifiers=[other_trainee.username], role="trainee", added_by=educator
    )
    return course


def test_extra_minutes_move_the_deadline_of_that_trainee_only(
    both_trainees, educator, trainee, other_trainee, quiz_factory
):
    quiz = quiz_factory(time_limit_minutes=30)
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (15, 0)}, set_by=educator)
    now = timezone.now()
    mine = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    theirs = attempts.start_attempt(quiz=quiz, trainee=other_trainee, now=now)
    assert mine.deadline == now + timedelta(minutes=45)
    assert theirs.deadline == now + timedelta(minutes=30)


def test_extra_time_never_runs_past_the_closing_time(
    both_trainees, educator, trainee, quiz_factory
):
    now = timezone.now()
    quiz = quiz_factory(time_limit_minutes=30, closes_at=now + timedelta(minutes=40))
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (60, 0)}, set_by=educator)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    assert attempt.deadline == quiz.closes_at
    # …and the attempt is over then, like everyone's: the exam lock ends with it.
    assert attempt.is_past_deadline(quiz.closes_at)


def test_extra_attempts_allow_another_start_for_that_trainee_only(
    both_trainees, educator, trainee, other_trainee, quiz_factory
):
    quiz = quiz_factory(attempts_allowed=1)
    now = timezone.now()
    for person in (trainee, other_trainee):
        first = attempts.start_attempt(quiz=quiz, trainee=person, now=now)
        attempts.submit_attempt(attempt=first, now=now)
    with pytest.raises(ValidationError):
        attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (0, 1)}, set_by=educator)
    second = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    assert second.number == 2 and second.is_open
    with pytest.raises(ValidationError, match="used all your attempts"):
        attempts.start_attempt(quiz=quiz, trainee=other_trainee, now=now)


def test_an_accommodation_set_late_moves_the_running_attempt(
    both_trainees, educator, trainee, quiz_factory
):
    quiz = quiz_factory(time_limit_minutes=20)
    started = timezone.now() - timedelta(minutes=5)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=started)
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (10, 0)}, set_by=educator)
    attempt.refresh_from_db()
    assert attempt.deadline == started + timedelta(minutes=30)


def test_zero_removes_it_and_strangers_are_refused(
    course, educator, trainee, outsider, quiz_factory
):
    quiz = quiz_factory()
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (10, 2)}, set_by=educator)
    assert Accommodation.objects.get(quiz=quiz, trainee=trainee).set_by == educator
    services.set_accommodations(quiz=quiz, changes={trainee.pk: (0, 0)}, set_by=educator)
    assert not Accommodation.objects.filter(quiz=quiz).exists()
    with pytest.raises(ValidationError, match="Not trainees"):
        services.set_accommodations(quiz=quiz, changes={outsider.pk: (10, 0)}, set_by=educator)


def test_the_page_lists_the_trainees_and_saves_what_the_educator_types(
    client, both_trainees, educator, trainee, other_trainee, quiz_factory
):
    quiz = quiz_factory(time_limit_minutes=30, attempts_allowed=1)
    url = reverse("courses:quiz-accommodations", args=[quiz.uuid])
    client.force_login(educator)
    page = client.get(url)
    assert page.status_code == 200
    assert f'data-trainee="{trainee.username}"'.encode() in page.content
    assert f'data-trainee="{other_trainee.username}"'.encode() in page.content
    response = client.post(
        url,
        {
            f"minutes_{trainee.pk}": "25",
            f"attempts_{trainee.pk}": "1",
            f"minutes_{other_trainee.pk}": "",
            f"attempts_{other_trainee.pk}": "0",
        },
    )
    assert response.status_code == 302
    saved = Accommodation.objects.get(quiz=quiz)
    assert (saved.trainee, saved.extra_minutes, saved.extra_attempts) == (trainee, 25, 1)
    refused = client.post(url, {f"minutes_{trainee.pk}": "-5"})
    assert refused.status_code == 200 and refused.context["form"].errors
    # The trainee's quiz page tells them what they have.
    client.force_login(trainee)
    quiz_page = client.get(reverse("courses:quiz", args=[quiz.uuid])).content.decode()
    assert "55 minutes from when you start (including your 25 extra minutes)" in quiz_page
    assert "2 of 2 left" in quiz_page
    api = client.get(reverse("api-quiz-detail", args=[quiz.uuid])).json()
    assert (api["time_limit_minutes"], api["attempts_allowed"]) == (55, 2)
    client.force_login(other_trainee)
    api = client.get(reverse("api-quiz-detail", args=[quiz.uuid])).json()
    assert (api["time_limit_minutes"], api["attempts_allowed"]) == (30, 1)
