"""Scoring a trainee's answers to quiz questions as a fraction of the points on offer.

Pure computation: no Django, no database. Every scorer returns a `Score` with
0 ≤ points ≤ max_points, the fraction earned, JSON-serialisable measures for educators and
dashboards, and one short feedback sentence for the trainee that gives away no reference data.

Shapes are GeoJSON geometries in level-0 pixel coordinates of the slide (x right, y down), as in
`slides.geometry`. Distances, tolerances and areas are in micrometres, scaling x by `mpp_x` and y
by `mpp_y` (µm per pixel, which may differ). A pixel size is unknown when either is None.

Trouble is handled by who caused it:
- a missing answer (None, nothing chosen, no points, a shape without coordinates) scores 0;
- a malformed answer (an option the question does not offer, a number that is not finite, a
  shape of the wrong type or with unreadable coordinates) raises ValueError, GeometryError for
  shapes: it should have been refused when it was submitted. A self-intersecting outline is not
  malformed (drawing tools produce them); it is repaired and scored, with measures["repaired"] 1;
- question settings that cannot be applied (a tolerance in µm on a slide without a pixel size,
  thresholds out of order, no targets, an invalid reference shape) raise UnscorableError, whose
  message is a sentence for the educator. These are raised whatever the answer, even a missing
  one, so a broken question shows up on its first attempt.

Comparisons with a tolerance or threshold allow a relative slack of 1e-9, so floating-point
noise from scaling or translating shapes never costs the marks for an exact answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.optimize import linear_sum_assignment
from shapely.affinity import scale
from shapely.errors import ShapelyError
from shapely.geometry import shape

from slides.geometry import GeometryError, length_um

Measure = float | int | str | list[float]

SLACK = 1e-9
TARGET_TYPES = ("Point", "Polygon", "MultiPolygon")
OUTLINE_TYPES = ("Polygon", "MultiPolygon")

_UNREADABLE = (KeyError, TypeError, ValueError, ShapelyError)


class UnscorableError(ValueError):
    """The question's settings cannot be applied; the message is a sentence for the educator."""


@dataclass(frozen=True)
class Score:
    """What an answer earned.

    Invariants, checked on creation: `max_points` is finite and ≥ 0, 0 ≤ `fraction` ≤ 1,
    0 ≤ `points` ≤ `max_points`, and every measure is a str, an int, a finite float or a list
    of finite floats, so `measures` can be stored as JSON as it is. Treat `measures` as
    read-only; `as_dict()` hands out a copy.
    """

    points: float
    max_points: float
    fraction: float
    measures: dict[str, Measure] = field(default_factory=dict)
    feedback: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.max_points) and self.max_points >= 0):
            raise ValueError(f"max_points must be a finite number ≥ 0, not {self.max_points!r}.")
        if not 0 <= self.fraction <= 1:
            raise ValueError(f"fraction must lie between 0 and 1, not {self.fraction!r}.")
        if not 0 <= self.points <= self.max_points:
            raise ValueError(
                f"points must lie between 0 and {self.max_points}, not {self.points!r}."
            )
        for key, value in self.measures.items():
            if not _is_measure(value):
                raise ValueError(f"The measure {key!r} is not JSON-serialisable: {value!r}.")

    def as_dict(self) -> dict[str, object]:
        """The score as plain JSON-serialisable data (a copy; lists are copied too)."""
        return {
            "points": self.points,
            "max_points": self.max_points,
            "fraction": self.fraction,
            "measures": {
                key: list(value) if isinstance(value, list) else value
                for key, value in self.measures.items()
            },
            "feedback": self.feedback,
        }


def _is_finite_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _is_measure(value: object) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, float) and math.isfinite(item) for item in value)
    return isinstance(value, str) or _is_finite_number(value)


def _score(
    fraction: float, max_points: float, measures: dict[str, Measure], feedback: str
) -> Score:
    fraction = min(1.0, max(0.0, float(fraction)))
    # A product with a factor ≤ 1 cannot exceed max_points; min() only documents the contract.
    points = min(float(max_points), fraction * max_points)
    return Score(points, float(max_points), fraction, dict(measures), feedback)


