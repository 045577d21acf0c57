"""The answer map of one quiz question, for its markers: where the cohort clicked (density),
how far their outlines agree (the share covering each place), and the misconception clusters
(groups of wrong clicks), with the reference they are compared with.

Reads the answers of SUBMITTED attempts of that quiz only (a question may sit in several
quizzes; an attempt still in progress may change), one answer per trainee: their latest
submitted attempt's, so a trainee with two attempts does not count twice. Computes with the
pure `answer_maps` module and caches the JSON-ready result in Django's cache under a key that
changes whenever its inputs can have changed (see `cache_key`). Who may ask is decided by the
caller (`access.get_quiz_for_marker`): nothing here is for trainees.

Choices, all in level-0 px of the slide unless said otherwise:
- The grid covers the answers and the reference, padded by a quarter of their extent (at least
  2% of the slide's long side) and kept inside the slide, with at most `MAX_CELLS` cells on
  its long side (`MAX_CELLS_OUTLINES` for outlines): a tight grid where the cohort looked, the
  whole slide when clicks are scattered all over it.
- Density: Gaussian smoothing over the larger of `BANDWIDTH_CELLS` cells and half the
  clustering distance eps, so a misconception cluster shows as one patch of colour.
- Clusters: DBSCAN with eps = the largest of the point tolerance, `EPS_MIN_UM` and
  `EPS_SLIDE_SHARE` of the slide's long side (µm); at least `MIN_SHARE` of the answering
  trainees (never fewer than `MIN_SIZE`) make a cluster. A click within the point tolerance
  of a target counts as on it, as when scoring. For outline questions, an outline that does
  not touch the reference region is a wrong "click" at a point inside it.
- A slide without a pixel size is measured in pixels (µm per px taken as 1; `units` says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.http import Http404
from shapely.affinity import scale
from shapely.errors import ShapelyError
from shapely.geometry import shape

from ..models import Answer, Attempt, Question, Quiz
from . import answer_maps

MAPPED = (Question.Type.POINT, Question.Type.OUTLINE)
MAX_CELLS = answer_maps.MAX_CELLS
# Agreement tests each outline at every cell centre in its bounding box, so its cost grows with
# the square of the cells: 1,000 outlines on 256 cells took a second and a half on the bench
# machine, on 128 cells well under half a second (`python -m bench.answer_maps --service`).
MAX_CELLS_OUTLINES = 128
PADDING_SHARE = 0.25
PADDING_MIN_SLIDE_SHARE = 0.02
BANDWIDTH_CELLS = 2.0
EPS_MIN_UM = 25.0
EPS_SLIDE_SHARE = 0.01
MIN_SHARE = 0.05
MIN_SIZE = 3
CACHE_SECONDS = 24 * 3600
# Part of the cache key: bump it when what is computed (or its JSON) changes.
FORMAT = 1


@dataclass(frozen=True)
class Cohort:
    """What the maps are made from: one answer payload per trainee (empty ones included)."""

    payloads: list[dict]


def get_mapped_question(quiz: Quiz, question_uuid) -> Question:
    """A point or outline question of `quiz` (its archived places too: their answers stay),
    else 404. Call it with a quiz from `access.get_quiz_for_marker`."""
    question = (
        quiz.questions.filter(uuid=question_uuid, type__in=MAPPED, case_slide__isnull=False)
        .select_related("case_slide__slide", "reference")
        .first()
    )
    if question is None:
        raise Http404("No answer map for this question.")
    return question


def answer_map(quiz: Quiz, question: Question) -> dict:
    """The question's answer map as JSON-ready data (see `compute`), from the cache when the
    submitted answers and the reference are what they were when it was computed."""
    key = cache_key(quiz, question)
    data = cache.get(key)
    if data is None:
        data = compute(question, read_cohort(quiz, question))
        cache.set(key, data, CACHE_SECONDS)
    return data


def _submitted(quiz: Quiz, question: Question):
    return Answer.objects.filter(
        question=question, attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED
    )


def cache_key(quiz: Quiz, question: Question) -> str:
    """Changes when the map can: an answer submitted or removed (count; ids only grow, so a
    removal plus an addition still moves the largest id), an answer saved again (the sum of
    versions), the reference edited (its version and time of change: the version counts only
    changes made after attempts exist), the slide's pixel size, or the code's `FORMAT`. Marks
    are left out on purpose: nothing in the map depends on them."""
    answers = _submitted(quiz, question).aggregate(
        count=Count("id"), last=Max("id"), versions=Sum("version")
    )
    reference = getattr(question, "reference", None)
    slide = question.case_slide.slide
    parts = [
        f"answer-map:{FORMAT}",
        quiz.id,
        question.id,
        question.type,
        answers["count"],
        answers["last"],
        answers["versions"],
        reference.version if reference else "-",
        reference.updated_at.timestamp() if reference else "-",
        slide.width,
        slide.height,
        slide.mpp_x,
        slide.mpp_y,
    ]
    return ":".join(str(part) for part in parts)


def read_cohort(quiz: Quiz, question: Question) -> Cohort:
    """Each trainee's answer from their latest submitted attempt of `quiz`."""
    rows = _submitted(quiz, question).order_by("attempt__trainee_id", "-attempt__number")
    latest: dict[int, dict] = {}
    for trainee, payload in rows.values_list("attempt__trainee_id", "payload"):
        latest.setdefault(trainee, payload)
    return Cohort(payloads=list(latest.values()))


