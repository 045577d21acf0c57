"""The exam lock: while an exam is live, nothing a trainee of its course can reach gives away
the teaching content about its slides, and it all comes back when the exam closes.

The canary test crawls as the trainee (every page and API they can discover, plus the `check`
of every other quiz of the course and every export) for the exam's reference coordinates and
the teaching annotations' and tour's distinctive coordinates and words.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.assessment import attempts, authoring
from courses.assessment import services as assessment_services
from courses.assessment.selectors import exam_lock
from courses.models import Attempt, Quiz
from tests.crawler import crawl

from ..conftest import REFERENCE_CANARY, TARGET

ANNOTATION = {
    "type": "Polygon",
    "coordinates": [[[1357.91, 1246.81], [1468.13, 1246.81], [1468.13, 1357.24],
                     [1357.91, 1357.24], [1357.91, 1246.81]]],
}  # fmt: skip
MY_OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[400, 300], [600, 300], [600, 500], [400, 500], [400, 300]]],
}
TEACHING_CANARIES = [
    "1357.91", "1246.81", "1468.13", "1357.24",  # annotation outline
    "1771.77", "1191.19",  # annotation point
    "ANNOTATION-CANARY-3e8c", "NOTE-CANARY-77ab",
    "1212.12", "1313.13", "TOUR-CANARY-91be",  # tour stop
    "DISCUSSION-CANARY-c0de", "DIAGNOSIS-SECRET",
]  # fmt: skip
REFERENCE_CANARIES = [
    REFERENCE_CANARY,
    "411.11", "322.22", "611.11", "522.22",  # exam and practice target region
    "133.33", "933.33", "144.44",  # reference ruler
    "1414.14", "1515.15",  # a practice question's starting view (centred on the answer)
    "is_correct", "correct_choices",
]  # fmt: skip
CANARIES = TEACHING_CANARIES + REFERENCE_CANARIES


@pytest.fixture
def taught_case(case, case_slide, educator):
    """The case's first slide carries teaching annotations, a tour and a discussion."""
    services.update_case(
        case=case,
        title=case.title,
        clinical_history=case.clinical_history,
        diagnosis="Adenocarcinoma DIAGNOSIS-SECRET",
        discussion="<p>DISCUSSION-CANARY-c0de</p>",
        reveal_allowed=True,
    )
    services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry=ANNOTATION,
        properties={"label": "ANNOTATION-CANARY-3e8c", "kind": "polygon"},
    )
    services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry={"type": "Point", "coordinates": [1771.77, 1191.19]},
        properties={"label": "Nucleus", "kind": "point", "note": "NOTE-CANARY-77ab"},
    )
    services.replace_tour(
        case_slide=case_slide,
        version=0,
        stops=[
            {
                "center_x": 1212.12,
                "center_y": 1313.13,
                "view_width": 300,
                "text": "TOUR-CANARY-91be",
            }
        ],
    )
    return case


@pytest.fixture
def exam_day(taught_case, trainee, quiz_factory):
    """A practice quiz on the same slide (feedback after each question), one submitted before
    the exam (feedback after submission), and the live exam with the trainee's attempt open."""
    now = timezone.now()
    practice = quiz_factory(kind="practice", feedback_policy="after_each", attempts_allowed=3)
    outline = practice.questions.get(type="outline")
    outline.start_center_x, outline.start_center_y, outline.start_view_width = 1414.14, 1515.15, 9
    outline.save()
    earlier = quiz_factory(kind="practice", feedback_policy="after_submission")
    done = attempts.start_attempt(quiz=earlier, trainee=trainee, now=now)
    attempts.save_answer(
        attempt=done,
        question_uuid=earlier.questions.get(type="point").uuid,
        payload={"points": [[500, 400]]},
        version=0,
        now=now,
    )
    attempts.submit_attempt(attempt=done, now=now)
    exam = quiz_factory(
        kind="exam", feedback_policy="on_release", closes_at=now + timedelta(hours=2)
    )
    exam_attempt = attempts.start_attempt(quiz=exam, trainee=trainee, now=now)
    practice_attempt = attempts.start_attempt(quiz=practice, trainee=trainee, now=now)
    for question in practice.questions.exclude(type__in=["text"]):
        payload = {
            "single": {"choice": "a"},
            "point": {"points": [[500, 400]]},
            "outline": {"geometry": MY_OUTLINE},
            "measure": {"geometry": {"type": "LineString", "coordinates": [[10, 10], [90, 10]]}},
        }[question.type]
        attempts.save_answer(
            attempt=practice_attempt,
            question_uuid=question.uuid,
            payload=payload,
            version=0,
            now=now,
        )
    return {
        "exam": exam,
        "exam_attempt": exam_attempt,
        "practice": practice,
        "practice_attempt": practice_attempt,
        "earlier": earlier,
        "earlier_attempt": done,
    }