def _within(error: float, tolerance: float, magnitude: float) -> bool:
    """error ≤ tolerance, with a relative slack for floating-point noise."""
    return error <= tolerance + SLACK * max(1.0, abs(magnitude), tolerance)


def _check_max_points(max_points: float) -> None:
    if not (_is_finite_number(max_points) and max_points >= 0):
        raise UnscorableError("The points for this question must be a number of at least 0.")


def _check_tolerance(tolerance: float) -> None:
    if not (_is_finite_number(tolerance) and tolerance >= 0):
        raise UnscorableError("The question's tolerance must be a number of at least 0.")


def _pixel_size(mpp_x: float | None, mpp_y: float | None) -> tuple[float, float] | None:
    """(mpp_x, mpp_y), None when either is unknown, UnscorableError when not positive."""
    if mpp_x is None or mpp_y is None:
        return None
    if not all(_is_finite_number(m) and m > 0 for m in (mpp_x, mpp_y)):
        raise UnscorableError("This slide's pixel size is not a positive number.")
    return float(mpp_x), float(mpp_y)


def _no_pixel_size(what: str) -> UnscorableError:
    return UnscorableError(f"This slide has no pixel size, so {what} cannot be applied.")


def _read(geometry: dict) -> shapely.Geometry | None:
    """The shapely shape of a GeoJSON geometry; None unless every coordinate is a finite number
    and the nesting is what its type needs."""
    stack = [geometry.get("coordinates")]
    while stack:  # checked before shapely sees them, which warns about NaN
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif not _is_finite_number(item):
            return None
    try:
        return shape(geometry)
    except _UNREADABLE:
        return None


def score_single_choice(selected: str | None, correct: str, max_points: float) -> Score:
    """Full marks when the chosen option id is `correct`; 0 for another one or none (None, "").

    measures: answered (0/1), correct (0/1).
    """
    _check_max_points(max_points)
    if not selected:
        return _score(0, max_points, {"answered": 0, "correct": 0}, "No option was chosen.")
    right = selected == correct
    return _score(
        1 if right else 0,
        max_points,
        {"answered": 1, "correct": int(right)},
        "Correct." if right else "That is not the right option.",
    )


def score_multiple_choice(
    selected: AbstractSet[str] | None,
    correct: AbstractSet[str],
    options: AbstractSet[str],
    max_points: float,
) -> Score:
    """Marks for the right options chosen, less one right pick for each wrong one.

    fraction = max(0, (right picks − wrong picks) / len(correct)), so ticking every option pays
    only when every option is correct. None or an empty set scores 0. ValueError when `selected`
    holds ids not in `options`; UnscorableError when `correct` is empty or not within `options`.
    measures: right, wrong, selected, correct (how many options are correct).
    """
    _check_max_points(max_points)
    if not correct:
        raise UnscorableError("The question has no correct options.")
    if not set(correct) <= set(options):
        raise UnscorableError("Some of the question's correct options are not among its options.")
    chosen = set(selected or ())
    unknown = chosen - set(options)
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        raise ValueError(f"The answer chooses options the question does not offer: {names}.")
    right = len(chosen & set(correct))
    wrong = len(chosen) - right
    fraction = max(0.0, (right - wrong) / len(correct))
    if not chosen:
        feedback = "No options were chosen."
    elif fraction == 1:
        feedback = "You chose all the right options and no others."
    elif right == 0:
        feedback = "None of your choices is right."
    elif fraction == 0:
        feedback = "Your wrong choices cancel out your right ones."
    elif wrong == 0:
        feedback = "Your choices are right, but some right options are missing."
    else:
        feedback = "Some of your choices are right; each wrong one cancels a right one."
    measures: dict[str, Measure] = {
        "right": right,
        "wrong": wrong,
        "selected": len(chosen),
        "correct": len(correct),
    }
    return _score(fraction, max_points, measures, feedback)


