"""One definition of an attempt's total (`selectors.attempt_totals`), and every place that shows
a total agrees with it: the trainee's quiz and result pages, their home page, the results table
and its CSV, both while an answer awaits an examiner and once it is marked."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils import timezone

from courses.assessment import attempts, marking
from courses.assessment import services as assessment_services
from courses.assessment.marking_queue import marking_rows
from courses.assessment.selectors import attempt_total, attempt_totals
from courses.models import Attempt, Mark


def _submitted(quiz, trainee):
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    for question, payload in [
        ("single", {"choice": "a"}),  # correct: 1 mark
        ("point", {"points": [[500, 400]]}),  # inside the target: 2 marks
        ("text", {"text": "Adenocarcinoma"}),  # an examiner's to mark
    ]:
        attempts.save_answer(
            attempt=attempt,
            question_uuid=quiz.questions.get(type=question).uuid,
            payload=payload,
            version=0,
            now=now,
        )
    attempts.submit_attempt(attempt=attempt, now=now)
    return attempt


def _csv_total(client, quiz) -> tuple[str, str]:
    body = client.get(reverse("courses:results-csv", args=[quiz.uuid])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    header, first = rows[0], rows[1]
    return first[header.index("total")], first[header.index("awaiting marking")]


def test_every_page_shows_the_same_total_before_and_after_the_examiner_marks(
    client, trainee, educator, examiner, quiz_factory
):
    quiz = quiz_factory(kind="practice", feedback_policy="after_submission")
    attempt = _submitted(quiz, trainee)
    total = attempt_total(attempt)
    assert total.awaiting == 1 and total.score is None
    assert total.maximum == 7  # 1 + 2 + 2 + 1 + 1: unanswered questions count in the maximum
    assessment_services.release_marks(quiz=quiz, now=timezone.now())

    client.force_login(trainee)
    result = client.get(reverse("courses:attempt-result", args=[attempt.uuid])).content.decode()
    assert "Some answers are still being marked." in result
    assert "data-total-score" not in result
    assert "Being marked" in client.get(reverse("courses:quiz", args=[quiz.uuid])).content.decode()
    assert "1 answer still being marked" in client.get("/").content.decode()
    client.force_login(educator)
    table = client.get(reverse("courses:results", args=[quiz.uuid])).content.decode()
    assert "pending (1 to mark)" in table
    assert _csv_total(client, quiz) == ("", "1")

    text_answer = attempt.answers.get(question__type="text")
    marking.examiner_mark(answer=text_answer, marker=examiner, score=1, comment="Right.")
    total = attempt_total(attempt)
    assert total.awaiting == 0
    expected = f"{total.score:g}"
    assert total.score == total.marked

    client.force_login(trainee)
    result = client.get(reverse("courses:attempt-result", args=[attempt.uuid])).content.decode()
    assert f"<strong>{expected}</strong> out of 7" in result
    quiz_page = client.get(reverse("courses:quiz", args=[quiz.uuid])).content.decode()
    assert f"<strong>{expected}</strong> / 7" in quiz_page
    assert f">{expected} / 7</strong>" in client.get("/").content.decode()
    client.force_login(educator)
    table = client.get(reverse("courses:results", args=[quiz.uuid])).content.decode()
    assert f"<strong data-total>{expected}</strong>" in table
    assert _csv_total(client, quiz) == (expected, "0")


def test_totals_and_the_marking_queue_take_the_mark_that_counts_from_marking(
    monkeypatch, examiner, item_quiz
):
    quiz, questions = item_quiz
    ruling = Mark(stage=Mark.Stage.EXAMINER, score=0.25)
    monkeypatch.setattr(marking, "mark_that_counts", lambda *args, **kwargs: ruling)
    submitted = Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED)
    for total in attempt_totals(submitted).values():
        assert total.awaiting == 0 and total.marked == 0.25 * len(questions)
    rows = marking_rows(quiz, examiner)
    assert rows and all(row["current"] is ruling for row in rows)


def test_totals_of_many_attempts_take_four_queries(item_quiz, django_assert_num_queries):
    quiz, _ = item_quiz
    submitted = list(Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED))
    assert len(submitted) == 8
    with django_assert_num_queries(4):  # questions, quizzes, answers, their marks
        totals = attempt_totals(submitted)
    assert len(totals) == len(submitted)
