"""Exchanging annotations with QuPath as GeoJSON: round trips, QuPath's own files, bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slides.geometry import DEFAULT_COLOUR, GeometryError, ellipse_polygon, validate_annotation
from slides.qupath import (
    MAX_FEATURES,
    METADATA_KIND,
    METADATA_NOTE,
    ImportResult,
    from_geojson,
    infer_kind,
    to_feature_collection,
    to_web_annotations,
)

WIDTH, HEIGHT = 20000, 15000
RECTANGLE = [[100.0, 200.0], [300.0, 200.0], [300.0, 260.0], [100.0, 260.0], [100.0, 200.0]]
TRIANGLE = [[500.0, 500.0], [700.25, 520.5], [600.0, 650.0], [500.0, 500.0]]

EVERY_KIND = [
    ({"type": "Point", "coordinates": [10.5, 20.25]}, {"kind": "point", "label": "Mitosis"}),
    (
        {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]},
        {"kind": "point", "label": "Lymphocytes", "colour": "#00ff00"},
    ),
    (
        {"type": "LineString", "coordinates": [[0.0, 0.0], [100.0, 50.0], [150.0, 50.0]]},
        {"kind": "line", "note": "Measure the invasion depth\nfrom here."},
    ),
    (
        {"type": "LineString", "coordinates": [[10.0, 10.0], [40.0, 40.0]]},
        {"kind": "arrow", "label": "Look", "colour": "#FF00AA", "note": "  spaced  "},
    ),
    ({"type": "Polygon", "coordinates": [RECTANGLE]}, {"kind": "rectangle", "label": "Field"}),
    (ellipse_polygon(5000, 4000, 300, 120), {"kind": "ellipse", "label": "Granuloma"}),
    (
        {"type": "Polygon", "coordinates": [TRIANGLE]},
        {"kind": "polygon", "label": "Tumour: invasive front", "colour": "#123456"},
    ),
    ({"type": "Polygon", "coordinates": [RECTANGLE]}, {"kind": "freehand", "label": ""}),
    (
        {"type": "MultiPolygon", "coordinates": [[RECTANGLE], [TRIANGLE]]},
        {"kind": "polygon", "label": "Nests", "note": "Two nests."},
    ),
]


def validated(pairs: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    return [validate_annotation(g, p, width=WIDTH, height=HEIGHT) for g, p in pairs]


def feature(geometry: dict | None, **properties: object) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def import_(data: object, **kwargs: int) -> ImportResult:
    return from_geojson(data, width=WIDTH, height=HEIGHT, **kwargs)


# --- round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair", EVERY_KIND, ids=[p["kind"] + "-" + g["type"] for g, p in EVERY_KIND]
)
def test_export_then_import_gives_back_the_same_annotation(pair):
    annotations = validated([pair])
    exported = json.loads(json.dumps(to_feature_collection(annotations)))
    result = import_(exported)
    assert result.skipped == []
    assert result.annotations == annotations


def test_a_whole_collection_round_trips_in_order_through_json_text():
    annotations = validated(EVERY_KIND)
    result = import_(json.dumps(to_feature_collection(annotations)))
    assert result == ImportResult(annotations=annotations, skipped=[])


def test_the_export_is_what_qupath_reads():
    geometry, properties = validated([EVERY_KIND[6]])[0]
    collection = to_feature_collection([(geometry, properties)])
    assert collection["type"] == "FeatureCollection"
    (exported,) = collection["features"]
    assert exported["type"] == "Feature"
    assert exported["geometry"] == geometry and exported["geometry"] is not geometry
    assert exported["properties"] == {
        "objectType": "annotation",
        "name": "Tumour: invasive front",
        "classification": {"name": "Tumour: invasive front", "color": [0x12, 0x34, 0x56]},
        "color": [0x12, 0x34, 0x56],
        "metadata": {METADATA_KIND: "polygon"},
    }


def test_an_unlabelled_annotation_is_exported_unclassified_with_its_note_as_description():
    pair = ({"type": "Point", "coordinates": [1, 1]}, {"kind": "point", "note": "Why?"})
    (exported,) = to_feature_collection(validated([pair]))["features"]
    properties = exported["properties"]
    assert "classification" not in properties and "name" not in properties
    assert properties["color"] == [0x1F, 0x77, 0xB4]
    assert properties["metadata"] == {METADATA_KIND: "point", METADATA_NOTE: "Why?"}


def test_an_empty_export_is_an_empty_collection():
    assert to_feature_collection([]) == {"type": "FeatureCollection", "features": []}
    assert import_(to_feature_collection([])) == ImportResult(annotations=[], skipped=[])


labels = st.text(max_size=30).filter(lambda text: text == text.strip())
colours = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
notes = st.text(max_size=200)


@given(labels, colours, notes, st.sampled_from(EVERY_KIND))
def test_any_properties_survive_the_round_trip(label, colour, note, pair):
    geometry, properties = pair
    annotations = validated(
        [(geometry, {**properties, "label": label, "colour": colour, "note": note})]
    )
    assert import_(json.dumps(to_feature_collection(annotations))).annotations == annotations


# --- QuPath's own files ---------------------------------------------------------------------

QUPATH_EXPORT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "0b4e8c4c-3c55-4d8e-9f8a-4a2a0c6c1d2e",
            "geometry": {"type": "Polygon", "coordinates": [RECTANGLE]},
            "properties": {
                "objectType": "annotation",
                "classification": {"name": "Tumor", "color": [200, 0, 0]},
                "isLocked": True,
                "measurements": {"Area µm^2": 3000.0},
            },
        },
        {
            "type": "Feature",
            "id": "6f1d2a7e-64a4-4a8e-8c38-0f5dbb5b9a11",
            "geometry": {"type": "Polygon", "coordinates": [TRIANGLE]},
            "properties": {
                "objectType": "annotation",
                "name": "Invasive front",
                "classification": {"name": "Stroma", "colorRGB": -16776961},
                "metadata": {METADATA_NOTE: "Desmoplastic."},
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [TRIANGLE]},
            "properties": {"objectType": "detection", "classification": {"name": "Tumor"}},
        },
        {
            "type": "Feature",
            "geometry": {"type": "MultiPoint", "coordinates": [[1, 1], [5.556, 5]]},
            "properties": {"objectType": "annotation", "color": -65536},
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[RECTANGLE], [TRIANGLE]],
            },
            "properties": {
                "objectType": "annotation",
                "classification": {"names": ["Tumor", "Positive"], "color": [10, 20, 30, 128]},
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [10, 10]]},
            "properties": {"objectType": "cell"},
        },
    ],
}


def test_a_qupath_export_is_imported_and_its_detections_skipped():
    result = import_(QUPATH_EXPORT)
    assert result.skipped == [
        "feature 3: objectType 'detection' is not an annotation.",
        "feature 6: objectType 'cell' is not an annotation.",
    ]
    assert [properties for _, properties in result.annotations] == [
        {"label": "Tumor", "colour": "#c80000", "note": "", "kind": "rectangle"},
        {
            "label": "Invasive front",
            "colour": "#0000ff",
            "note": "Desmoplastic.",
            "kind": "polygon",
        },
        {"label": "", "colour": "#ff0000", "note": "", "kind": "point"},
        {"label": "Tumor: Positive", "colour": "#0a141e", "note": "", "kind": "polygon"},
    ]
    multipoint = result.annotations[2][0]
    assert multipoint == {"type": "MultiPoint", "coordinates": [[1.0, 1.0], [5.56, 5.0]]}
    assert result.annotations[3][0]["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ([255, 128, 0], "#ff8000"),
        ([255, 128, 0, 64], "#ff8000"),
        (-16776961, "#0000ff"),  # Java's signed ARGB: opaque blue
        (-65536, "#ff0000"),
        (-1, "#ffffff"),
        (0xFF00FF00, "#00ff00"),  # unsigned ARGB
        (0x336699, "#336699"),  # plain RGB
        ([-16711936], "#00ff00"),  # QuPath accepts a one-element packed array
    ],
)
def test_qupath_colours_in_every_spelling(colour, expected):
    polygon = {"type": "Polygon", "coordinates": [TRIANGLE]}
    from_class = import_(feature(polygon, classification={"name": "X", "color": colour}))
    from_object = import_(feature(polygon, color=colour))
    assert from_class.annotations[0][1]["colour"] == expected
    assert from_object.annotations[0][1]["colour"] == expected


def test_the_object_colour_wins_over_the_class_colour():
    polygon = {"type": "Polygon", "coordinates": [TRIANGLE]}
    data = feature(polygon, color=[1, 2, 3], classification={"name": "T", "color": [9, 9, 9]})
    assert import_(data).annotations[0][1]["colour"] == "#010203"


def test_without_any_colour_the_default_is_used():
    result = import_(feature({"type": "Point", "coordinates": [1, 1]}, objectType="annotation"))
    assert result.annotations[0][1]["colour"] == DEFAULT_COLOUR


@pytest.mark.parametrize("colour", [[256, 0, 0], [1, 2], "red", 2**40, [1.5, 2, 3], True])
def test_a_bad_colour_skips_the_feature_with_a_reason(colour):
    result = import_(feature({"type": "Point", "coordinates": [1, 1]}, color=colour))
    assert result.annotations == []
    assert result.skipped[0].startswith("feature 1: The colour ")
    assert result.skipped[0].endswith("is not an RGB colour.")


def test_a_bare_list_of_features_is_accepted():
    features = QUPATH_EXPORT["features"][:2]
    result = import_(features)
    assert [p["label"] for _, p in result.annotations] == ["Tumor", "Invasive front"]


def test_a_single_feature_is_accepted():
    result = import_(QUPATH_EXPORT["features"][1])
    assert len(result.annotations) == 1 and result.skipped == []


def test_a_feature_without_properties_is_an_annotation():
    result = import_({"type": "Feature", "geometry": {"type": "Point", "coordinates": [3, 4]}})
    assert result.annotations == [
        (
            {"type": "Point", "coordinates": [3.0, 4.0]},
            {"label": "", "colour": DEFAULT_COLOUR, "note": "", "kind": "point"},
        )
    ]


def test_qupath_0_2_object_types_in_the_id_are_understood():
    point = {"type": "Point", "coordinates": [3, 4]}
    detection = {**feature(point), "id": "PathDetectionObject"}
    annotation = {**feature(point, name="Old"), "id": "PathAnnotationObject"}
    result = import_([detection, annotation])
    assert result.skipped == ["feature 1: objectType 'detection' is not an annotation."]
    assert [p["label"] for _, p in result.annotations] == ["Old"]


def test_a_classification_given_as_plain_text_is_the_label():
    result = import_(feature({"type": "Point", "coordinates": [3, 4]}, classification="Tumor"))
    assert result.annotations[0][1]["label"] == "Tumor"


def test_the_name_wins_over_the_classification_and_is_stripped():
    data = feature({"type": "Point", "coordinates": [3, 4]}, name=" Cell A ", classification="T")
    assert import_(data).annotations[0][1]["label"] == "Cell A"
    blank = feature({"type": "Point", "coordinates": [3, 4]}, name="  ", classification="T")
    assert import_(blank).annotations[0][1]["label"] == "T"


@pytest.mark.parametrize(
    ("ring", "kind"),
    [
        (RECTANGLE, "rectangle"),
        (list(reversed(RECTANGLE)), "rectangle"),
        ([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], "rectangle"),
        ([[0, 0], [10, 1], [10, 10], [0, 10], [0, 0]], "polygon"),  # not axis-aligned
        ([[0, 0], [5, 0], [10, 0], [10, 10], [0, 0]], "polygon"),  # four positions, a triangle
        ([[5, 0], [10, 5], [5, 10], [0, 5], [5, 0]], "polygon"),  # a diamond
        (TRIANGLE, "polygon"),
    ],
)
def test_kinds_are_inferred_when_qupath_did_not_keep_ours(ring, kind):
    geometry = {"type": "Polygon", "coordinates": [ring]}
    assert import_(feature(geometry)).annotations[0][1]["kind"] == kind


def test_inferred_kinds_of_points_lines_and_holes():
    assert infer_kind({"type": "Point", "coordinates": [1, 1]}) == "point"
    assert infer_kind({"type": "MultiPoint", "coordinates": [[1, 1]]}) == "point"
    assert infer_kind({"type": "LineString", "coordinates": [[1, 1], [2, 2]]}) == "line"
    hole = [[110.0, 210.0], [120.0, 210.0], [120.0, 220.0], [110.0, 210.0]]
    assert infer_kind({"type": "Polygon", "coordinates": [RECTANGLE, hole]}) == "polygon"
    assert infer_kind({"type": "MultiPolygon", "coordinates": [[RECTANGLE]]}) == "polygon"


def test_a_kind_that_no_longer_fits_the_shape_is_inferred_again():
    line = {"type": "LineString", "coordinates": [[0, 0], [10, 10]]}
    data = feature(line, metadata={METADATA_KIND: "rectangle"})
    assert import_(data).annotations[0][1]["kind"] == "line"
    for nonsense in ("circle", 7, ["point"], None):
        data = feature(line, metadata={METADATA_KIND: nonsense})
        assert import_(data).annotations[0][1]["kind"] == "line"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        None,
        42,
        "not json at all",
        b'{"type": ',
        {"type": "Polygon", "coordinates": [RECTANGLE]},
        {"features": []},
        {"type": "Topology"},
    ],
)
def test_what_is_not_geojson_is_refused_as_a_whole(data):
    with pytest.raises(GeometryError) as caught:
        import_(data)
    assert str(caught.value) in (
        "The file is not valid JSON.",
        "The file is not GeoJSON annotations: expected a FeatureCollection, a Feature "
        "or a list of Features.",
    )


def test_a_feature_collection_without_a_feature_list_is_refused():
    with pytest.raises(GeometryError, match="has no list of features"):
        import_({"type": "FeatureCollection", "features": {"a": 1}})


def test_too_many_features_are_refused_before_any_is_validated():
    too_many = [{"type": "Feature"}] * (MAX_FEATURES + 1)
    with pytest.raises(GeometryError) as caught:
        import_(too_many)
    assert (
        str(caught.value) == "The file has 5,001 features; at most 5,000 can be imported at once."
    )
    with pytest.raises(GeometryError, match="The file has 3 features; at most 2"):
        import_({"type": "FeatureCollection", "features": [{}] * 3}, max_features=2)


def test_bad_features_are_skipped_with_numbered_reasons_and_the_rest_kept():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
    good = feature({"type": "Point", "coordinates": [1, 1]}, name="Kept")
    data = [
        good,
        feature(None, objectType="annotation"),
        {"type": "Feature", "properties": {"objectType": "annotation"}},
        "a string",
        {"type": "Polygon", "coordinates": [RECTANGLE]},
        feature(bow_tie),
        feature({"type": "Point", "coordinates": [WIDTH + 1, 0]}),
        feature({"type": "GeometryCollection", "geometries": []}),
        feature({"type": "Point", "coordinates": [1, 1]}, name="x" * 201),
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}, "properties": 5},
        feature({"type": "Point", "coordinates": [1, 1, 0]}),
    ]
    result = import_(data)
    assert [p["label"] for _, p in result.annotations] == ["Kept"]
    assert result.skipped == [
        "feature 2: it has no geometry.",
        "feature 3: it has no geometry.",
        "feature 4: it is not a GeoJSON Feature.",
        "feature 5: it is not a GeoJSON Feature.",
        "feature 6: The polygon crosses itself near (5, 5).",
        "feature 7: Point (20001, 0) lies outside the slide (20000 × 15000 pixels).",
        "feature 8: Shapes of type 'GeometryCollection' are not supported; "
        "use Point, MultiPoint, LineString, Polygon or MultiPolygon.",
        "feature 9: The label has 201 characters; at most 200 are allowed.",
        "feature 10: its properties are not an object.",
        "feature 11: The position [1, 1, 0] has 3 numbers; positions must be exactly [x, y].",
    ]


def test_a_huge_feature_is_skipped_quickly():
    huge = feature({"type": "Polygon", "coordinates": [[[1.0, 1.0]] * 1_000_000]})
    result = import_([huge])
    assert result.skipped == [
        "feature 1: The shape has 1,000,000 vertices; at most 10,000 are allowed."
    ]


# --- web annotations ------------------------------------------------------------------------


def test_web_annotations_carry_the_shape_as_svg_and_the_texts_as_bodies():
    annotations = validated(
        [
            (
                {"type": "Polygon", "coordinates": [RECTANGLE]},
                {"kind": "rectangle", "label": "Field", "note": "Count here."},
            ),
            ({"type": "LineString", "coordinates": [[0, 0], [12345.67, 8]]}, {"kind": "line"}),
            ({"type": "Point", "coordinates": [3, 4]}, {"kind": "point"}),
        ]
    )
    rectangle, line, point = to_web_annotations(annotations, target="https://portal/iiif/abc")
    assert rectangle["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert rectangle["type"] == "Annotation"
    assert rectangle["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "Field"},
        {"type": "TextualBody", "purpose": "commenting", "value": "Count here."},
    ]
    assert rectangle["target"]["source"] == "https://portal/iiif/abc"
    selector = rectangle["target"]["selector"]
    assert selector["type"] == "SvgSelector"
    assert 'd="M100,200 L300,200 L300,260 L100,260 Z"' in selector["value"]
    assert line["body"] == []
    assert 'points="0,0 12345.67,8"' in line["target"]["selector"]["value"]
    assert '<circle cx="3" cy="4"' in point["target"]["selector"]["value"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
property_values = st.fixed_dictionaries(
    {},
    optional={
        "objectType": st.sampled_from(["annotation", "detection"]) | json_values,
        "name": json_values,
        "color": json_values,
        "classification": json_values
        | st.fixed_dictionaries({}, optional={"name": json_values, "color": json_values}),
        "metadata": json_values
        | st.dictionaries(st.sampled_from([METADATA_KIND, METADATA_NOTE]), json_values),
    },
)
geometry_values = json_values | st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon"]),
        "coordinates": json_values,
    }
)


@settings(max_examples=200)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "type": st.just("Feature"),
                "id": json_values,
                "geometry": geometry_values,
                "properties": property_values | json_values,
            }
        )
        | json_values,
        max_size=4,
    )
)
def test_any_json_is_imported_or_explained_never_crashed_on(features):
    result = import_(features)
    assert len(result.annotations) + len(result.skipped) == len(features)
    assert all(reason.startswith("feature ") for reason in result.skipped)
