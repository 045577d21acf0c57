"""PostgreSQL stores no NUL character: the API answers 400 for one, never 500."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.assessment import attempts
from courses.models import TeachingAnnotation

POINT = {"type": "Point", "coordinates": [100, 100]}


def test_an_annotation_label_with_a_nul_is_refused(client, educator, case_slide):
    client.force_login(educator)
    response = client.post(
        f"/api/case-slides/{case_slide.uuid}/annotations/",
        json.dumps({"geometry": POINT, "properties": {"kind": "point", "label": "a\x00b"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["properties"][0]
    assert not TeachingAnnotation.objects.exists()


def test_an_import_with_a_nul_is_refused_whole(client, educator, case_slide):
    feature = {"type": "Feature", "geometry": POINT, "properties": {"name": "a\x00b"}}
    document = json.dumps({"type": "FeatureCollection", "features": [feature]})
    client.force_login(educator)
    url = f"/api/case-slides/{case_slide.uuid}/annotations/import/"
    as_body = client.post(url, document, content_type="application/json")
    as_file = client.post(url, {"file": SimpleUploadedFile("a.geojson", document.encode())})
    for response in (as_body, as_file):
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]
    assert not TeachingAnnotation.objects.exists()


def test_an_import_file_nested_too_deeply_is_refused(client, educator, case_slide):
    client.force_login(educator)
    content = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        f"/api/case-slides/{case_slide.uuid}/annotations/import/",
        {"file": SimpleUploadedFile("deep.geojson", content)},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The file cannot be read: "
        "The JSON nests arrays and objects more than 64 levels deep."
    }


def test_a_text_answer_with_a_nul_is_refused(client, trainee, quiz_factory):
    quiz = quiz_factory()
    attempt = attempts.start_attempt(quiz=quiz, trainee=trainee, now=timezone.now())
    question = quiz.questions.get(type="text")
    client.force_login(trainee)
    response = client.put(
        f"/api/attempts/{attempt.uuid}/answers/{question.uuid}/",
        json.dumps({"payload": {"text": "a\x00b"}, "version": 0}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["payload"][0]
    assert not attempt.answers.exists()
