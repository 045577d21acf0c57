"""A retired slide stays where it is used and is offered nowhere new."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.assessment import authoring
from courses.forms import CaseSlideForm
from slides import curation


@pytest.fixture
def retired(ready_slides):
    return curation.retire_slide(slide=ready_slides[1], now=timezone.now())


def _option(slide_or_case_slide) -> bytes:
    return f'<option value="{slide_or_case_slide.uuid}"'.encode()


def test_the_case_slide_picker_leaves_a_retired_slide_out(
    client, educator, case, ready_slides, retired
):
    client.force_login(educator)
    page = client.get(reverse("courses:case-edit", args=[case.uuid])).content
    assert _option(ready_slides[0]) in page
    assert _option(retired) not in page
    # ...while the case still shows it.
    assert str(case.case_slides.get(slide=retired).uuid).encode() in page
    assert not CaseSlideForm({"slide": str(retired.uuid), "stain": "H&E"}).is_valid()
    assert CaseSlideForm({"slide": str(ready_slides[0].uuid), "stain": "H&E"}).is_valid()


def test_the_question_picker_leaves_it_out_but_keeps_a_question_that_shows_it(
    client, educator, course, case, retired
):
    quiz = authoring.create_quiz(course=course, title="Lymphoma")
    retired_cs = case.case_slides.get(slide=retired)
    kept_cs = case.case_slides.exclude(slide=retired).get()
    client.force_login(educator)
    new = client.get(reverse("courses:question-create", args=[quiz.uuid]), {"type": "point"})
    assert _option(kept_cs) in new.content and _option(retired_cs) not in new.content
    question = authoring.add_question(
        quiz=quiz,
        type="point",
        prompt="Point at the lymphoma",
        case_slide=retired_cs,
        reference={
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [5, 5]}],
            },
            "tolerance": 5,
        },
    )
    edit = client.get(reverse("courses:question-edit", args=[question.uuid]))
    assert _option(retired_cs) in edit.content


def test_a_course_keeps_its_retired_cover(client, educator, course, ready_slides):
    curation.retire_slide(slide=ready_slides[0], now=timezone.now())
    client.force_login(educator)
    data = {
        "title": course.title,
        "description": "",
        "status": "published",
        "cover_slide": str(ready_slides[0].uuid),
    }
    response = client.post(reverse("courses:edit", args=[course.uuid]), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.cover_slide == ready_slides[0]


def test_the_authoring_api_refuses_a_retired_slide_for_a_new_question_only(
    client, educator, quiz_factory
):
    from courses.models import Question

    from .conftest import RULER

    quiz = quiz_factory()
    outline = quiz.questions.get(type="outline")
    curation.retire_slide(slide=outline.case_slide.slide, now=timezone.now())
    client.force_login(educator)
    body = {
        "type": "measure",
        "prompt": "Measure it",
        "points": 2,
        "case_slide": str(outline.case_slide.uuid),
        "reference": {"geometry": RULER, "tolerance": 5},
    }
    url = reverse("api-question-list", args=[quiz.uuid])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and b"retired" in response.content
    assert not Question.objects.filter(prompt="Measure it").exists()
    edit = client.patch(
        reverse("api-question-detail", args=[outline.uuid]),
        {"prompt": "Outline it again", "case_slide": str(outline.case_slide.uuid)},
        content_type="application/json",
    )
    assert edit.status_code == 200, edit.content
