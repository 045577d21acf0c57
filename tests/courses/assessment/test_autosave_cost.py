"""An autosave is most of an exam's writes: it costs a fixed, small number of SQL statements,
and a point answer never reads the options of choice questions."""

from __future__ import annotations

import json

from django.urls import reverse

from courses.models import Answer


def test_a_point_autosave_is_six_statements_and_keeps_its_answer(
    client, trainee, quiz_factory, django_assert_num_queries
):
    quiz = quiz_factory()
    client.force_login(trainee)
    client.post(reverse("courses:quiz-start", args=[quiz.uuid]))
    attempt = quiz.attempts.get()
    question = quiz.questions.get(type="point")
    url = f"/api/attempts/{attempt.uuid}/answers/{question.uuid}/"
    point = {"points": [[100.0, 200.0]]}
    assert client.put(url, json.dumps({"payload": point, "version": 0}),
                      content_type="application/json").status_code == 200  # fmt: skip

    moved = {"points": [[120.0, 210.0]]}
    # session, user, attempt, question, the answer row, the versioned UPDATE
    with django_assert_num_queries(6) as captured:
        response = client.put(
            url, json.dumps({"payload": moved, "version": 1}), content_type="application/json"
        )
    assert not any("choice" in query["sql"].lower() for query in captured.captured_queries)
    assert response.status_code == 200
    body = response.json()
    stored = Answer.objects.get(attempt=attempt, question=question)
    assert body["version"] == stored.version == 2
    assert body["payload"] == stored.payload
    assert body["question"] == str(question.uuid)
    assert body["saved_at"].replace("Z", "+00:00") == stored.saved_at.isoformat()
