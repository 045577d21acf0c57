"""An examiner's work: assigned to a course's new quizzes by default, a "to mark" list on the
home page (counted as the marking queue counts), and "Save and next" that marks a question
through and returns to the queue with a summary."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.assessment import attempts, authoring
from courses.assessment.marking_queue import marking_rows, quizzes_to_mark
from courses.models import Answer, Question
from portal.models import User


def _cohort(course, educator, size):
    people = []
    for n in range(size):
        person = User.objects.create_user(username=f"cohort-{n}", password="x", role="trainee")
        people.append(person)
    course_services.enrol(
        course=course, identifiers=[p.username for p in people], role="trainee", added_by=educator
    )
    return people


def _sit(quiz, person, text="An answer"):
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=person, now=now)
    attempts.save_answer(
        attempt=attempt,
        question_uuid=quiz.questions.get(type="text").uuid,
        payload={"text": text},
        version=0,
        now=now,
    )
    attempts.save_answer(
        attempt=attempt,
        question_uuid=quiz.questions.get(type="single").uuid,
        payload={"choice": "a"},
        version=0,
        now=now,
    )
    attempts.submit_attempt(attempt=attempt, now=now)
    return attempt


def test_a_new_quiz_is_marked_by_the_courses_examiners(client, course, educator, examiner):
    quiz = authoring.create_quiz(course=course, title="Fresh exam", kind="exam")
    assert list(quiz.examiners.all()) == [examiner]
    client.force_login(examiner)
    assert client.get(reverse("courses:marking", args=[quiz.uuid])).status_code == 200
    assert (
        b"No quizzes yet" not in client.get(reverse("courses:detail", args=[course.uuid])).content
    )
    # The educator can still take the examiner off it in the quiz's settings.
    authoring.update_quiz(quiz=quiz, examiners=[])
    assert client.get(reverse("courses:marking", args=[quiz.uuid])).status_code == 404


def test_the_home_page_lists_what_waits_with_counts_in_few_queries(
    client, course, educator, examiner, quiz_factory, django_assert_max_num_queries
):
    people = _cohort(course, educator, 3)
    busy, quiet = quiz_factory(), quiz_factory()
    for person in people:
        _sit(busy, person)
    first = busy.questions.get(type="text").answers.order_by("id").first()
    client.force_login(examiner)
    client.post(reverse("courses:mark-answer", args=[first.id]), {"score": "1"})

    with django_assert_max_num_queries(2):
        waiting = quizzes_to_mark(examiner)
    counts = {item.quiz: (item.to_mark, item.marked, item.submitted) for item in waiting}
    # Five questions a candidate: 15 answers; the free text waits (2 of 3), one is marked.
    assert counts[busy] == (2, 1, 15)
    assert counts[quiet] == (0, 0, 0)
    assert waiting[0].quiz == busy
    rows = marking_rows(busy, examiner)
    assert counts[busy][:2] == (
        sum(row["status"] == "to mark" for row in rows),
        sum(row["status"] == "marked" for row in rows),
    )

    # The page itself stays bounded as quizzes are added.
    with django_assert_max_num_queries(20):
        page = client.get(reverse("home"))
    for _ in range(3):
        _sit(quiz_factory(), people[0])
    with django_assert_max_num_queries(20):
        more = client.get(reverse("home"))
    assert len(more.context["to_mark"]) == len(page.context["to_mark"]) + 3
    html = page.content.decode()
    assert f'href="{reverse("courses:marking", args=[busy.uuid])}"' in html
    assert "2 to mark" in html and "1 marked" in html


def test_the_home_page_has_no_to_mark_list_for_a_trainee(client, trainee, quiz_factory):
    quiz_factory()
    client.force_login(trainee)
    assert b"data-to-mark-list" not in client.get(reverse("home")).content


def test_save_and_next_marks_a_question_through_then_returns_with_a_summary(
    client, course, educator, examiner, quiz_factory
):
    people = _cohort(course, educator, 3)
    quiz = quiz_factory()
    for person in people:
        _sit(quiz, person)
    text = quiz.questions.get(type="text")
    number = list(Question.objects.in_quiz(quiz).values_list("id", flat=True)).index(text.id)
    client.force_login(examiner)
    answer = Answer.objects.filter(question=text).order_by("id").first()
    seen = []
    for _ in range(3):
        seen.append(answer.id)
        response = client.post(
            reverse("courses:mark-answer", args=[answer.id]), {"score": "1", "next": "1"}
        )
        assert response.status_code == 302
        if len(seen) < 3:
            next_id = int(response.url.rstrip("/").split("/")[-2])
            answer = Answer.objects.get(pk=next_id)
            assert answer.question_id == text.id  # stays on the question being marked
    assert sorted(seen) == sorted(Answer.objects.filter(question=text).values_list("id", flat=True))
    assert response.url == reverse("courses:marking", args=[quiz.uuid])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[-1] == (
        f"Mark saved. All 3 answers of Question {number + 1} marked. "
        "Nothing is left to mark in this quiz."
    )


def test_the_summary_says_what_remains_elsewhere(client, course, educator, examiner, quiz_factory):
    people = _cohort(course, educator, 2)
    quiz = quiz_factory()
    for person in people:
        _sit(quiz, person)
    other = quiz_factory()
    _sit(other, people[0])
    single = quiz.questions.get(type="single")
    client.force_login(examiner)
    answers = list(Answer.objects.filter(question=single).order_by("id"))
    client.post(reverse("courses:mark-answer", args=[answers[0].id]), {"score": "1", "next": "1"})
    response = client.post(
        reverse("courses:mark-answer", args=[answers[1].id]), {"score": "1", "next": "1"}
    )
    assert response.url == reverse("courses:marking", args=[quiz.uuid])
    said = str(list(get_messages(response.wsgi_request))[-1])
    assert "All 2 answers of Question 1 marked." in said
    assert "Still to mark in this quiz: 2 answers." in said  # the free text of both
