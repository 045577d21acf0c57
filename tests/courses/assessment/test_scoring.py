"""Automatic scoring: choices, numbers, points on targets, outlines, rulers, facility index."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from courses.assessment.scoring import (
    Score,
    UnscorableError,
    cohort_facility,
    maximum_matching,
    score_measure,
    score_multiple_choice,
    score_numeric,
    score_outline,
    score_points,
    score_single_choice,
)
from slides.geometry import GeometryError, ellipse_polygon

FAST = settings(max_examples=60, deadline=None)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> dict:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def line(*positions: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in positions]}


def translated(geometry: dict, dx: float, dy: float) -> dict:
    def move(coordinates):
        if coordinates and isinstance(coordinates[0], int | float):
            return [coordinates[0] + dx, coordinates[1] + dy]
        return [move(c) for c in coordinates]

    return {"type": geometry["type"], "coordinates": move(geometry["coordinates"])}


def assert_well_formed(score: Score, max_points: float) -> None:
    assert score.max_points == max_points
    assert 0 <= score.fraction <= 1
    assert 0 <= score.points <= score.max_points
    assert score.points == pytest.approx(score.fraction * max_points)
    assert score.feedback
    assert json.loads(json.dumps(score.as_dict())) == score.as_dict()


SQUARE = rectangle(0, 0, 10, 10)

# Strategies: shapes in pixels, pixel sizes that may differ in x and y, or be unknown.
coordinate = st.integers(0, 5000)
mpp = st.floats(0.05, 4, allow_nan=False)
max_points = st.sampled_from([0.0, 1.0, 2.5, 10.0])


@st.composite
def rectangles(draw) -> dict:
    x, y = draw(coordinate), draw(coordinate)
    return rectangle(x, y, x + draw(st.integers(1, 800)), y + draw(st.integers(1, 800)))


@st.composite
def ellipses(draw) -> dict:
    rx, ry = draw(st.integers(2, 500)), draw(st.integers(2, 500))
    return ellipse_polygon(draw(coordinate), draw(coordinate), rx, ry, segments=24)


@st.composite
def two_part_regions(draw) -> dict:
    a, b = draw(rectangles()), draw(rectangles())
    parts = [a["coordinates"], translated(b, 6000, 0)["coordinates"]]  # never overlapping
    return {"type": "MultiPolygon", "coordinates": parts}


regions = st.one_of(rectangles(), ellipses(), two_part_regions())
targets_strategy = st.lists(
    st.one_of(regions, st.builds(point, coordinate, coordinate)), min_size=1, max_size=6
)
positions = st.lists(st.tuples(coordinate, coordinate), max_size=12)


@st.composite
def scribbles(draw) -> dict:
    """Polygons from random corners: often self-intersecting, sometimes degenerate."""
    corners = draw(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=8))
    return {"type": "Polygon", "coordinates": [[list(c) for c in corners] + [list(corners[0])]]}


@st.composite
def pixel_sizes(draw) -> tuple[float | None, float | None]:
    if draw(st.booleans()):
        return None, None
    return draw(mpp), draw(mpp)


# Single choice


def test_the_right_option_scores_full_marks():
    score = score_single_choice("b", "b", 2)
    assert (score.points, score.fraction, score.measures) == (2, 1, {"answered": 1, "correct": 1})


def test_another_option_scores_nothing_and_the_feedback_does_not_name_the_right_one():
    score = score_single_choice("a", "secret-option", 2)
    assert score.points == 0
    assert "secret-option" not in score.feedback


@pytest.mark.parametrize("selected", [None, ""])
def test_no_option_scores_nothing(selected):
    score = score_single_choice(selected, "b", 2)
    assert score.points == 0
    assert score.measures["answered"] == 0


# Multiple choice

OPTIONS = {"a", "b", "c", "d", "e"}


@pytest.mark.parametrize(
    ("selected", "correct", "fraction"),
    [
        ({"a", "b"}, {"a", "b"}, 1),
        ({"a"}, {"a", "b"}, 0.5),
        ({"a", "c"}, {"a", "b"}, 0),  # one wrong pick cancels one right pick
        ({"a", "b", "c"}, {"a", "b", "d"}, 1 / 3),
        ({"c", "d"}, {"a", "b"}, 0),  # never negative
        (OPTIONS, {"a", "b"}, 0),  # ticking everything does not pay
        (OPTIONS, OPTIONS, 1),  # unless everything is right
        (set(), {"a", "b"}, 0),
        (None, {"a", "b"}, 0),
    ],
)
def test_multiple_choice_wrong_picks_cancel_right_ones(selected, correct, fraction):
    score = score_multiple_choice(selected, correct, OPTIONS, 3)
    assert score.fraction == pytest.approx(fraction)
    assert score.points == pytest.approx(3 * fraction)
    assert_well_formed(score, 3)


def test_multiple_choice_counts_right_and_wrong_picks():
    score = score_multiple_choice({"a", "c", "d"}, {"a", "b"}, OPTIONS, 1)
    assert score.measures == {"right": 1, "wrong": 2, "selected": 3, "correct": 2}


def test_multiple_choice_refuses_options_the_question_does_not_offer():
    with pytest.raises(ValueError, match="does not offer: z"):
        score_multiple_choice({"a", "z"}, {"a"}, OPTIONS, 1)


@pytest.mark.parametrize(("correct", "options"), [(set(), OPTIONS), ({"a", "z"}, OPTIONS)])
def test_multiple_choice_without_a_usable_answer_key_is_unscorable(correct, options):
    with pytest.raises(UnscorableError):
        score_multiple_choice({"a"}, correct, options, 1)


@FAST
@given(
    selected=st.sets(st.sampled_from(sorted(OPTIONS))),
    correct=st.sets(st.sampled_from(sorted(OPTIONS)), min_size=1),
    max_points=max_points,
)
def test_multiple_choice_scores_stay_within_the_points_on_offer(selected, correct, max_points):
    assert_well_formed(score_multiple_choice(selected, correct, OPTIONS, max_points), max_points)


# Numeric


@pytest.mark.parametrize(
    ("value", "fraction"),
    [(7.5, 1), (7.0, 1), (8.0, 1), (6.99, 0), (8.01, 0), (None, 0)],
)
def test_a_number_within_the_tolerance_scores_full_marks(value, fraction):
    assert score_numeric(value, 7.5, 0.5, 4).points == 4 * fraction


def test_the_tolerance_boundary_survives_floating_point_noise():
    assert 1.1 - 1.0 > 0.1  # the noise this guards against
    assert score_numeric(1.1, 1.0, 0.1, 1).fraction == 1


def test_a_missing_number_scores_nothing_and_a_non_number_is_refused():
    assert score_numeric(None, 3, 0, 1).measures == {"answered": 0}
    with pytest.raises(ValueError, match="finite number"):
        score_numeric(math.nan, 3, 0, 1)


@pytest.mark.parametrize(("reference", "tolerance"), [(None, 1), (math.inf, 1), (3, -1)])
def test_a_numeric_question_with_unusable_settings_is_unscorable(reference, tolerance):
    with pytest.raises(UnscorableError):
        score_numeric(3, reference, tolerance, 1)


@FAST
@given(
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    reference=st.floats(allow_nan=False, allow_infinity=False),
    tolerance=st.floats(0, 1e6),
    max_points=max_points,
)
def test_numeric_scores_stay_within_the_points_on_offer(value, reference, tolerance, max_points):
    assert_well_formed(score_numeric(value, reference, tolerance, max_points), max_points)


# Points on targets


def points_score(points, targets, tolerance_um=0.0, mpp_x=1.0, mpp_y=1.0, max_points=1.0):
    return score_points(
        points, targets, tolerance_um=tolerance_um, mpp_x=mpp_x, mpp_y=mpp_y, max_points=max_points
    )


def test_two_points_in_the_same_target_count_once():
    score = points_score([(2, 2), (8, 8)], [SQUARE])
    assert (score.measures["hits"], score.measures["placed"]) == (1, 2)
    assert score.fraction == 0.5


def test_one_point_in_the_overlap_of_two_targets_counts_once():
    score = points_score([(7, 7)], [SQUARE, rectangle(5, 5, 15, 15)])
    assert score.measures["hits"] == 1
    assert score.fraction == 0.5


def test_the_matching_finds_the_best_pairing_not_the_first_one():
    # (7, 7) lies in both squares, (2, 2) only in the first: a greedy pairing of the first point
    # with the first square would leave the second point without a target.
    score = points_score([(7, 7), (2, 2)], [SQUARE, rectangle(5, 5, 15, 15)])
    assert score.measures["hits"] == 2
    assert score.fraction == 1


def test_maximum_matching_returns_the_left_vertex_matched_to_each_right_one():
    # Three matchings pair both right vertices; any of them is a maximum one.
    assert maximum_matching([[0, 1], [0], [1]], 2) in ([1, 0], [0, 2], [1, 2])
    assert maximum_matching([[], []], 3) == [None, None, None]
    assert maximum_matching([], 0) == []


def largest_matching_by_brute_force(adjacency: list[list[int]], right_count: int) -> int:
    best = 0
    for rights in itertools.product([None, *range(right_count)], repeat=len(adjacency)):
        chosen = [r for r in rights if r is not None]
        if len(chosen) == len(set(chosen)) and all(
            r is None or r in adjacency[u] for u, r in enumerate(rights)
        ):
            best = max(best, len(chosen))
    return best


@FAST
@given(
    st.integers(0, 4).flatmap(
        lambda right_count: st.tuples(
            st.lists(st.sets(st.integers(0, right_count - 1)).map(sorted), max_size=5)
            if right_count
            else st.lists(st.just([]), max_size=5),
            st.just(right_count),
        )
    )
)
def test_maximum_matching_is_as_large_as_any_matching(graph):
    adjacency, right_count = graph
    owner = maximum_matching(adjacency, right_count)
    pairs = [(left, right) for right, left in enumerate(owner) if left is not None]
    assert all(right in adjacency[left] for left, right in pairs)
    assert len({left for left, _ in pairs}) == len(pairs)
    assert len(pairs) == largest_matching_by_brute_force(adjacency, right_count)


def test_a_point_on_the_edge_of_a_region_hits_it():
    assert points_score([(10, 5)], [SQUARE]).fraction == 1


def test_tolerance_scales_x_and_y_by_their_own_pixel_size():
    target = [point(100, 100)]
    beside = points_score([(110, 100)], target, tolerance_um=5, mpp_x=0.5, mpp_y=2)
    assert beside.measures["distances_um"] == [5.0]  # 10 px × 0.5 µm
    assert beside.fraction == 1
    assert points_score([(110, 100)], target, tolerance_um=4.9, mpp_x=0.5, mpp_y=2).fraction == 0
    below = points_score([(100, 110)], target, tolerance_um=5, mpp_x=0.5, mpp_y=2)
    assert below.measures["distances_um"] == [20.0]  # 10 px × 2 µm
    assert below.fraction == 0


def test_tolerance_reaches_around_a_region():
    near = points_score([(14, 5)], [SQUARE], tolerance_um=2, mpp_x=0.5, mpp_y=0.5)
    assert near.measures["distances_um"] == [2.0]
    assert near.fraction == 1


def test_points_record_each_distance_to_the_nearest_target():
    score = points_score([(5, 5), (13, 14), (100, 10)], [SQUARE, point(100, 0)])
    assert score.measures == {
        "hits": 1,
        "targets": 2,
        "placed": 3,
        "distances_um": [0.0, 5.0, 10.0],
    }
    assert score.feedback == "1 of your 3 points found a target."


@pytest.mark.parametrize("points", [None, []])
def test_no_points_score_nothing(points):
    score = points_score(points, [SQUARE])
    assert score.points == 0
    assert score.measures["placed"] == 0
    assert score.feedback == "No points were placed."


def test_a_tolerance_in_micrometres_without_a_pixel_size_is_unscorable():
    with pytest.raises(UnscorableError, match="no pixel size"):
        points_score([(5, 5)], [SQUARE], tolerance_um=5, mpp_x=None, mpp_y=None)
    with pytest.raises(UnscorableError, match="no pixel size"):
        points_score(None, [SQUARE], tolerance_um=5, mpp_x=0.5, mpp_y=None)


def test_without_a_pixel_size_and_tolerance_points_are_scored_inside_regions_in_pixels():
    score = points_score([(5, 5), (20, 10)], [SQUARE], mpp_x=None, mpp_y=None)
    assert score.measures["hits"] == 1
    assert score.measures["distances_px"] == [0.0, 10.0]
    assert "distances_um" not in score.measures


@pytest.mark.parametrize(
    "targets",
    [[], [line((0, 0), (5, 5))], [rectangle(0, 0, 0, 10)], [{"type": "Polygon"}]],
)
def test_targets_that_cannot_be_found_are_unscorable(targets):
    with pytest.raises(UnscorableError):
        points_score([(5, 5)], targets)


@pytest.mark.parametrize("bad", [(1, 2, 3), (math.nan, 1), ("1", 2), 5])
def test_malformed_points_are_refused(bad):
    with pytest.raises(GeometryError, match="Point 2"):
        points_score([(5, 5), bad], [SQUARE])


def inside(target: dict) -> tuple[float, float]:
    spot = shape(target).representative_point()
    return spot.x, spot.y


@FAST
@given(
    points=positions,
    targets=targets_strategy,
    tolerance_um=st.floats(0, 200),
    mpp=st.tuples(mpp, mpp),
    max_points=max_points,
)
def test_point_scores_stay_within_the_points_on_offer(
    points, targets, tolerance_um, mpp, max_points
):
    score = points_score(points, targets, tolerance_um, *mpp, max_points=max_points)
    assert_well_formed(score, max_points)
    assert len(score.measures["distances_um"]) == len(points)


@FAST
@given(targets=targets_strategy, mpp=pixel_sizes())
def test_one_point_inside_each_target_scores_full_marks(targets, mpp):
    score = points_score([inside(t) for t in targets], targets, 0, *mpp, max_points=5)
    assert score.points == 5
    assert score.measures["hits"] == len(targets)


@FAST
@given(
    points=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12),
    targets=targets_strategy,
    tolerance_um=st.floats(0, 200),
    mpp=st.tuples(mpp, mpp),
)
def test_points_beyond_the_tolerance_of_every_target_score_nothing(
    points, targets, tolerance_um, mpp
):
    # Targets lie within 0..12000 px; move the points past them by more than the tolerance.
    away = 12_000 + tolerance_um / min(mpp) + 1
    score = points_score([(x + away, y) for x, y in points], targets, tolerance_um, *mpp)
    assert score.points == 0
    assert score.measures["hits"] == 0


@FAST
@given(
    points=positions,
    targets=targets_strategy,
    tolerance_um=st.floats(0, 200),
    mpp=st.tuples(mpp, mpp),
    dx=st.integers(-20_000, 20_000),
    dy=st.integers(-20_000, 20_000),
)
def test_point_scores_do_not_change_when_everything_moves_together(
    points, targets, tolerance_um, mpp, dx, dy
):
    here = points_score(points, targets, tolerance_um, *mpp)
    moved = points_score(
        [(x + dx, y + dy) for x, y in points],
        [translated(t, dx, dy) for t in targets],
        tolerance_um,
        *mpp,
    )
    assert moved.fraction == here.fraction
    assert moved.measures["distances_um"] == pytest.approx(here.measures["distances_um"], abs=0.01)


@FAST
@given(
    points=positions,
    extra=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12),
    targets=targets_strategy,
    tolerance_um=st.floats(0, 200),
    mpp=st.tuples(mpp, mpp),
)
def test_scattering_extra_points_that_find_nothing_never_raises_the_score(
    points, extra, targets, tolerance_um, mpp
):
    away = 12_000 + tolerance_um / min(mpp) + 1
    scattered = points + [(x + away, y) for x, y in extra]
    before = points_score(points, targets, tolerance_um, *mpp)
    after = points_score(scattered, targets, tolerance_um, *mpp)
    assert after.fraction <= before.fraction
    if len(points) >= len(targets) and before.fraction > 0:
        assert after.fraction < before.fraction


@FAST
@given(
    extra=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12),
    targets=targets_strategy,
    tolerance_um=st.floats(0, 200),
    mpp=st.tuples(mpp, mpp),
)
def test_extra_points_anywhere_lower_a_score_that_found_every_target(
    extra, targets, tolerance_um, mpp
):
    exact = [inside(t) for t in targets]
    # Shuffled in, so the matching cannot rely on the right points coming first.
    scattered = [p for pair in zip(extra, exact, strict=False) for p in pair]
    scattered += extra[len(exact) :] + exact[len(extra) :]
    score = points_score(scattered, targets, tolerance_um, *mpp)
    assert score.measures["hits"] == len(targets)
    assert score.fraction == len(targets) / (len(targets) + len(extra)) < 1


def test_a_grid_of_points_over_the_whole_slide_earns_little():
    grid = [(x, y) for x in range(0, 10_000, 500) for y in range(0, 10_000, 500)]
    score = points_score(grid, [rectangle(1000, 1000, 1400, 1400), point(7000, 7000)], 100)
    assert score.measures["hits"] == 2
    assert score.fraction == 2 / 400


# Outlines


def outline_score(answer, reference, full_at=1.0, zero_at=0.5, mpp_x=1.0, mpp_y=1.0, points=1.0):
    return score_outline(
        answer,
        reference,
        full_at=full_at,
        zero_at=zero_at,
        mpp_x=mpp_x,
        mpp_y=mpp_y,
        max_points=points,
    )


def test_the_reference_outline_scores_full_marks():
    score = outline_score(SQUARE, SQUARE, full_at=1.0, points=3)
    assert score.points == 3
    assert (score.measures["dice"], score.measures["iou"]) == (1, 1)


def test_outline_marks_rise_linearly_between_the_thresholds():
    # 60 of the reference's 100 px², and nothing outside it: Dice 120/160 = 0.75, IoU 0.6.
    score = outline_score(rectangle(0, 0, 10, 6), SQUARE, full_at=1.0, zero_at=0.5, points=4)
    assert (score.measures["dice"], score.measures["iou"]) == (0.75, 0.6)
    assert score.fraction == 0.5
    assert score.points == 2


@pytest.mark.parametrize(("full_at", "zero_at", "fraction"), [(0.75, 0.5, 1), (0.9, 0.75, 0)])
def test_outline_thresholds_are_inclusive(full_at, zero_at, fraction):
    score = outline_score(rectangle(0, 0, 10, 6), SQUARE, full_at=full_at, zero_at=zero_at)
    assert score.fraction == fraction


def test_outline_ratios_ignore_the_pixel_size_but_the_area_uses_it():
    answer = rectangle(0, 0, 10, 6)
    square_pixels = outline_score(answer, SQUARE, mpp_x=1, mpp_y=1)
    stretched = outline_score(answer, SQUARE, mpp_x=0.25, mpp_y=0.5)
    unknown = outline_score(answer, SQUARE, mpp_x=None, mpp_y=None)
    assert square_pixels.fraction == stretched.fraction == unknown.fraction
    assert stretched.measures["dice"] == unknown.measures["dice"] == 0.75
    assert stretched.measures["area_um2"] == 7.5  # 60 px² × 0.25 µm × 0.5 µm
    assert "area_um2" not in unknown.measures


def test_a_self_intersecting_outline_is_repaired_and_scored():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
    score = outline_score(bow_tie, SQUARE, full_at=0.9, zero_at=0)
    assert score.measures["repaired"] == 1
    # Both triangles kept (50 of 100 px²), not one lost as buffer(0) would: Dice 100/150.
    assert score.measures["dice"] == 0.6667
    assert "crossed itself" in score.feedback
    assert outline_score(SQUARE, SQUARE).measures["repaired"] == 0


def test_an_outline_that_collapses_to_a_line_scores_nothing():
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [5, 0], [10, 0], [0, 0]]]}
    score = outline_score(flat, SQUARE, zero_at=0)
    assert score.points == 0
    assert score.measures["repaired"] == 1


@pytest.mark.parametrize("answer", [None, {"type": "Polygon", "coordinates": []}])
def test_a_missing_outline_scores_nothing(answer):
    score = outline_score(answer, SQUARE, zero_at=0)
    assert score.points == 0
    assert score.measures["dice"] == 0
    assert score.feedback == "No outline was drawn."


@pytest.mark.parametrize(
    "answer",
    [
        point(5, 5),
        {"type": "Polygon", "coordinates": [[[0, 0], [9, "x"], [9, 9], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [9, math.nan], [9, 9], [0, 0]]]},
        {"type": "Polygon", "coordinates": 5},
    ],
)
def test_a_malformed_outline_is_refused(answer):
    with pytest.raises(GeometryError):
        outline_score(answer, SQUARE)


@pytest.mark.parametrize(
    ("full_at", "zero_at"), [(0.5, 0.5), (0.4, 0.5), (1.1, 0.5), (0.8, -0.1), (math.nan, 0)]
)
def test_outline_thresholds_out_of_order_are_unscorable(full_at, zero_at):
    assert issubclass(UnscorableError, ValueError)
    with pytest.raises(UnscorableError, match="zero_at < full_at"):
        outline_score(SQUARE, SQUARE, full_at=full_at, zero_at=zero_at)


def test_an_invalid_reference_outline_is_unscorable():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
    with pytest.raises(UnscorableError):
        outline_score(SQUARE, bow_tie)


thresholds = st.tuples(st.floats(0, 1), st.floats(0, 1)).filter(lambda t: t[0] != t[1]).map(sorted)


@FAST
@given(
    answer=st.none() | regions | scribbles(),
    reference=regions,
    zero_full=thresholds,
    mpp=pixel_sizes(),
    max_points=max_points,
)
def test_outline_scores_stay_within_the_points_on_offer(
    answer, reference, zero_full, mpp, max_points
):
    zero_at, full_at = zero_full
    score = outline_score(answer, reference, full_at, zero_at, *mpp, points=max_points)
    assert_well_formed(score, max_points)
    assert 0 <= score.measures["iou"] <= score.measures["dice"] <= 1


@FAST
@given(reference=regions, mpp=pixel_sizes())
def test_the_reference_outline_always_scores_full_marks(reference, mpp):
    score = outline_score(
        reference, reference, full_at=1.0, zero_at=0.9, mpp_x=mpp[0], mpp_y=mpp[1]
    )
    assert score.fraction == 1
    assert score.measures["dice"] == 1


@FAST
@given(
    answer=regions | scribbles(), reference=regions, zero_at=st.floats(0, 0.99), mpp=pixel_sizes()
)
def test_an_outline_away_from_the_reference_scores_nothing(answer, reference, zero_at, mpp):
    away = translated(answer, 20_000, 0)
    score = outline_score(away, reference, full_at=1.0, zero_at=zero_at, mpp_x=mpp[0], mpp_y=mpp[1])
    assert score.points == 0
    assert score.measures["dice"] == 0


@FAST
@given(
    answer=regions | scribbles(),
    reference=regions,
    mpp=pixel_sizes(),
    dx=st.integers(-20_000, 20_000),
    dy=st.integers(-20_000, 20_000),
)
def test_outline_scores_do_not_change_when_both_move_together(answer, reference, mpp, dx, dy):
    here = outline_score(answer, reference, 0.9, 0.1, *mpp)
    moved = outline_score(translated(answer, dx, dy), translated(reference, dx, dy), 0.9, 0.1, *mpp)
    assert moved.fraction == pytest.approx(here.fraction, abs=1e-6)
    assert moved.measures["dice"] == pytest.approx(here.measures["dice"], abs=2e-4)
    assert moved.measures["repaired"] == here.measures["repaired"]


# Measurements with the ruler


def measure_score(answer, reference_um, tolerance_um=0.0, mpp_x=1.0, mpp_y=1.0, points=1.0):
    return score_measure(
        answer,
        reference_um,
        tolerance_um=tolerance_um,
        mpp_x=mpp_x,
        mpp_y=mpp_y,
        max_points=points,
    )


def test_a_ruler_is_measured_in_micrometres_along_each_axis():
    across = measure_score(line((0, 0), (100, 0)), 50, mpp_x=0.5, mpp_y=0.25)
    down = measure_score(line((0, 0), (0, 100)), 50, mpp_x=0.5, mpp_y=0.25)
    assert across.measures == {"length_um": 50.0, "error_um": 0.0}
    assert across.points == 1
    assert down.measures == {"length_um": 25.0, "error_um": 25.0}
    assert down.points == 0


def test_a_ruler_within_the_tolerance_scores_full_marks_and_beyond_it_nothing():
    assert measure_score(line((0, 0), (30, 40)), 52, tolerance_um=2).points == 1  # 50 µm
    assert measure_score(line((0, 0), (30, 40)), 52.5, tolerance_um=2).points == 0


def test_a_ruler_with_several_segments_measures_all_of_them():
    assert measure_score(line((0, 0), (10, 0), (10, 10)), 20).measures["length_um"] == 20


def test_measurement_feedback_gives_the_trainees_length_but_not_the_reference():
    score = measure_score(line((0, 0), (100, 0)), 73.25, tolerance_um=1)
    assert score.feedback == "Your line measures 100.0 µm, outside the accepted range."
    assert "73" not in score.feedback


@pytest.mark.parametrize("answer", [None, {"type": "LineString", "coordinates": []}])
def test_a_missing_ruler_scores_nothing(answer):
    score = measure_score(answer, 50)
    assert score.points == 0
    assert score.feedback == "No line was drawn."


@pytest.mark.parametrize("answer", [None, line((0, 0), (100, 0))])
def test_a_measurement_on_a_slide_without_a_pixel_size_is_unscorable(answer):
    with pytest.raises(UnscorableError, match="This slide has no pixel size"):
        measure_score(answer, 50, tolerance_um=5, mpp_x=None, mpp_y=None)


@pytest.mark.parametrize("answer", [SQUARE, line((0, 0)), line((0, 0), (math.inf, 0))])
def test_a_malformed_ruler_is_refused(answer):
    with pytest.raises(GeometryError):
        measure_score(answer, 50)


@FAST
@given(
    corners=st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=6),
    reference_um=st.floats(0, 1e5),
    tolerance_um=st.floats(0, 100),
    mpp=st.tuples(mpp, mpp),
    max_points=max_points,
)
def test_measurement_scores_stay_within_the_points_on_offer(
    corners, reference_um, tolerance_um, mpp, max_points
):
    score = measure_score(line(*corners), reference_um, tolerance_um, *mpp, points=max_points)
    assert_well_formed(score, max_points)


@FAST
@given(
    start=st.tuples(coordinate, coordinate),
    length_um=st.floats(0.5, 5000),
    angle=st.floats(0, 2 * math.pi),
    mpp=st.tuples(mpp, mpp),
)
def test_a_ruler_of_exactly_the_reference_length_scores_full_marks(start, length_um, angle, mpp):
    end = (
        start[0] + length_um * math.cos(angle) / mpp[0],
        start[1] + length_um * math.sin(angle) / mpp[1],
    )
    score = measure_score(line(start, end), length_um, 0, *mpp, points=2)
    assert score.points == 2


@FAST
@given(
    corners=st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=6),
    reference_um=st.floats(0, 1e4),
    tolerance_um=st.floats(0, 100),
    mpp=st.tuples(mpp, mpp),
    dx=st.integers(-20_000, 20_000),
    dy=st.integers(-20_000, 20_000),
)
def test_measurement_scores_do_not_change_when_the_ruler_moves(
    corners, reference_um, tolerance_um, mpp, dx, dy
):
    here = measure_score(line(*corners), reference_um, tolerance_um, *mpp)
    moved = measure_score(translated(line(*corners), dx, dy), reference_um, tolerance_um, *mpp)
    assert moved.fraction == here.fraction
    assert moved.measures["length_um"] == pytest.approx(here.measures["length_um"], abs=0.01)


# The score itself and the cohort


def test_a_score_as_a_dict_is_a_copy_fit_for_json():
    score = points_score([(5, 5), (50, 50)], [SQUARE], max_points=2)
    data = score.as_dict()
    assert data == {
        "points": 1.0,
        "max_points": 2.0,
        "fraction": 0.5,
        "measures": {"hits": 1, "targets": 1, "placed": 2, "distances_um": [0.0, 56.57]},
        "feedback": "1 of your 2 points found a target.",
    }
    data["measures"]["distances_um"].append(1.0)
    assert score.measures["distances_um"] == [0.0, 56.57]
    json.dumps(data)


@pytest.mark.parametrize(
    "fields",
    [
        {"points": 2, "max_points": 1, "fraction": 1},
        {"points": 0, "max_points": 1, "fraction": 1.5},
        {"points": 0, "max_points": -1, "fraction": 0},
        {"points": 0, "max_points": 1, "fraction": 0, "measures": {"dice": math.nan}},
        {"points": 0, "max_points": 1, "fraction": 0, "measures": {"where": (1, 2)}},
    ],
)
def test_a_score_refuses_to_break_its_invariants(fields):
    with pytest.raises(ValueError):
        Score(**fields)


@pytest.mark.parametrize("max_points", [-1, math.inf, math.nan, None])
def test_points_on_offer_must_be_a_number_of_at_least_zero(max_points):
    with pytest.raises(UnscorableError):
        score_single_choice("a", "a", max_points)


def test_the_facility_index_is_the_mean_fraction_and_none_for_nobody():
    assert cohort_facility([1.0, 0.5, 0.0, 0.5]) == 0.5
    assert cohort_facility([]) is None
    with pytest.raises(ValueError):
        cohort_facility([0.5, 1.5])


@FAST
@given(fractions=st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_the_facility_index_lies_between_the_lowest_and_highest_fraction(fractions):
    facility = cohort_facility(fractions)
    assert 0 <= facility <= 1
    assert min(fractions) - 1e-12 <= facility <= max(fractions) + 1e-12


def test_scoring_is_pure_python_without_django():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, courses.assessment.scoring; "
            "print(any(m.startswith('django') for m in sys.modules))",
        ],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