def score_numeric(
    value: float | None, reference: float, tolerance: float, max_points: float
) -> Score:
    """Full marks when |value − reference| ≤ tolerance (boundary included), else 0.

    None scores 0; a value that is not a finite number raises ValueError; a reference that is
    not finite or a negative tolerance raises UnscorableError. measures: answered (0/1) and, for
    an answer, value and error (|value − reference|, when finite).
    """
    _check_max_points(max_points)
    if not _is_finite_number(reference):
        raise UnscorableError("The question's reference value must be a finite number.")
    _check_tolerance(tolerance)
    if value is None:
        return _score(0, max_points, {"answered": 0}, "No answer was given.")
    if not _is_finite_number(value):
        raise ValueError(f"The answer must be a finite number, not {value!r}.")
    error = abs(value - reference)  # inf only when the two are ~1e308 apart
    right = math.isfinite(error) and _within(error, tolerance, reference)
    measures: dict[str, Measure] = {"answered": 1, "value": float(value)}
    if math.isfinite(error):
        measures["error"] = float(error)
    feedback = (
        "Your answer is within the accepted range."
        if right
        else "Your answer is outside the accepted range."
    )
    return _score(1 if right else 0, max_points, measures, feedback)


def _target(geometry: object, number: int) -> shapely.Geometry:
    """Target `number` (counting from 1) as a shapely geometry, or UnscorableError."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in TARGET_TYPES:
        raise UnscorableError(f"Target {number} must be a Point, Polygon or MultiPolygon.")
    region = _read(geometry)
    if region is None or region.is_empty:
        raise UnscorableError(f"Target {number} has coordinates that cannot be read.")
    if kind != "Point" and not (region.is_valid and region.area > 0):
        raise UnscorableError(f"Target {number} is not a valid polygon with an area.")
    return region


def _placed(point: object, number: int) -> tuple[float, float]:
    """Placed point `number` (counting from 1) as (x, y), or GeometryError."""
    if (
        not isinstance(point, list | tuple)
        or len(point) != 2
        or not all(_is_finite_number(c) for c in point)
    ):
        raise GeometryError(f"Point {number} must be a pair of finite numbers [x, y].")
    return float(point[0]), float(point[1])


def maximum_matching(adjacency: Sequence[Sequence[int]], right_count: int) -> list[int | None]:
    """A maximum matching of a bipartite graph, as the left vertex matched to each right vertex
    (None where none is).

    `adjacency[u]` lists the right vertices (0 ≤ v < right_count) that left vertex u may be
    matched to. Solved as an assignment that pairs as many allowed edges as possible (scipy's
    `linear_sum_assignment`); when several matchings are as large, which one is scipy's choice.
    """
    allowed = np.zeros((len(adjacency), right_count))
    for left, rights in enumerate(adjacency):
        allowed[left, list(rights)] = 1
    owner: list[int | None] = [None] * right_count
    for left, right in zip(*linear_sum_assignment(allowed, maximize=True), strict=True):
        if allowed[left, right]:  # an assignment also pairs vertices that share no edge
            owner[right] = int(left)
    return owner


def score_points(
    points: Sequence[Sequence[float]] | None,
    targets: Sequence[dict],
    *,
    tolerance_um: float,
    mpp_x: float | None,
    mpp_y: float | None,
    max_points: float,
) -> Score:
    """Marks for placing one point on each target; extra points dilute the score.

    `targets` are Point, Polygon or MultiPolygon geometries and `points` (x, y) positions, all in
    level-0 pixels. A point hits a target when it lies inside or on it, or within `tolerance_um`
    of it (x scaled by mpp_x, y by mpp_y). Each target is credited to at most one point and each
    point to at most one target, and hits is the largest number of such pairs (a maximum
    bipartite matching, so overlapping targets never cost a hit). fraction = hits /
    max(len(targets), len(points)): scattering extra points can never raise it. None or no
    points scores 0.

    Without a pixel size, a tolerance of 0 is still scored (inside or on the target, in pixels);
    a tolerance above 0 raises UnscorableError. measures: hits, targets, placed, and for each
    point in order its distance to the nearest target, as distances_um (2 decimals), or
    distances_px without a pixel size.
    """
    _check_max_points(max_points)
    _check_tolerance(tolerance_um)
    size = _pixel_size(mpp_x, mpp_y)
    if size is None and tolerance_um > 0:
        raise _no_pixel_size("a tolerance in micrometres")
    if not targets:
        raise UnscorableError("The question has no targets to find.")
    fx, fy = size or (1.0, 1.0)
    regions = [
        scale(_target(target, number), xfact=fx, yfact=fy, origin=(0, 0))
        for number, target in enumerate(targets, 1)
    ]
    placed = [_placed(point, number) for number, point in enumerate(points or (), 1)]
    if placed:
        scaled = shapely.points([(x * fx, y * fy) for x, y in placed])
        distances = shapely.distance(scaled[:, np.newaxis], np.array(regions)[np.newaxis, :])
    else:
        distances = np.zeros((0, len(regions)))
    adjacency = [
        [j for j, distance in enumerate(row) if _within(distance, tolerance_um, tolerance_um)]
        for row in distances.tolist()
    ]
    hits = sum(owner is not None for owner in maximum_matching(adjacency, len(regions)))
    fraction = hits / max(len(regions), len(placed)) if placed else 0.0

    unit = "um" if size else "px"
    measures: dict[str, Measure] = {
        "hits": hits,
        "targets": len(regions),
        "placed": len(placed),
        f"distances_{unit}": [round(float(row.min()), 2) for row in distances],
    }
    if not placed:
        feedback = "No points were placed."
    elif fraction == 1:
        feedback = "You found every target, with one point each."
    elif hits == 0:
        feedback = "None of your points is on a target."
    elif hits == len(placed):
        yours = "Your point" if hits == 1 else "Each of your points"
        feedback = f"{yours} found a target, but some targets were missed."
    else:
        feedback = f"{hits} of your {len(placed)} points found a target."
    return _score(fraction, max_points, measures, feedback)


def _outline(geometry: dict | None) -> tuple[shapely.Geometry | None, bool]:
    """(shape, repaired) for a trainee's outline; shape None when nothing was drawn.

    An invalid polygon is rebuilt from its rings (shells add area, holes remove it) and anything
    that collapses to lines or points is dropped, so the result is polygonal, possibly empty.
    """
    if geometry is None:
        return None, False
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in OUTLINE_TYPES:
        raise GeometryError(f"An outline must be a Polygon or MultiPolygon, not a {kind}.")
    if not geometry.get("coordinates"):
        return None, False
    drawn = _read(geometry)
    if drawn is None:
        raise GeometryError("The outline's coordinates cannot be read.")
    if drawn.is_empty:
        return None, False
    if drawn.is_valid:
        return drawn, False
    repaired = shapely.make_valid(drawn, method="structure", keep_collapsed=False)
    if repaired.geom_type == "GeometryCollection":  # defensive: keep only the areas
        repaired = shapely.union_all([g for g in repaired.geoms if g.geom_type in OUTLINE_TYPES])
    return repaired, True


def _reference_region(geometry: dict) -> shapely.Geometry:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in OUTLINE_TYPES:
        raise UnscorableError("The reference outline must be a Polygon or MultiPolygon.")
    region = _read(geometry)
    if region is None:
        raise UnscorableError("The reference outline's coordinates cannot be read.")
    if not (region.is_valid and region.area > 0):
        raise UnscorableError("The reference outline is not a valid polygon with an area.")
    return region


def score_outline(
    answer: dict | None,
    reference: dict,
    *,
    full_at: float,
    zero_at: float,
    mpp_x: float | None,
    mpp_y: float | None,
    max_points: float,
) -> Score:
    """Marks for how well an outline overlaps the reference region, by its Dice coefficient.

    Dice = 2|A∩B| / (|A| + |B|) and IoU = |A∩B| / |A∪B| for answer A and reference B (Polygon or
    MultiPolygon, level-0 pixels). fraction is 1 when dice ≥ full_at, 0 when dice ≤ zero_at and
    linear in between; UnscorableError unless 0 ≤ zero_at < full_at ≤ 1. Both ratios are the
    same in pixels and in µm (scaling x and y multiplies every area by mpp_x × mpp_y), so they
    are computed in pixels and need no pixel size. A self-intersecting answer is repaired
    first. None or an outline without coordinates scores 0.

    measures: dice, iou (4 decimals), repaired (0/1) and, when the pixel size is known,
    area_um2 of the (repaired) answer (2 decimals).
    """
    _check_max_points(max_points)
    if not (
        _is_finite_number(zero_at) and _is_finite_number(full_at) and 0 <= zero_at < full_at <= 1
    ):
        raise UnscorableError("The outline thresholds must satisfy 0 ≤ zero_at < full_at ≤ 1.")
    size = _pixel_size(mpp_x, mpp_y)
    region = _reference_region(reference)
    drawn, repaired = _outline(answer)

    overlap = drawn.intersection(region).area if drawn is not None else 0.0
    drawn_area = drawn.area if drawn is not None else 0.0
    total = drawn_area + region.area
    # Clamped because overlay noise can put the overlap a hair above the smaller area.
    dice = min(1.0, 2 * overlap / total)
    iou = min(1.0, overlap / (total - overlap))
    if dice >= full_at - SLACK:
        fraction = 1.0
    elif dice <= zero_at:
        fraction = 0.0
    else:
        fraction = (dice - zero_at) / (full_at - zero_at)

    measures: dict[str, Measure] = {
        "dice": round(dice, 4),
        "iou": round(iou, 4),
        "repaired": int(repaired),
    }
    if size is not None:
        measures["area_um2"] = round(drawn_area * size[0] * size[1], 2)
    if drawn is None:
        feedback = "No outline was drawn."
    elif drawn.is_empty:
        feedback = "Your outline encloses no area."
    elif fraction == 1:
        feedback = "Your outline matches the region."
    elif overlap == 0:
        feedback = "Your outline does not overlap the region."
    elif fraction == 0:
        feedback = "Your outline overlaps the region too little to score."
    else:
        feedback = "Your outline partly matches the region."
    if repaired:
        feedback += " It crossed itself, so it was tidied up before scoring."
    return _score(fraction, max_points, measures, feedback)


def score_measure(
    answer: dict | None,
    reference_um: float,
    *,
    tolerance_um: float,
    mpp_x: float | None,
    mpp_y: float | None,
    max_points: float,
) -> Score:
    """Full marks when the trainee's ruler is within `tolerance_um` of `reference_um`, else 0.

    `answer` is a LineString in level-0 pixels; its length is measured in µm (x scaled by mpp_x,
    y by mpp_y, summed over all segments). None or a line without coordinates scores 0. A slide
    without a pixel size raises UnscorableError, whatever the answer. measures: length_um and
    error_um (|length − reference|), 2 decimals, for an answer.
    """
    _check_max_points(max_points)
    if not (_is_finite_number(reference_um) and reference_um >= 0):
        raise UnscorableError("The question's reference length must be a number of at least 0.")
    _check_tolerance(tolerance_um)
    size = _pixel_size(mpp_x, mpp_y)
    if size is None:
        raise _no_pixel_size("a length in micrometres")
    if answer is None:
        return _score(0, max_points, {}, "No line was drawn.")
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "LineString":
        raise GeometryError(f"A measurement must be a LineString, not a {kind}.")
    if not answer.get("coordinates"):
        return _score(0, max_points, {}, "No line was drawn.")
    if _read(answer) is None:
        raise GeometryError("The line's coordinates cannot be read.")
    length = length_um(answer, *size)
    error = abs(length - reference_um)
    right = _within(error, tolerance_um, reference_um)
    verdict = "within" if right else "outside"
    return _score(
        1 if right else 0,
        max_points,
        {"length_um": round(length, 2), "error_um": round(error, 2)},
        f"Your line measures {length:,.1f} µm, {verdict} the accepted range.",
    )


def cohort_facility(fractions: Iterable[float]) -> float | None:
    """The facility index: the mean fraction earned by a cohort, None when nobody answered.

    ValueError when a fraction is not a number between 0 and 1.
    """
    values = list(fractions)
    if not values:
        return None
    if not all(_is_finite_number(value) and 0 <= value <= 1 for value in values):
        raise ValueError("Every fraction must be a number between 0 and 1.")
    return math.fsum(values) / len(values)