def _start_urls(course, case, world) -> list[str]:
    urls = [
        "/",
        reverse("courses:list"),
        reverse("courses:detail", args=[course.uuid]),
        reverse("courses:case", args=[case.uuid]),
        reverse("courses:case-compare", args=[case.uuid]),
        "/api/courses/",
        f"/api/courses/{course.uuid}/",
        f"/api/cases/{case.uuid}/",
    ]
    for case_slide in case.case_slides.all():
        key = case_slide.uuid
        urls += [
            f"/api/case-slides/{key}/annotations/",
            f"/api/case-slides/{key}/annotations/export/",
            f"/api/case-slides/{key}/tour/",
        ]
    for quiz in ("exam", "practice", "earlier"):
        urls += [
            reverse("courses:quiz", args=[world[quiz].uuid]),
            f"/api/quizzes/{world[quiz].uuid}/",
        ]
    for attempt in ("exam_attempt", "practice_attempt", "earlier_attempt"):
        key = world[attempt].uuid
        urls += [
            reverse("courses:attempt", args=[key]),
            reverse("courses:attempt-result", args=[key]),
            f"/api/attempts/{key}/",
        ]
    return urls


def _leaks(responses: dict[str, bytes], canaries: list[str]) -> dict[str, list[str]]:
    return {
        url: found
        for url, body in responses.items()
        if (found := [c for c in canaries if c.encode() in body])
    }


def _check_every_other_quiz(client, world) -> dict[str, bytes]:
    """POST check on every question of every other quiz the trainee has an attempt at."""
    responses = {}
    attempt = world["practice_attempt"]
    for question in world["practice"].questions.all():
        url = f"/api/attempts/{attempt.uuid}/answers/{question.uuid}/check/"
        response = client.post(url, content_type="application/json")
        responses[f"POST {url}"] = response.content + str(response.status_code).encode()
    return responses


def test_a_live_exam_gives_nothing_away_on_any_route(client, trainee, course, exam_day):
    case = course.modules.get().cases.get()
    client.force_login(trainee)
    pages = crawl(client, _start_urls(course, case, exam_day), limit=500)
    checks = _check_every_other_quiz(client, exam_day)
    assert len(pages) >= 25
    assert _leaks(pages, CANARIES) == {}
    assert _leaks(checks, CANARIES) == {}
    # Withheld with a sentence, not silently: the page says why and until when.
    page = pages[reverse("courses:case", args=[case.uuid])].decode()
    assert "Hidden while the exam “Quiz” is open; back after" in page
    annotations = client.get(f"/api/case-slides/{case.case_slides.first().uuid}/annotations/")
    assert annotations.status_code == 403
    assert "Hidden while the exam" in annotations.json()["detail"]
    assert all(b"403" in body and b"Hidden while" in body for body in checks.values())
    # Nothing was locked by the refused checks: they can be checked after the exam.
    assert not exam_day["practice_attempt"].answers.filter(checked_at__isnull=False).exists()


def test_the_teaching_content_comes_back_when_the_exam_closes(client, trainee, course, exam_day):
    case = course.modules.get().cases.get()
    case_slide = case.case_slides.first()
    client.force_login(trainee)
    submitted = assessment_services.close_quiz(quiz=exam_day["exam"], now=timezone.now())
    assert submitted == 1
    exam_day["exam_attempt"].refresh_from_db()
    assert exam_day["exam_attempt"].state == Attempt.State.SUBMITTED
    annotations = client.get(f"/api/case-slides/{case_slide.uuid}/annotations/")
    assert annotations.status_code == 200
    assert "ANNOTATION-CANARY-3e8c" in annotations.content.decode()
    assert (
        "TOUR-CANARY-91be"
        in client.get(f"/api/case-slides/{case_slide.uuid}/tour/").content.decode()
    )
    assert (
        b"1357.91" in client.get(f"/api/case-slides/{case_slide.uuid}/annotations/export/").content
    )
    client.post(reverse("courses:case-reveal", args=[case.uuid]))
    page = client.get(reverse("courses:case", args=[case.uuid])).content.decode()
    assert "DIAGNOSIS-SECRET" in page and "DISCUSSION-CANARY-c0de" in page
    outline = exam_day["practice"].questions.get(type="outline")
    attempt = exam_day["practice_attempt"]
    checked = client.post(f"/api/attempts/{attempt.uuid}/answers/{outline.uuid}/check/")
    assert checked.status_code == 200
    assert checked.json()["question"]["feedback"]["reference_geometry"]["coordinates"][0][0] == [
        411.11,
        322.22,
    ]
    earlier = client.get(reverse("courses:attempt-result", args=[exam_day["earlier_attempt"].uuid]))
    assert b"411.11" in earlier.content


