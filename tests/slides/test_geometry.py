"""Annotation shapes: what is refused (and how it is said), normalisation, measurements."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, shape

from slides.geometry import (
    ALLOWED_TYPES,
    DEFAULT_COLOUR,
    MAX_VERTICES,
    NO_PIXEL_SIZE,
    GeometryError,
    area_um2,
    bounds,
    centroid,
    check_kind_matches,
    distance_um,
    ellipse_polygon,
    length_um,
    validate_annotation,
    validate_geometry,
    validate_properties,
)

WIDTH, HEIGHT = 20000, 15000
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}


def validate(geometry: object, **kwargs: int) -> dict:
    return validate_geometry(geometry, width=WIDTH, height=HEIGHT, **kwargs)


def refusal(geometry: object, **kwargs: int) -> str:
    with pytest.raises(GeometryError) as caught:
        validate(geometry, **kwargs)
    return str(caught.value)


def square(x: float, y: float, size: float) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


# --- refusals -------------------------------------------------------------------------------


def test_a_self_intersecting_bow_tie_is_refused_saying_where():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
    assert refusal(bow_tie) == "The polygon crosses itself near (5, 5)."


def test_a_ring_touching_itself_is_refused():
    figure_eight = [[0, 0], [4, 0], [4, 4], [2, 0], [0, 4], [0, 0]]
    assert "crosses itself near (2, 0)" in refusal(
        {"type": "Polygon", "coordinates": [figure_eight]}
    )


def test_a_hole_outside_its_outline_is_refused():
    outline = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[20, 20], [21, 20], [21, 21], [20, 20]]
    message = refusal({"type": "Polygon", "coordinates": [outline, hole]})
    assert message == "A hole lies outside the outline of its polygon near (20, 20)."


def test_overlapping_parts_of_a_multipolygon_are_refused():
    parts = [square(0, 0, 10)["coordinates"], square(5, 5, 10)["coordinates"]]
    assert "crosses itself" in refusal({"type": "MultiPolygon", "coordinates": parts})


def test_a_polygon_without_area_is_refused():
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}
    assert refusal(flat).startswith("The polygon crosses itself")
    assert "too few distinct corners" in refusal(
        {"type": "Polygon", "coordinates": [[[3, 3], [3, 3], [3, 3], [3, 3]]]}
    )


def test_a_point_outside_the_slide_is_refused_with_the_slide_size():
    message = refusal({"type": "Point", "coordinates": [20100, 5]})
    assert message == "Point (20100, 5) lies outside the slide (20000 × 15000 pixels)."


@pytest.mark.parametrize("position", [[-0.5, 3], [3, -1], [WIDTH + 0.01, 3], [3, HEIGHT + 1]])
def test_every_side_of_the_slide_is_a_bound(position):
    assert "lies outside the slide" in refusal({"type": "Point", "coordinates": position})


def test_a_polygon_vertex_outside_the_slide_is_refused():
    assert "Point (20001, 0) lies outside" in refusal(square(19991, 0, 10))


def test_the_edges_of_the_slide_are_inside():
    assert validate({"type": "Point", "coordinates": [WIDTH, HEIGHT]})["coordinates"] == [
        20000.0,
        15000.0,
    ]
    assert validate(square(0, 0, 10))["type"] == "Polygon"


def test_an_unsupported_type_is_refused_naming_the_allowed_ones():
    message = refusal({"type": "Circle", "coordinates": [1, 2]})
    assert message == (
        "Shapes of type 'Circle' are not supported; "
        "use Point, MultiPoint, LineString, Polygon or MultiPolygon."
    )
    assert "GeometryCollection" in refusal({"type": "GeometryCollection", "geometries": []})


@pytest.mark.parametrize("geometry", [None, [1, 2], "Point", 42])
def test_something_that_is_not_a_geometry_object_is_refused(geometry):
    assert refusal(geometry) == "The shape must be a GeoJSON geometry object."


def test_a_shape_without_type_or_coordinates_is_refused():
    assert refusal({"coordinates": [1, 2]}).startswith("The shape has no type")
    assert refusal({"type": "Point"}) == "The shape has no coordinates."


def test_extra_keys_on_the_geometry_are_refused_not_dropped():
    message = refusal({"type": "Point", "coordinates": [1, 2], "bbox": [1, 2, 1, 2], "crs": 1})
    assert message == "The shape has unexpected keys: bbox, crs."


def test_an_unclosed_ring_is_refused_saying_where_it_starts_and_ends():
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10]]]}
    assert refusal(open_ring) == (
        "The polygon's outline is not closed: it starts at (0, 0) but ends at (0, 10)."
    )


def test_an_unclosed_hole_is_named_as_a_hole():
    outline = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[2, 2], [4, 2], [4, 4], [2, 4]]
    assert refusal({"type": "Polygon", "coordinates": [outline, hole]}).startswith(
        "Hole 1 of the polygon is not closed"
    )


def test_a_ring_needs_four_positions():
    triangle_unclosed = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [0, 0]]]}
    assert "has 3 positions; at least 4 are needed" in refusal(triangle_unclosed)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad):
    assert "finite numbers" in refusal({"type": "Point", "coordinates": [bad, 5]})
    assert "finite numbers" in refusal({"type": "LineString", "coordinates": [[1, 1], [2, bad]]})


@pytest.mark.parametrize("bad", ["12", None, True, [1], {"x": 1}])
def test_only_numbers_are_coordinates(bad):
    message = refusal({"type": "Point", "coordinates": [bad, 5]})
    assert "is not a number" in message


def test_a_huge_integer_is_refused_not_crashed_on():
    assert "far too large" in refusal({"type": "Point", "coordinates": [10**400, 5]})


def test_a_third_coordinate_is_refused_not_dropped():
    assert refusal({"type": "Point", "coordinates": [1, 2, 3]}) == (
        "The position [1, 2, 3] has 3 numbers; positions must be exactly [x, y]."
    )
    assert "has 3 numbers" in refusal(
        {"type": "Polygon", "coordinates": [[[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 0, 0]]]}
    )


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": []},
        {"type": "MultiPoint", "coordinates": []},
        {"type": "LineString", "coordinates": []},
        {"type": "Polygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "Polygon", "coordinates": None},
    ],
)
def test_empty_coordinates_are_refused(geometry):
    assert refusal(geometry) == "The shape has no coordinates."


def test_empty_parts_are_refused():
    assert refusal({"type": "Polygon", "coordinates": [[]]}) == "The polygon's outline is empty."
    assert refusal({"type": "MultiPolygon", "coordinates": [[]]}) == (
        "The polygon's list of outlines is empty."
    )


def test_a_line_needs_two_different_points():
    message = refusal({"type": "LineString", "coordinates": [[3, 3], [3, 3], [3, 3]]})
    assert message == "A line needs at least two different points."
    assert "at least two" in refusal({"type": "LineString", "coordinates": [[3, 3]]})


def test_wrongly_nested_coordinates_are_refused():
    assert "must be a pair of numbers" in refusal({"type": "LineString", "coordinates": [1, 2]})
    assert "must be a list" in refusal({"type": "Polygon", "coordinates": [1]})


def test_too_many_vertices_are_refused_with_the_count():
    line = {"type": "LineString", "coordinates": [[1, 1], [2, 2]] * 6000}
    assert refusal(line) == "The shape has 12,000 vertices; at most 10,000 are allowed."
    assert refusal(square(0, 0, 10), max_vertices=4) == (
        "The shape has 5 vertices; at most 4 are allowed."
    )


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "LineString", "coordinates": [[1.0, 1.0]] * 1_000_000},
        {"type": "MultiPoint", "coordinates": [[1.0, 1.0]] * 1_000_000},
        {"type": "Polygon", "coordinates": [[[1.0, 1.0]] * 1_000_000]},
        {"type": "Polygon", "coordinates": [[[1.0, 1.0]] * 4] * 250_000},
        {"type": "MultiPolygon", "coordinates": [[[[1.0, 1.0]] * 10]] * 100_000},
        {"type": "MultiPolygon", "coordinates": [[[["x"]] * 10]] * 100_000},
    ],
    ids=["line", "multipoint", "one-ring", "many-rings", "many-polygons", "malformed"],
)
def test_a_million_vertices_are_refused_within_50_ms(geometry):
    started = time.perf_counter()
    with pytest.raises(GeometryError, match="vertices; at most 10,000 are allowed"):
        validate(geometry)
    assert time.perf_counter() - started < 0.05


def test_the_limit_itself_is_allowed():
    ring = ellipse_polygon(8000, 6000, 5000, 3000, segments=MAX_VERTICES - 1)["coordinates"][0]
    assert len(validate({"type": "Polygon", "coordinates": [ring]})["coordinates"][0]) == (
        MAX_VERTICES
    )


# --- normalisation --------------------------------------------------------------------------


def test_coordinates_become_floats_rounded_to_two_decimals():
    result = validate({"type": "LineString", "coordinates": [[1, 2], [3.14159, 2.71828]]})
    assert result == {"type": "LineString", "coordinates": [[1.0, 2.0], [3.14, 2.72]]}
    assert all(isinstance(c, float) for position in result["coordinates"] for c in position)


def test_normalisation_copies_and_turns_tuples_into_lists():
    original = {"type": "Polygon", "coordinates": [[(0, 0), (10, 0), (10, 10), (0, 0)]]}
    result = validate(original)
    assert result["coordinates"] == [[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 0.0]]]
    assert original["coordinates"][0][0] == (0, 0)  # the input is left alone


def test_minus_zero_is_stored_as_zero():
    x, _ = validate({"type": "Point", "coordinates": [-0.001, 0]})["coordinates"]
    assert x == 0 and math.copysign(1, x) == 1


def test_far_away_points_are_described_briefly():
    message = refusal({"type": "Point", "coordinates": [1e300, 5]})
    assert message == "Point (1e+300, 5) lies outside the slide (20000 × 15000 pixels)."


def test_validity_is_judged_after_rounding():
    # Two corners 0.001 px apart become one after rounding: the stored shape must still be valid.
    sliver = [[0, 0], [10, 0], [10.001, 0], [10, 10], [0, 0]]
    result = validate({"type": "Polygon", "coordinates": [sliver]})
    assert shape(result).is_valid


def test_holes_and_multipolygons_are_kept():
    outline = square(0, 0, 100)["coordinates"][0]
    hole = [[10, 10], [10, 20], [20, 20], [20, 10], [10, 10]]
    polygon = {"type": "Polygon", "coordinates": [outline, hole]}
    assert len(validate(polygon)["coordinates"]) == 2
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[outline, hole], square(200, 0, 5)["coordinates"]],
    }
    assert validate(multi)["coordinates"][1][0][2] == [205.0, 5.0]


def test_validating_twice_changes_nothing():
    once = validate(ellipse_polygon(1000.123, 500.456, 300.5, 120.25))
    assert validate(once) == once


# --- properties -----------------------------------------------------------------------------


def test_properties_are_normalised_with_defaults():
    assert validate_properties({"kind": "polygon", "label": "  Gland \n"}) == {
        "label": "Gland",
        "colour": DEFAULT_COLOUR,
        "note": "",
        "kind": "polygon",
    }
    assert validate_properties(
        {"kind": "arrow", "colour": "#AABBCC", "note": " keep spacing ", "label": None}
    ) == {"label": "", "colour": "#aabbcc", "note": " keep spacing ", "kind": "arrow"}


def test_unknown_property_keys_are_refused_by_name():
    with pytest.raises(GeometryError) as caught:
        validate_properties({"kind": "point", "size": 3, "author": "x"})
    assert str(caught.value) == (
        "Unknown annotation properties: author, size. Allowed: colour, kind, label, note."
    )


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({}, "The annotation needs a kind"),
        (None, "The annotation needs a kind"),
        ({"kind": "circle"}, "'circle' is not a kind of annotation"),
        ({"kind": "point", "colour": "red"}, "is not of the form #rrggbb"),
        ({"kind": "point", "colour": "#12345"}, "is not of the form #rrggbb"),
        ({"kind": "point", "colour": "#1234567"}, "is not of the form #rrggbb"),
        ({"kind": "point", "label": "x" * 201}, "The label has 201 characters; at most 200"),
        ({"kind": "point", "label": 5}, "The label must be text."),
        ({"kind": "point", "note": "x" * 5001}, "The note has 5,001 characters; at most 5,000"),
        ([("kind", "point")], "must be an object"),
    ],
)
def test_bad_properties_are_refused(properties, message):
    with pytest.raises(GeometryError, match=message):
        validate_properties(properties)


def test_a_label_is_measured_after_stripping():
    assert validate_properties({"kind": "point", "label": " " + "x" * 200 + " "})["label"] == (
        "x" * 200
    )


@pytest.mark.parametrize(
    ("kind", "geometry_type"),
    [
        ("point", "Point"),
        ("point", "MultiPoint"),
        ("line", "LineString"),
        ("arrow", "LineString"),
        ("rectangle", "Polygon"),
        ("ellipse", "Polygon"),
        ("polygon", "MultiPolygon"),
        ("freehand", "Polygon"),
    ],
)
def test_kinds_accept_their_geometry_types(kind, geometry_type):
    check_kind_matches(kind, geometry_type)


@pytest.mark.parametrize(
    ("kind", "geometry_type"),
    [("point", "Polygon"), ("line", "Point"), ("rectangle", "MultiPolygon"), ("arrow", "Polygon")],
)
def test_kinds_refuse_other_geometry_types(kind, geometry_type):
    with pytest.raises(GeometryError, match=f"kind '{kind}' must be a .*not a {geometry_type}"):
        check_kind_matches(kind, geometry_type)


def test_an_annotation_is_validated_as_a_whole():
    geometry, properties = validate_annotation(
        square(0, 0, 10), {"kind": "rectangle", "colour": "#FF0000"}, width=100, height=100
    )
    assert geometry["coordinates"][0][2] == [10.0, 10.0]
    assert properties["colour"] == "#ff0000"
    with pytest.raises(GeometryError, match="kind 'line' must be a LineString"):
        validate_annotation(square(0, 0, 10), {"kind": "line"}, width=100, height=100)
    with pytest.raises(GeometryError, match="outside the slide"):
        validate_annotation(square(0, 0, 10), {"kind": "rectangle"}, width=5, height=100)


# --- measurements ---------------------------------------------------------------------------

LINE_100_PX = {"type": "LineString", "coordinates": [[10.0, 20.0], [110.0, 20.0]]}


def test_a_horizontal_line_scales_by_mpp_x_only():
    assert length_um(LINE_100_PX, 0.5, 3.0) == pytest.approx(50.0)


def test_a_vertical_line_scales_by_mpp_y_only():
    vertical = {"type": "LineString", "coordinates": [[5.0, 0.0], [5.0, 100.0]]}
    assert length_um(vertical, 3.0, 0.25) == pytest.approx(25.0)


def test_a_diagonal_line_with_anisotropic_pixels():
    diagonal = {"type": "LineString", "coordinates": [[0.0, 0.0], [30.0, 40.0], [30.0, 50.0]]}
    assert length_um(diagonal, 0.5, 0.25) == pytest.approx(math.hypot(15, 10) + 2.5)


def test_a_square_area_in_square_micrometres():
    assert area_um2(square(0, 0, 10), 0.25, 0.25) == pytest.approx(6.25)
    assert area_um2(square(0, 0, 10), 0.5, 0.25) == pytest.approx(12.5)


def test_holes_do_not_count_towards_area():
    outline = square(0, 0, 10)["coordinates"][0]
    hole = [[2, 2], [2, 4], [4, 4], [4, 2], [2, 2]]
    polygon = {"type": "Polygon", "coordinates": [outline, hole]}
    assert area_um2(polygon, 1.0, 1.0) == pytest.approx(96.0)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[outline, hole], square(20, 0, 1)["coordinates"]],
    }
    assert area_um2(multi, 1.0, 2.0) == pytest.approx(194.0)


def test_distance_with_anisotropic_pixels():
    assert distance_um((0, 0), (30, 40), 0.5, 0.25) == pytest.approx(math.hypot(15, 10))
    assert distance_um((7, 7), (7, 7), 0.5, 0.25) == 0


@pytest.mark.parametrize("mpp", [(None, 0.25), (0.25, None), (None, None)])
def test_no_pixel_size_means_no_measurement(mpp):
    for measure in (
        lambda: length_um(LINE_100_PX, *mpp),
        lambda: area_um2(square(0, 0, 10), *mpp),
        lambda: distance_um((0, 0), (1, 1), *mpp),
    ):
        with pytest.raises(GeometryError) as caught:
            measure()
        assert str(caught.value) == NO_PIXEL_SIZE


def test_lengths_and_areas_only_of_their_shapes():
    with pytest.raises(GeometryError, match="Only lines have a length; this shape is a Polygon"):
        length_um(square(0, 0, 10), 1, 1)
    with pytest.raises(GeometryError, match="Only polygons have an area"):
        area_um2(LINE_100_PX, 1, 1)


def test_centroid_and_bounds_are_in_pixels():
    assert centroid(square(10, 20, 10)) == pytest.approx((15.0, 25.0))
    assert centroid({"type": "Point", "coordinates": [3.0, 4.0]}) == (3.0, 4.0)
    assert bounds(LINE_100_PX) == (10.0, 20.0, 110.0, 20.0)
    assert bounds(square(10, 20, 10)) == (10.0, 20.0, 20.0, 30.0)


def test_ellipse_polygon_is_closed_valid_and_close_to_the_true_area():
    ellipse = ellipse_polygon(500, 400, 100, 50)
    ring = ellipse["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 65
    assert validate(ellipse) == ellipse
    assert area_um2(ellipse, 1, 1) == pytest.approx(math.pi * 100 * 50, rel=0.01)
    assert bounds(ellipse) == pytest.approx((400, 350, 600, 450), abs=0.5)
    with pytest.raises(ValueError):
        ellipse_polygon(0, 0, 1, 1, segments=2)
    with pytest.raises(ValueError):
        ellipse_polygon(0, 0, 0, 1)


# --- properties of all valid shapes (hypothesis) --------------------------------------------

coordinate_x = st.floats(min_value=0, max_value=WIDTH, allow_nan=False)
coordinate_y = st.floats(min_value=0, max_value=HEIGHT, allow_nan=False)
positions = st.tuples(coordinate_x, coordinate_y)


@st.composite
def star_polygons(draw: st.DrawFn) -> dict:
    """Star-shaped (hence simple) polygons around a centre, already rounded like stored ones."""
    count = draw(st.integers(min_value=3, max_value=40))
    cx = draw(st.floats(min_value=600, max_value=WIDTH - 600))
    cy = draw(st.floats(min_value=600, max_value=HEIGHT - 600))
    radii = draw(st.lists(st.floats(min_value=5, max_value=500), min_size=count, max_size=count))
    jitter = draw(st.lists(st.floats(min_value=0, max_value=0.5), min_size=count, max_size=count))
    ring = []
    for i, (radius, shift) in enumerate(zip(radii, jitter, strict=True)):
        angle = 2 * math.pi * (i + shift) / count
        ring.append(
            [round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)]
        )
    ring.append(list(ring[0]))
    assume(Polygon(ring).is_valid and Polygon(ring).area > 0)
    return {"type": "Polygon", "coordinates": [ring]}


@given(star_polygons())
def test_valid_polygons_inside_the_slide_validate_unchanged(polygon):
    result = validate(polygon)
    assert result == polygon
    assert validate(result) == result


@given(st.lists(positions, min_size=1, max_size=50))
def test_points_inside_the_slide_validate_and_round_trip(points):
    result = validate({"type": "MultiPoint", "coordinates": [list(p) for p in points]})
    assert len(result["coordinates"]) == len(points)
    for (x, y), stored in zip(points, result["coordinates"], strict=True):
        assert stored == [pytest.approx(x, abs=0.005), pytest.approx(y, abs=0.005)]
    assert validate(result) == result


@given(positions, positions, positions)
def test_random_positions_validate_as_a_line_unless_all_equal(a, b, c):
    line = {"type": "LineString", "coordinates": [list(a), list(b), list(c)]}
    try:
        result = validate(line)
    except GeometryError as error:
        assert str(error) == "A line needs at least two different points."
    else:
        assert validate(result) == result


mpps = st.floats(min_value=0.05, max_value=10)
shifts = st.integers(min_value=-500, max_value=500)


@given(star_polygons(), shifts, shifts, mpps, mpps)
def test_areas_do_not_change_when_the_shape_moves(polygon, dx, dy, mpp_x, mpp_y):
    moved = {
        "type": "Polygon",
        "coordinates": [[[x + dx, y + dy] for x, y in ring] for ring in polygon["coordinates"]],
    }
    assert area_um2(moved, mpp_x, mpp_y) == pytest.approx(area_um2(polygon, mpp_x, mpp_y))
    assert area_um2(polygon, mpp_x, mpp_y) == pytest.approx(shape(polygon).area * mpp_x * mpp_y)


@given(st.lists(positions, min_size=2, max_size=20), shifts, shifts, mpps, mpps)
def test_lengths_do_not_change_when_the_line_moves(points, dx, dy, mpp_x, mpp_y):
    line = {"type": "LineString", "coordinates": [list(p) for p in points]}
    moved = {"type": "LineString", "coordinates": [[x + dx, y + dy] for x, y in points]}
    expected = sum(
        distance_um(a, b, mpp_x, mpp_y) for a, b in zip(points, points[1:], strict=False)
    )
    assert length_um(line, mpp_x, mpp_y) == pytest.approx(expected)
    assert length_um(moved, mpp_x, mpp_y) == pytest.approx(expected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
near_numbers = st.integers(-5, 30) | st.floats(-5, 30)
near_positions = st.lists(near_numbers, min_size=1, max_size=3)
rings = st.lists(near_positions | json_values, max_size=6)
any_coordinates = (
    json_values
    | near_positions
    | st.lists(near_positions, max_size=6)
    | st.lists(rings, max_size=3)
    | st.lists(st.lists(rings, max_size=3), max_size=3)
)


@settings(max_examples=200)
@given(st.sampled_from(ALLOWED_TYPES), any_coordinates)
def test_any_json_is_accepted_or_refused_never_crashed_on(geometry_type, coordinates):
    try:
        result = validate_geometry(
            {"type": geometry_type, "coordinates": coordinates}, width=20, height=20
        )
    except GeometryError:
        return
    assert validate_geometry(result, width=20, height=20) == result


@given(json_values)
def test_any_json_properties_are_accepted_or_refused_never_crashed_on(properties):
    try:
        validate_properties(properties)
    except GeometryError:
        pass
