"""Bad JSON is a 400 on every route that accepts JSON, driven by the table in json_routes.csv.

50,000 nested arrays used to end in RecursionError (a 500) on answer saving and annotation
creation; a body over the size limit must be refused before it is parsed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from courses.models import Attempt
from portal.json_limits import MAX_DEPTH, nesting_depth
from tests.authorization.test_matrix import url_for, world  # noqa: F401 - fixture

TABLE = Path(__file__).with_name("json_routes.csv")
ROWS = list(
    csv.DictReader(line for line in TABLE.read_text().splitlines() if not line.startswith("#"))
)
NESTED = b"[" * 50_000 + b"]" * 50_000
TOO_DEEP = "nests arrays and objects more than 64 levels deep"
WRITE_METHODS = ("POST", "PUT", "PATCH")


def routes(patterns=None, prefix: str = ""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from routes(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern.callback


def json_body_routes() -> set[tuple[str, str]]:
    """(route, method) of every DRF view that parses JSON bodies on a write method."""
    found = set()
    for name, callback in routes():
        view = getattr(callback, "cls", None)
        if not (isinstance(view, type) and issubclass(view, APIView)):
            continue
        if not any(issubclass(parser, JSONParser) for parser in view.parser_classes):
            continue
        for method in WRITE_METHODS:
            if method.lower() in view.http_method_names and hasattr(view, method.lower()):
                found.add((name, method))
    return found


def test_every_route_that_takes_a_json_body_has_a_row_and_every_row_a_route():
    body_rows = {(row["route"], row["method"]) for row in ROWS if row["kind"] == "body"}
    assert sorted(json_body_routes() - body_rows) == []
    names = {name for name, _ in routes()}
    assert sorted({row["route"] for row in ROWS} - names) == []


def test_the_table_still_finds_answer_saving_and_annotation_creation():
    # The two routes measured answering 500; if detection broke, the test above would pass
    # vacuously.
    assert {("api-answer-save", "PUT"), ("api-annotation-list", "POST")} <= json_body_routes()


def send(client, row, url: str, payload: bytes):
    if row["kind"] == "body":
        return client.generic(row["method"], url, payload, content_type="application/json")
    if row["kind"] == "file":
        upload = SimpleUploadedFile("shapes.geojson", payload, "application/geo+json")
        return client.post(url, {row["field"]: upload})
    return client.post(url, {row["field"]: payload.decode(), "type": "point", "prompt": "Where?"})


def row_id(row) -> str:
    return f"{row['method']} {row['route']} {row['kind']}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_nested_or_oversized_json_is_refused_with_a_reason(client, world, settings, row):  # noqa: F811
    users, values = world
    client.force_login(users[row["persona"]])
    url = url_for(row["route"], values)
    response = send(client, row, url, NESTED)
    if row["kind"] == "form":
        assert response.status_code == 200  # the form again, with the reason
        assert TOO_DEEP in response.content.decode()
        return
    assert response.status_code == 400
    assert TOO_DEEP in json.dumps(response.json())
    if row["kind"] == "body":
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
        response = send(client, row, url, json.dumps({"payload": "x" * 5_000}).encode())
        assert response.status_code == 400
        assert response.json()["detail"] == (
            "The JSON is larger than this server accepts (2,000 bytes at most)."
        )


def test_nested_json_does_not_save_or_submit_anything(client, world):  # noqa: F811
    users, values = world
    client.force_login(users["enrolled_trainee"])
    row = {"kind": "body", "method": "POST"}
    response = send(client, row, url_for("api-attempt-submit", values), NESTED)
    assert response.status_code == 400
    assert Attempt.objects.get(uuid=values["attempt_uuid"]).submitted_at is None


def test_a_body_without_json_content_type_is_left_to_the_view(client, world):  # noqa: F811
    users, values = world
    client.force_login(users["owning_educator"])
    url = url_for("api-annotation-list", values)
    response = client.post(url, NESTED, content_type="text/plain")
    assert response.status_code == 415  # DRF: no parser for it, and no recursion either


# --- The depth measure ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),
        ("[]", 1),
        ('{"a": [1, {"b": [[2]]}]}', 5),
        ('["\\"[[", {"a": [1]}]', 3),  # brackets and escaped quotes inside strings do not count
        ("[[1], [2], [3]]", 2),
    ],
)
def test_nesting_depth_counts_only_arrays_and_objects_outside_strings(text, depth):
    assert nesting_depth(text.encode()) == depth
    assert depth == _python_depth(json.loads(text))


def _python_depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_python_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_python_depth(item) for item in value.values()), default=0)
    return 0


def test_geojson_is_far_below_the_limit():
    polygon = {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0]]]]}}
    assert nesting_depth(json.dumps(polygon).encode()) < MAX_DEPTH
