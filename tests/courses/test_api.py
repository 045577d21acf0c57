"""Courses API: annotations with versions (409), GeoJSON import/export, validation, tours."""

from __future__ import annotations

import json

import pytest

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[10, 10], [110, 10], [110, 110], [10, 110], [10, 10]]],
}


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def annotations_url(case_slide):
    return f"/api/case-slides/{case_slide.uuid}/annotations/"


def test_an_annotation_is_created_edited_and_deleted_with_versions(
    client, educator, annotations_url
):
    client.force_login(educator)
    created = _post(
        client,
        annotations_url,
        {"geometry": SQUARE, "properties": {"label": "Crypt", "kind": "polygon"}},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["properties"]["colour"].startswith("#")
    url = f"/api/annotations/{body['uuid']}/"
    edited = _put(
        client,
        url,
        {
            "geometry": SQUARE,
            "properties": {"label": "Crypt abscess", "kind": "polygon"},
            "version": 1,
        },
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = _put(
        client,
        url,
        {"geometry": SQUARE, "properties": {"label": "Old", "kind": "polygon"}, "version": 1},
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["properties"]["label"] == "Crypt abscess"
    assert client.delete(url + "?version=1").status_code == 409
    assert client.delete(url + "?version=2").status_code == 204
    assert client.get(annotations_url).json() == []


@pytest.mark.parametrize(
    "geometry,fragment",
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [100, 100], [100, 0], [0, 100], [0, 0]]]},
            "cross",
        ),
        ({"type": "Point", "coordinates": [999999, 5]}, "outside"),
        ({"type": "Circle", "coordinates": [1, 1]}, "Circle"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10]]]}, ""),
    ],
)
def test_bad_geometry_is_a_clear_400(client, educator, annotations_url, geometry, fragment):
    client.force_login(educator)
    kind = {"Polygon": "polygon", "Point": "point"}.get(geometry["type"], "polygon")
    response = _post(client, annotations_url, {"geometry": geometry, "properties": {"kind": kind}})
    assert response.status_code == 400
    assert fragment in json.dumps(response.json())


def test_a_million_vertices_are_refused(client, educator, annotations_url):
    client.force_login(educator)
    ring = [[float(i % 1000), float(i // 1000)] for i in range(1_000_000)]
    response = _post(
        client,
        annotations_url,
        {"geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {"kind": "polygon"}},
    )
    assert response.status_code == 400
    assert "vertices" in json.dumps(response.json())


def test_export_then_import_gives_the_same_annotations(
    client, educator, case_slide, annotations_url
):
    client.force_login(educator)
    shapes = [
        (SQUARE, {"label": "Gland", "kind": "rectangle", "colour": "#ff0000", "note": "Look"}),
        ({"type": "Point", "coordinates": [50.5, 60.25]}, {"label": "Mitosis", "kind": "point"}),
        (
            {"type": "LineString", "coordinates": [[1, 1], [200, 150]]},
            {"label": "", "kind": "arrow"},
        ),
    ]
    for geometry, properties in shapes:
        assert (
            _post(
                client, annotations_url, {"geometry": geometry, "properties": properties}
            ).status_code
            == 201
        )
    exported = client.get(f"/api/case-slides/{case_slide.uuid}/annotations/export/").json()
    assert exported["type"] == "FeatureCollection" and len(exported["features"]) == 3
    assert all(f["properties"]["objectType"] == "annotation" for f in exported["features"])
    before = sorted(
        (json.dumps(a["geometry"], sort_keys=True), json.dumps(a["properties"], sort_keys=True))
        for a in client.get(annotations_url).json()
    )
    for annotation in client.get(annotations_url).json():
        client.delete(f"/api/annotations/{annotation['uuid']}/?version={annotation['version']}")
    imported = _post(client, f"/api/case-slides/{case_slide.uuid}/annotations/import/", exported)
    assert imported.status_code == 200 and imported.json() == {"added": 3, "skipped": []}
    after = sorted(
        (json.dumps(a["geometry"], sort_keys=True), json.dumps(a["properties"], sort_keys=True))
        for a in client.get(annotations_url).json()
    )
    assert after == before


def test_trainees_read_but_cannot_write(client, trainee, annotations_url):
    client.force_login(trainee)
    assert client.get(annotations_url).status_code == 200
    response = _post(
        client, annotations_url, {"geometry": SQUARE, "properties": {"kind": "polygon"}}
    )
    assert response.status_code == 404


def test_tour_round_trip_and_conflict(client, educator, trainee, case_slide):
    client.force_login(educator)
    url = f"/api/case-slides/{case_slide.uuid}/tour/"
    stops = [{"center_x": 100, "center_y": 80, "view_width": 400, "rotation": 0, "text": "Start"}]
    saved = _put(client, url, {"version": 0, "stops": stops})
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert _put(client, url, {"version": 0, "stops": stops}).status_code == 409
    client.force_login(trainee)
    assert client.get(url).json()["stops"][0]["text"] == "Start"
