"""What the OpenAPI schema declares: list pages as they are answered, and the errors every
operation can answer, declared alike (portal/api_errors.py). test_schema_conformance.py checks the
declarations against the running code."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from courses import services

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


@pytest.mark.parametrize(
    ("path", "item"),
    [("/api/courses/", "CourseSummaryOutput"), ("/api/slides/", "SlideOutput")],
)
def test_lists_are_documented_as_the_pages_they_answer(schema, path, item):
    operation = schema["paths"][path]["get"]
    page = _resolve(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert page["type"] == "object"
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["items"]["$ref"].endswith(f"/{item}")
    assert "page" in {parameter["name"] for parameter in operation["parameters"]}
    assert "404" in operation["responses"]  # a page past the last


def test_every_operation_documents_401_and_a_404_for_its_path_ids(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert "401" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)


def test_every_operation_that_reads_a_body_documents_400_403_and_415(schema):
    with_body = [(p, m, o) for p, m, o in _operations(schema) if "requestBody" in o]
    assert len(with_body) >= 10
    for path, method, operation in with_body:
        assert {"400", "403", "415"} <= set(operation["responses"]), (method, path)


def test_every_write_documents_403_for_a_missing_csrf_token(schema):
    for path, method, operation in _operations(schema):
        if method in WRITES:
            assert "403" in operation["responses"], (method, path)


def test_errors_are_documented_with_their_bodies(schema):
    for path, method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                body = response["content"]["application/json"]["schema"]
                assert _resolve(schema, body)["type"] == "object", (method, path, status)
    conflict = schema["paths"]["/api/annotations/{annotation_uuid}/"]["put"]["responses"]["409"]
    body = _resolve(schema, conflict["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"detail", "current"}


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/case-slides/{case_slide_uuid}/annotations/", "get"),
        ("/api/case-slides/{case_slide_uuid}/annotations/export/", "get"),
        ("/api/case-slides/{case_slide_uuid}/tour/", "get"),
        ("/api/attempts/{attempt_uuid}/answers/{question_uuid}/check/", "post"),
    ],
)
def test_what_an_open_exam_hides_from_trainees_documents_403(schema, path, method):
    assert "403" in schema["paths"][path][method]["responses"]


@pytest.mark.parametrize("target", ["/api/courses/", "/api/courses/{course}/enrolments/"])
def test_malformed_json_answers_400(client, educator, target):
    course = services.create_course(owner=educator, title="Cytology")
    client.force_login(educator)
    response = client.post(
        target.format(course=course.uuid), '{"title": "x", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_body_in_another_media_type_answers_415(client, educator):
    client.force_login(educator)
    body = json.dumps({"title": "Cytology"})
    response = client.post("/api/courses/", body, content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()