def _read(geometry: object) -> shapely.Geometry | None:
    """A shapely shape of a stored GeoJSON geometry, repaired if invalid; None if unreadable."""
    if not isinstance(geometry, dict):
        return None
    try:
        region = shape(geometry)
        if not region.is_valid:
            region = shapely.make_valid(region)
    except (KeyError, TypeError, ValueError, AttributeError, ShapelyError):
        return None
    return None if region.is_empty else region


def _points(payload: dict) -> list[tuple[float, float]]:
    points = payload.get("points") if isinstance(payload, dict) else None
    return [
        (float(p[0]), float(p[1]))
        for p in points or []
        if isinstance(p, list | tuple)
        and len(p) == 2
        and all(isinstance(c, int | float) and math.isfinite(c) for c in p)
    ]


def _targets(question: Question, reference) -> list[shapely.Geometry]:
    """The regions a right click lands in: the point targets grown by the tolerance (in µm,
    per axis), or the outline reference."""
    geometry = reference.geometry if reference else None
    if question.type == Question.Type.OUTLINE:
        region = _read(geometry)
        return [region] if region is not None else []
    parts = (geometry or {}).get("geometries", []) if isinstance(geometry, dict) else []
    return [t for t in (_read(part) for part in parts) if t is not None]


def _grown(targets: list[shapely.Geometry], tolerance_um: float, mpp: tuple[float, float]):
    if tolerance_um <= 0:
        return targets
    fx, fy = mpp
    return [
        scale(
            scale(t, xfact=fx, yfact=fy, origin=(0, 0)).buffer(tolerance_um),
            xfact=1 / fx,
            yfact=1 / fy,
            origin=(0, 0),
        )
        for t in targets
    ]


def _bounds(shapes: list[shapely.Geometry], clicks: np.ndarray, width: int, height: int):
    """The grid's bounds: what was drawn and clicked, padded, inside the slide."""
    boxes = [s.bounds for s in shapes]
    if len(clicks):
        boxes.append((*clicks.min(axis=0), *clicks.max(axis=0)))
    if not boxes:
        return (0.0, 0.0, float(width), float(height))
    box = np.array(boxes, dtype=float)
    minx, miny = box[:, 0].min(), box[:, 1].min()
    maxx, maxy = box[:, 2].max(), box[:, 3].max()
    pad = max(
        PADDING_SHARE * max(maxx - minx, maxy - miny), PADDING_MIN_SLIDE_SHARE * max(width, height)
    )
    return (
        max(0.0, minx - pad),
        max(0.0, miny - pad),
        min(float(width), maxx + pad),
        min(float(height), maxy + pad),
    )