def test_educators_and_examiners_are_not_affected(client, educator, examiner, course, exam_day):
    case_slide = course.modules.get().cases.get().case_slides.first()
    for person in (educator, examiner):
        client.force_login(person)
        response = client.get(f"/api/case-slides/{case_slide.uuid}/annotations/")
        assert response.status_code == 200
        assert "ANNOTATION-CANARY-3e8c" in response.content.decode()
        page = client.get(reverse("courses:case", args=[case_slide.case.uuid])).content.decode()
        assert "DIAGNOSIS-SECRET" in page


def test_releasing_an_exams_marks_closes_it_for_good(trainee, course, exam_day):
    exam = exam_day["exam"]
    now = timezone.now()
    assert exam_lock(trainee, now).case(course.modules.get().cases.get()) is not None
    assessment_services.release_marks(quiz=exam, now=now)
    exam.refresh_from_db()
    assert exam.closed_at == now and not exam.is_open(now)
    assessment_services.withdraw_release(quiz=exam)
    exam.refresh_from_db()
    assert exam.closed_at == now and not exam.is_open(now + timedelta(seconds=1))
    assert exam_lock(trainee, now).case(course.modules.get().cases.get()) is None


def test_an_exam_without_a_closing_time_locks_until_it_is_closed_by_hand(
    trainee, course, taught_case, quiz_factory
):
    exam = quiz_factory(kind="exam", feedback_policy="on_release")
    lock = exam_lock(trainee).case(taught_case)
    assert lock is not None
    assert lock.sentence == "Hidden while the exam “Quiz” is open; back when the exam closes."
    later = timezone.now() + timedelta(days=400)
    assert exam_lock(trainee, later).case(taught_case) is not None
    assessment_services.close_quiz(quiz=exam, now=timezone.now())
    assert exam_lock(trainee, later).case(taught_case) is None
    with pytest.raises(Exception, match="not open"):
        attempts.start_attempt(quiz=exam, trainee=trainee, now=timezone.now())


def test_the_lock_begins_at_the_opening_and_ends_at_the_closing_time(
    trainee, course, taught_case, quiz_factory
):
    now = timezone.now()
    quiz_factory(
        kind="exam",
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(hours=3),
    )
    assert exam_lock(trainee, now).case(taught_case) is None
    assert exam_lock(trainee, now + timedelta(hours=2)).case(taught_case) is not None
    assert exam_lock(trainee, now + timedelta(hours=3)).case(taught_case) is None


def test_the_same_slide_in_another_course_is_locked_for_the_exams_trainees_only(
    trainee, other_trainee, educator, course, case_slide, exam_day
):
    other = services.create_course(owner=educator, title="Another course")
    services.update_course(
        course=other, title=other.title, description="", status="published", cover_slide=None
    )
    case = services.add_case(module=services.add_module(course=other, title="M"), title="C")
    services.add_case_slide(case=case, slide=case_slide.slide, stain="H&E")
    services.enrol(
        course=other,
        identifiers=[trainee.username, other_trainee.username],
        role="trainee",
        added_by=educator,
    )
    assert exam_lock(trainee).case(case) is not None
    assert exam_lock(other_trainee).case(case) is None


def test_a_practice_quiz_on_the_same_slide_shows_no_total_while_the_exam_is_live(
    client, trainee, exam_day
):
    client.force_login(trainee)
    page = client.get(reverse("courses:quiz", args=[exam_day["earlier"].uuid])).content.decode()
    assert "Hidden while an exam is open" in page
    result = client.get(
        reverse("courses:attempt-result", args=[exam_day["earlier_attempt"].uuid])
    ).content.decode()
    assert "data-total-score" not in result
    assert "Hidden while the exam “Quiz” is open" in result


