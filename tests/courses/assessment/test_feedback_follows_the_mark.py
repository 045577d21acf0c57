"""A trainee's feedback never contradicts their mark: the sentence follows the mark that counts
(an examiner's override), on the result page and in the API the attempt scripts draw from."""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils import timezone

from courses.assessment import attempts, marking

from ..conftest import TARGET

AUTOMATIC = "Your outline matches the region."


def _outline_attempt(quiz, trainee):
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=now)
    attempts.save_answer(
        attempt=attempt,
        question_uuid=quiz.questions.get(type="outline").uuid,
        payload={"geometry": TARGET},
        version=0,
        now=now,
    )
    attempts.submit_attempt(attempt=attempt, now=now)
    return attempt, attempt.answers.get(question__type="outline")


def _outline_feedback(client, attempt):
    data = client.get(reverse("api-attempt-detail", args=[attempt.uuid])).json()
    return next(q for q in data["questions"] if q["type"] == "outline")["feedback"]


def test_before_any_override_the_automatic_sentence_stands(client, trainee, quiz_factory):
    quiz = quiz_factory()
    attempt, _ = _outline_attempt(quiz, trainee)
    client.force_login(trainee)
    feedback = _outline_feedback(client, attempt)
    assert (feedback["score"], feedback["sentence"], feedback["overridden"]) == (
        2,
        AUTOMATIC,
        False,
    )
    page = client.get(reverse("courses:attempt-result", args=[attempt.uuid])).content.decode()
    assert AUTOMATIC in page


def test_after_an_override_the_sentence_follows_the_examiners_mark(
    client, trainee, examiner, quiz_factory
):
    quiz = quiz_factory()
    attempt, answer = _outline_attempt(quiz, trainee)
    marking.examiner_mark(
        answer=answer, marker=examiner, score=0.5, override_reason="Includes the necrosis"
    )
    client.force_login(trainee)
    feedback = _outline_feedback(client, attempt)
    assert feedback["score"] == 0.5 and feedback["overridden"] is True
    assert "gave it part of the marks" in feedback["sentence"]
    # The automatic verdict does not travel in the measures either (the scripts draw them).
    assert "feedback" not in feedback["measures"] and feedback["measures"]["dice"] == 1
    page = client.get(reverse("courses:attempt-result", args=[attempt.uuid])).content.decode()
    assert re.search(r"<strong>0\.50</strong>\s+of 2 marks", page)
    assert AUTOMATIC not in page
    assert "An examiner reviewed this answer and gave it part of the marks" in page


def test_an_override_to_zero_or_full_says_so(client, trainee, examiner, quiz_factory):
    quiz = quiz_factory()
    attempt, answer = _outline_attempt(quiz, trainee)
    client.force_login(trainee)
    marking.examiner_mark(answer=answer, marker=examiner, score=0, override_reason="Wrong lesion")
    assert "gave it no marks" in _outline_feedback(client, attempt)["sentence"]
    # An examiner agreeing with the automatic score leaves the automatic sentence.
    marking.examiner_mark(answer=answer, marker=examiner, score=2)
    assert _outline_feedback(client, attempt)["sentence"] == AUTOMATIC


def test_the_check_response_carries_the_same_sentence(client, trainee, quiz_factory):
    """Feedback after each question: attempt-feedback.js draws `sentence` from this response."""
    quiz = quiz_factory(feedback_policy="after_each")
    client.force_login(trainee)
    client.post(reverse("courses:quiz-start", args=[quiz.uuid]))
    attempt = quiz.attempts.get()
    question = quiz.questions.get(type="outline")
    url = f"/api/attempts/{attempt.uuid}/answers/{question.uuid}/"
    client.put(
        url,
        json.dumps({"payload": {"geometry": TARGET}, "version": 0}),
        content_type="application/json",
    )
    checked = client.post(url + "check/").json()["question"]["feedback"]
    assert checked["sentence"] == AUTOMATIC and "feedback" not in checked["measures"]