def compute(question: Question, cohort: Cohort) -> dict:
    """The map of `question` from `cohort`, JSON-ready:

    {"type", "units" ("um" or "px"), "answers" (trainees with a submitted answer), "answered"
    (of them, those who clicked or drew), "grid", "density" (point questions, else None:
    {"peak", "clicks", "outside", "bandwidth_um", "values"}), "agreement" (outline questions,
    else None: {"outlines", "values"}), "clusters" ([{"size", "centre": [x, y], "bounds":
    [minx, miny, maxx, maxy]}], largest first), "wrong" (clicks outside every target),
    "unclustered", "eps_um", "min_size", "reference" (the stored reference geometry)}.
    `values[row][column]` follow `answer_maps.Grid`.
    """
    slide = question.case_slide.slide
    reference = getattr(question, "reference", None)
    measured = bool(slide.mpp_x and slide.mpp_y and slide.mpp_x > 0 and slide.mpp_y > 0)
    mpp = (float(slide.mpp_x), float(slide.mpp_y)) if measured else (1.0, 1.0)
    width, height = int(slide.width), int(slide.height)
    targets = _targets(question, reference)

    if question.type == Question.Type.POINT:
        per_answer = [_points(payload) for payload in cohort.payloads]
        answered = sum(1 for points in per_answer if points)
        clicks = np.array([p for points in per_answer for p in points], dtype=float).reshape(-1, 2)
        tolerance = reference.tolerance if reference else 0.0
        grid = answer_maps.make_grid(_bounds(targets, clicks, width, height), max_cells=MAX_CELLS)
        wrong = clicks
        right = _grown(targets, tolerance, mpp)
    else:
        drawn = [_read(p.get("geometry")) if isinstance(p, dict) else None for p in cohort.payloads]
        outlines = [o for o in drawn if o is not None]
        answered = len(outlines)
        tolerance = 0.0
        grid = answer_maps.make_grid(
            _bounds(targets + outlines, np.zeros((0, 2)), width, height),
            max_cells=MAX_CELLS_OUTLINES,
        )
        # An outline that does not touch the reference counts as one wrong click inside it.
        target = shapely.union_all(targets) if targets else shapely.Polygon()
        wrong = np.array(
            [shapely.point_on_surface(o).coords[0] for o in outlines if not o.intersects(target)],
            dtype=float,
        ).reshape(-1, 2)
        right = targets

    long_side_um = max(width * mpp[0], height * mpp[1])
    eps_um = max(float(tolerance), EPS_MIN_UM, EPS_SLIDE_SHARE * long_side_um)
    min_size = max(MIN_SIZE, math.ceil(MIN_SHARE * answered))
    misconceptions = answer_maps.misconception_clusters(
        wrong, right, eps_um=eps_um, min_size=min_size, mpp_x=mpp[0], mpp_y=mpp[1]
    )

    density = agreement = None
    if question.type == Question.Type.POINT:
        bandwidth_um = max(
            BANDWIDTH_CELLS * grid.cell_size * math.sqrt(mpp[0] * mpp[1]), eps_um / 2
        )
        density = answer_maps.density_map(
            clicks, grid, bandwidth_um=bandwidth_um, mpp_x=mpp[0], mpp_y=mpp[1]
        ).as_dict()
        density["bandwidth_um"] = bandwidth_um
        del density["grid"]
    else:
        agreement = answer_maps.outline_agreement_map(outlines, grid).as_dict()
        del agreement["grid"]

    return {
        "type": question.type,
        "units": "um" if measured else "px",
        "answers": len(cohort.payloads),
        "answered": answered,
        "grid": grid.as_dict(),
        "density": density,
        "agreement": agreement,
        "clusters": [
            {"size": c.size, "centre": list(c.centre), "bounds": list(c.bounds)}
            for c in misconceptions.clusters
        ],
        "wrong": misconceptions.outside,
        "unclustered": misconceptions.unclustered,
        "eps_um": eps_um,
        "min_size": min_size,
        "reference": reference.geometry if reference else None,
    }
