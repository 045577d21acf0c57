"""Releasing marks, closing a quiz and deleting ask first: a POST without the confirmation
answers with a page that asks and changes nothing (courses/confirmation.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.models import Case, CaseSlide, Enrolment, Module, Question, Quiz

CONFIRMED = {"confirm": "yes"}


def _asks(response) -> bool:
    text = response.content.decode()
    return (
        response.status_code == 200
        and "Are you sure?" in text
        and 'name="confirm" value="yes"' in text
    )


def test_releasing_marks_asks_first(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    url = reverse("courses:quiz-release", args=[quiz.uuid])
    page = client.post(url, {"release": "1"})
    assert _asks(page)
    assert 'name="release" value="1"' in page.content.decode()  # the answer repeats the POST
    quiz.refresh_from_db()
    assert not quiz.marks_released
    assert client.post(url, {"release": "1", **CONFIRMED}).status_code == 302
    quiz.refresh_from_db()
    assert quiz.marks_released


def test_closing_a_quiz_asks_first(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    url = reverse("courses:quiz-close", args=[quiz.uuid])
    assert _asks(client.post(url))
    assert Quiz.objects.get(pk=quiz.pk).closed_at is None
    client.post(url, CONFIRMED)
    assert Quiz.objects.get(pk=quiz.pk).closed_at is not None


def test_the_quiz_page_forms_carry_the_confirmation_inside_their_disclosure(
    client, educator, quiz_factory
):
    quiz = quiz_factory()
    client.force_login(educator)
    page = client.get(reverse("courses:quiz-edit", args=[quiz.uuid])).content.decode()
    release = page.split('data-release="1"')[0].rsplit("<details", 1)[1]
    assert 'name="confirm" value="yes"' in release


@pytest.mark.parametrize(
    ("route", "model", "lookup"),
    [
        ("courses:module-delete", Module, lambda case: case.module),
        ("courses:case-delete", Case, lambda case: case),
        ("courses:case-slide-remove", CaseSlide, lambda case: case.case_slides.last()),
    ],
)
def test_deleting_course_content_asks_first(client, educator, case, route, model, lookup):
    target = lookup(case)
    client.force_login(educator)
    url = reverse(route, args=[target.uuid])
    assert _asks(client.post(url))
    assert model.objects.filter(pk=target.pk).exists()
    client.post(url, CONFIRMED)
    assert not model.objects.filter(pk=target.pk).exists()


def test_removing_a_question_or_a_person_asks_first(client, educator, course, quiz_factory):
    quiz = quiz_factory()
    question = quiz.questions.get(type="text")
    enrolment = Enrolment.objects.filter(course=course, role="trainee").get()
    client.force_login(educator)
    remove = reverse("courses:question-delete", args=[quiz.uuid, question.uuid])
    assert _asks(client.post(remove))
    assert quiz.questions.filter(pk=question.pk).exists()
    bank = reverse("courses:question-bank-delete", args=[question.uuid])
    assert _asks(client.post(bank))
    assert Question.objects.filter(pk=question.pk).exists()
    people = reverse("courses:enrolment-remove", args=[course.uuid, enrolment.id])
    assert _asks(client.post(people))
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    client.post(people, CONFIRMED)
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_a_get_never_acts(client, educator, quiz_factory):
    quiz = quiz_factory()
    client.force_login(educator)
    assert client.get(reverse("courses:quiz-close", args=[quiz.uuid])).status_code == 405
    assert Quiz.objects.get(pk=quiz.pk).closed_at is None
