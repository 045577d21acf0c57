"""Marking pages, results table, CSV, facility and the cohort picture; the trainee dashboard;
autosave through the API (409 on a stale version, 403 after the deadline)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses.assessment import marking
from courses.assessment import services as assessment_services

from ..conftest import TARGET, submitted_attempt


def test_results_table_csv_facility_and_cohort_picture(client, educator, trainee, quiz_factory):
    quiz = quiz_factory()
    submitted_attempt(quiz, trainee, {"single": {"choice": "a"}, "outline": {"geometry": TARGET}})
    client.force_login(educator)
    page = client.get(reverse("courses:results", args=[quiz.uuid]))
    assert page.status_code == 200
    results = page.context["results"]
    assert [row.label for row in results.rows] == [trainee.display_name]
    single = [q.type for q in results.questions].index("single")
    assert results.facility[single] == 1.0
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("courses:results-csv", args=[quiz.uuid])).content.decode()
            )
        )
    )
    assert rows[0][0] == "trainee" and rows[1][0] == trainee.display_name
    assert rows[0][-2:] == ["total", "awaiting marking"]
    assert rows[-1][0] == "maximum" and rows[-1][-2] == "7"
    outline = quiz.questions.get(type="outline")
    picture = client.get(reverse("courses:cohort-picture", args=[quiz.uuid, outline.uuid]))
    assert picture["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(picture.content)).convert("RGB")
    assert (220, 30, 30) in {pixel for _, pixel in image.getcolors(1 << 20)} or any(
        r > 150 and g < 120 and b < 120 for _, (r, g, b) in image.getcolors(1 << 20)
    )


def test_blind_marking_hides_names_until_release(client, examiner, trainee, quiz_factory):
    trainee.first_name, trainee.last_name = "Zelda", "Quimby-Blind"
    trainee.save()
    quiz = quiz_factory(blind_marking=True, feedback_policy="on_release")
    attempt = submitted_attempt(quiz, trainee, {"text": {"text": "Glands invading"}})
    client.force_login(examiner)
    queue = client.get(reverse("courses:marking", args=[quiz.uuid]))
    assert f"Candidate {attempt.candidate_number}".encode() in queue.content
    assert b"Quimby-Blind" not in queue.content
    answer = attempt.answers.get(question__type="text")
    page = client.get(reverse("courses:mark-answer", args=[answer.id]))
    assert b"Quimby-Blind" not in page.content
    response = client.post(
        reverse("courses:mark-answer", args=[answer.id]),
        {"score": "1", "comment": "Yes", "next": "1"},
    )
    assert response.status_code == 302
    assert marking.current_mark(list(answer.marks.all())).score == 1
    assessment_services.release_marks(quiz=quiz, now=timezone.now())
    assert (
        trainee.display_name.encode()
        in client.get(reverse("courses:marking", args=[quiz.uuid])).content
    )


def test_the_dashboard_shows_released_marks(client, trainee, quiz_factory):
    quiz = quiz_factory(feedback_policy="on_release")
    submitted_attempt(quiz, trainee, {"single": {"choice": "a"}})
    client.force_login(trainee)
    assert b"marks not released yet" in client.get(reverse("home")).content
    assessment_services.release_marks(quiz=quiz, now=timezone.now())
    # The free-text answer awaits an examiner: no partial sum passes for the total.
    assert b"marks released, 1 answer still being marked" in client.get(reverse("home")).content


def test_autosave_api_versions_and_deadline(client, trainee, quiz_factory):
    quiz = quiz_factory(time_limit_minutes=1)
    client.force_login(trainee)
    client.post(reverse("courses:quiz-start", args=[quiz.uuid]))
    attempt = quiz.attempts.get()
    url = f"/api/attempts/{attempt.uuid}/answers/{quiz.questions.get(type='single').uuid}/"

    def put(body):
        return client.put(url, json.dumps(body), content_type="application/json")

    assert put({"payload": {"choice": "a"}, "version": 0}).json()["version"] == 1
    stale = put({"payload": {"choice": "b"}, "version": 0})
    assert stale.status_code == 409 and stale.json()["current"]["payload"] == {"choice": "a"}
    assert put({"payload": {"choice": "zzz"}, "version": 1}).status_code == 400
    type(attempt).objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    closed = put({"payload": {"choice": "b"}, "version": 1})
    assert closed.status_code == 403 and closed.json()["closed"] is True
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.auto_submitted
