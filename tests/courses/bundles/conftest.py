"""A demo course worth bundling: two slides, annotations, a tour, a quiz of every question type,
and a trainee's submitted attempt (whose data must never reach a bundle)."""

from __future__ import annotations

import pytest

from courses import services
from courses.assessment import authoring
from courses.bundles import export

from ..conftest import submitted_attempt

TRAINEE_CANARY = "TRAINEE-ANSWER-CANARY-77c1"
ANSWERS = {
    "single": [{"choice": "a"}, {"choice": "b"}],
    "multiple": [{"choices": ["a", "b"]}, {"choices": ["a", "c"]}, {"choices": []}],
    "point": [{"points": [[500, 400]]}, {"points": [[50, 50]]}],
    "outline": [
        {"geometry": {"type": "Polygon", "coordinates": [[[420, 330], [600, 330], [600, 510],
                                                          [420, 510], [420, 330]]]}},
        {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [60, 0], [60, 60], [0, 0]]]}},
    ],
    "measure": [
        {"geometry": {"type": "LineString", "coordinates": [[130, 140], [930, 140]]}},
        {"geometry": {"type": "LineString", "coordinates": [[130, 140], [330, 140]]}},
    ],
}  # fmt: skip


@pytest.fixture
def demo_course(course, case_slide, educator, trainee, quiz_factory):
    services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry={"type": "Point", "coordinates": [321.5, 222.25]},
        properties={
            "label": "Crypt abscess",
            "colour": "#ff0000",
            "note": "Look here",
            "kind": "point",
        },
    )
    services.create_annotation(
        case_slide=case_slide,
        author=educator,
        geometry={"type": "Polygon", "coordinates": [[[10, 10], [90, 10], [90, 80], [10, 10]]]},
        properties={"label": "Tumour front", "colour": "#00aa00", "note": "", "kind": "polygon"},
    )
    services.replace_tour(
        case_slide=case_slide,
        stops=[
            {"center_x": 1000, "center_y": 750, "view_width": 2000, "text": "Low power first"},
            {"center_x": 400, "center_y": 300, "view_width": 300, "rotation": 90,
             "text": "Now the crypts"},
        ],
        version=case_slide.tour_version,
    )  # fmt: skip
    quiz = quiz_factory()
    authoring.add_question(
        quiz=quiz,
        type="multiple",
        prompt="Which are true?",
        options=[{"text": "x", "correct": True}, {"text": "y", "correct": True}, {"text": "z"}],
    )
    submitted_attempt(quiz, trainee, {"single": {"choice": "a"}, "text": {"text": TRAINEE_CANARY}})
    course.refresh_from_db()
    return course


@pytest.fixture
def bundle_file(demo_course, tmp_path):
    path = tmp_path / "demo.coursebundle.tar"
    with open(path, "wb") as target:
        export.write_bundle(demo_course, target)
    return path
