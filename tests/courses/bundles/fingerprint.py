"""What an imported course must keep: every tile's bytes (through the one tile code path),
the teaching annotations and tours, and the automatic score of the same answers.

Run inside another portal (`python -m tests.courses.bundles.fingerprint COURSE_UUID ANSWERS.json`,
DJANGO_SETTINGS_MODULE set) it prints the fingerprint as JSON, to compare two databases.
"""

from __future__ import annotations

import hashlib
import json
import sys


def fingerprint(course, answers: dict) -> dict:
    from courses.assessment import marking
    from courses.models import CaseSlide, Question
    from slides import pyramid_transfer, tiles

    case_slides = []
    for cs in CaseSlide.objects.filter(case__module__course=course).order_by(
        "case__module__position", "case__position", "position"
    ):
        digest = hashlib.sha256()
        for level, col, row in pyramid_transfer.every_tile(pyramid_transfer.geometry(cs.slide)):
            tile = tiles.get_tile(str(cs.slide.uuid), level, col, row)
            digest.update(tile.data if tile else b"MISSING")
        case_slides.append(
            {
                "stain": cs.stain,
                "status": cs.slide.status,
                "tiles": digest.hexdigest(),
                "annotations": sorted(
                    [a.kind, a.geometry, a.label, a.colour, a.note] for a in cs.annotations.all()
                ),
                "tour": [
                    [t.position, t.center_x, t.center_y, t.view_width, t.rotation, t.text]
                    for t in cs.tour_stops.order_by("position")
                ],
            }
        )
    scores = {}
    for question in Question.objects.filter(course=course).order_by("id"):
        for n, payload in enumerate(answers.get(question.type, [])):
            score = marking.score_answer(question, question.reference, payload)
            scores[f"{question.prompt} #{n}"] = [score.points, score.fraction]
    return {"title": course.title, "case_slides": case_slides, "scores": scores}


if __name__ == "__main__":
    import django

    django.setup()
    from courses.models import Course

    with open(sys.argv[2]) as handle:
        print(json.dumps(fingerprint(Course.objects.get(uuid=sys.argv[1]), json.load(handle))))
