"""While an attempt is open, nothing a trainee can reach contains reference data: every page
and API route they can discover is crawled for the answer key's canary string and its
distinctive coordinates, the case's diagnosis, and (in exams) the slide's real id."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.assessment import attempts
from tests.crawler import crawl

from ..conftest import REFERENCE_CANARY

CANARIES = [
    REFERENCE_CANARY,
    "DIAGNOSIS-SECRET",
    "411.11", "322.22", "611.11", "522.22",  # target region
    "133.33", "933.33", "144.44",  # reference ruler
    "is_correct", "model_answer\": \"R",
]  # fmt: skip


def _start_urls(course, case, quiz, attempt):
    return [
        "/",
        reverse("courses:list"),
        reverse("courses:detail", args=[course.uuid]),
        reverse("courses:case", args=[case.uuid]),
        reverse("courses:quiz", args=[quiz.uuid]),
        reverse("courses:attempt", args=[attempt.uuid]),
        f"/api/attempts/{attempt.uuid}/",
        "/api/courses/",
        f"/api/courses/{course.uuid}/",
        f"/api/cases/{case.uuid}/",
    ]


@pytest.mark.parametrize("kind,policy", [("practice", "after_submission"), ("exam", "on_release")])
def test_an_open_attempt_reveals_no_reference_data(
    client, trainee, course, case, quiz_factory, kind, policy
):
    client.force_login(trainee)
    services.reveal_diagnosis(user=trainee, case=case)  # seen before the exam opened
    quiz = quiz_factory(kind=kind, feedback_policy=policy)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    attempts.save_answer(
        attempt=attempt, question_uuid=quiz.questions.get(type="point").uuid,
        payload={"points": [[500, 400]]}, version=0, now=timezone.now(),
    )  # fmt: skip
    pages = crawl(client, _start_urls(course, case, quiz, attempt), limit=400)
    assert len(pages) >= 10
    leaks = {
        url: [c for c in CANARIES if c.encode() in body]
        for url, body in pages.items()
        if any(c.encode() in body for c in CANARIES)
    }
    if kind == "practice":
        # A practice quiz does not hide the teaching case: only reference data must not leak.
        leaks = {url: [c for c in found if c != "DIAGNOSIS-SECRET"] for url, found in leaks.items()}
        leaks = {url: found for url, found in leaks.items() if found}
    assert leaks == {}
    if kind == "exam":
        attempt_page = pages[reverse("courses:attempt", args=[attempt.uuid])]
        slide_uuid = quiz.questions.get(type="point").case_slide.slide.uuid
        assert str(slide_uuid).encode() not in attempt_page
        assert str(slide_uuid).encode() not in pages[f"/api/attempts/{attempt.uuid}/"]


def test_feedback_arrives_only_when_the_policy_allows(
    client, trainee, quiz_factory, django_capture_on_commit_callbacks
):
    from courses.assessment import services as assessment_services

    quiz = quiz_factory(kind="exam", feedback_policy="on_release")
    client.force_login(trainee)
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    attempts.submit_attempt(attempt=attempt, now=timezone.now())
    result = client.get(reverse("courses:attempt-result", args=[attempt.uuid]))
    assert REFERENCE_CANARY.encode() not in result.content
    assert b"411.11" not in client.get(f"/api/attempts/{attempt.uuid}/").content
    assessment_services.release_marks(quiz=quiz, now=timezone.now())
    released = client.get(f"/api/attempts/{attempt.uuid}/").json()
    point = next(q for q in released["questions"] if q["type"] == "point")
    assert point["feedback"]["reference_geometry"]["geometries"][0]["coordinates"][0][0] == [
        411.11,
        322.22,
    ]