@pytest.mark.parametrize(
    "opens,closes,closed,published,expected",
    [
        (None, None, False, True, True),
        (-1, 1, False, True, True),
        (1, 2, False, True, False),
        (-2, -1, False, True, False),
        (-1, 1, True, True, False),
        (-1, None, True, True, False),
        (-1, 1, False, False, False),
        (None, 0, False, True, False),
    ],
)
def test_the_open_quizzes_query_agrees_with_is_open(
    course, opens, closes, closed, published, expected
):
    now = timezone.now()
    hours = lambda n: None if n is None else now + timedelta(hours=n)  # noqa: E731
    quiz = authoring.create_quiz(
        course=course, title="Window", kind="exam", opens_at=hours(opens), closes_at=hours(closes)
    )
    Quiz.objects.filter(pk=quiz.pk).update(
        published=published, closed_at=now - timedelta(minutes=1) if closed else None
    )
    quiz.refresh_from_db()
    assert quiz.is_open(now) is expected
    assert Quiz.objects.open_at(now).filter(pk=quiz.pk).exists() is expected
    assert Quiz.objects.live_exams(now).filter(pk=quiz.pk).exists() is expected


def test_slides_that_share_a_case_with_an_exam_slide_are_locked_too(
    client, trainee, educator, case, quiz_factory
):
    """The exam asks on the H&E; the CD20 of the same case shows the same specimen."""
    quiz_factory(kind="exam", feedback_policy="on_release")
    cd20 = case.case_slides.get(stain="CD20")
    services.create_annotation(
        case_slide=cd20,
        author=educator,
        geometry={"type": "Point", "coordinates": [1111.11, 777.77]},
        properties={"label": "Same specimen", "kind": "point"},
    )
    practice = authoring.create_quiz(course=case.module.course, title="CD20", published=True)
    authoring.add_question(
        quiz=practice,
        type="point",
        prompt="Point to a positive cell",
        case_slide=cd20,
        reference={
            "geometry": {"type": "GeometryCollection", "geometries": [TARGET]},
            "tolerance": 5,
        },
    )
    client.force_login(trainee)
    response = client.get(f"/api/case-slides/{cd20.uuid}/annotations/")
    assert response.status_code == 403 and b"1111.11" not in response.content
    assert exam_lock(trainee).quiz(practice) is not None
    client.force_login(educator)
    assert b"1111.11" in client.get(f"/api/case-slides/{cd20.uuid}/annotations/").content


def test_a_question_the_exam_shares_from_the_bank_is_locked_in_every_other_quiz(
    client, trainee, course, quiz_factory
):
    """A choice question with no slide, placed from the bank in the live exam and in a practice
    quiz: the practice quiz must not answer it while the exam runs."""
    now = timezone.now()
    exam = authoring.create_quiz(
        course=course, title="Finals", kind="exam", published=True,
        feedback_policy="on_release", closes_at=now + timedelta(hours=1),
    )  # fmt: skip
    practice = authoring.create_quiz(
        course=course, title="Drill", published=True, feedback_policy="after_each"
    )
    shared = authoring.add_question(
        quiz=practice,
        type="single",
        prompt="Which organ?",
        options=[{"text": "Colon", "correct": True, "feedback": "CHOICE-CANARY"}, {"text": "Lung"}],
    )
    drill = attempts.start_attempt(quiz=practice, trainee=trainee, now=now)
    attempts.save_answer(
        attempt=drill, question_uuid=shared.uuid, payload={"choice": "a"}, version=0, now=now
    )
    assert exam_lock(trainee).quiz(practice) is None  # no exam has it yet

    authoring.place_question(quiz=exam, question=shared)
    attempts.start_attempt(quiz=exam, trainee=trainee, now=now)

    assert exam_lock(trainee).quiz(practice).exam_titles == ("Finals",)
    assert exam_lock(trainee).quiz(exam) is None  # the exam itself follows its own policy
    client.force_login(trainee)
    response = client.post(
        f"/api/attempts/{drill.uuid}/answers/{shared.uuid}/check/", content_type="application/json"
    )
    assert response.status_code == 403 and b"CHOICE-CANARY" not in response.content
    assert b"Finals" in response.content

    assessment_services.close_quiz(quiz=exam, now=timezone.now())
    assert exam_lock(trainee).quiz(practice) is None
    response = client.post(
        f"/api/attempts/{drill.uuid}/answers/{shared.uuid}/check/", content_type="application/json"
    )
    assert response.status_code == 200 and b"CHOICE-CANARY" in response.content
