"""Building one question's answer maps from 1,000 answers: density map plus clusters.

Pure CPU, in-process: `courses.assessment.answer_maps` on synthetic clicks over a 100,000 ×
80,000 px slide at 0.25 µm/px. Most clicks land in the two targets, two groups of wrong clicks
and scattered noise lie outside. Also times the outline agreement map from 1,000 outlines.
Run with `python -m bench.answer_maps`; prints the median of several runs in ms.

With `--service` (Django configured, DATABASE_URL a migrated database you may write to, e.g.
a scratch one), it also times what a marker's request costs: `courses.assessment.heatmaps`
(`answer_map`: the cache-key query, reading 1,000 submitted answers from the database, the
computation and storing it in the cache) on the same data seeded as 1,000 trainees' submitted
attempts, for a point and an outline question, cold (cache entry deleted first) and warm.
Everything it writes is rolled back. `make bench` runs `measure` on its own database.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import shapely

from courses.assessment.answer_maps import (
    density_map,
    make_grid,
    misconception_clusters,
    outline_agreement_map,
)

WIDTH, HEIGHT, MPP = 100_000, 80_000, 0.25
ANSWERS = 1_000
RUNS = 7


def synthetic_clicks(answers: int = ANSWERS, seed: int = 9) -> tuple[np.ndarray, list]:
    """`answers` clicks (level-0 px) and the two circular targets they aim at."""
    rng = np.random.default_rng(seed)
    targets = [
        shapely.Point(30_000, 30_000).buffer(2_000),
        shapely.Point(70_000, 50_000).buffer(1_500),
    ]
    hits = rng.normal((30_000, 30_000), 600, size=(answers * 6 // 10, 2))
    group_a = rng.normal((50_000, 20_000), 150, size=(answers * 2 // 10, 2))
    group_b = rng.normal((60_000, 65_000), 150, size=(answers // 10, 2))
    rest = answers - len(hits) - len(group_a) - len(group_b)
    noise = rng.uniform((0, 0), (WIDTH, HEIGHT), size=(rest, 2))
    return np.vstack([hits, group_a, group_b, noise]), targets


def synthetic_outlines(answers: int = ANSWERS, seed: int = 9) -> list:
    """`answers` jittered ellipse-like outlines around one region (level-0 px)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal((40_000, 40_000), 800, size=(answers, 2))
    radii = rng.uniform(2_000, 5_000, size=answers)
    return [
        shapely.Point(x, y).buffer(r, quad_segs=8) for (x, y), r in zip(centres, radii, strict=True)
    ]


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time of `runs` calls after one warm-up call, in milliseconds."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def point_maps(clicks: np.ndarray, targets: list) -> None:
    grid = make_grid((0, 0, WIDTH, HEIGHT))
    density_map(clicks, grid, bandwidth_um=200, mpp_x=MPP, mpp_y=MPP)
    misconception_clusters(clicks, targets, eps_um=100, min_size=10, mpp_x=MPP, mpp_y=MPP)


def measure_pure() -> dict[str, float]:
    """Milliseconds (median of `RUNS`) of the pure computations on the synthetic data."""
    clicks, targets = synthetic_clicks()
    outlines = synthetic_outlines()
    grid = make_grid((0, 0, WIDTH, HEIGHT))
    return {
        f"pure: density map + clusters, {ANSWERS} clicks": median_ms(
            lambda: point_maps(clicks, targets)
        ),
        f"pure: agreement map, {ANSWERS} outlines": median_ms(
            lambda: outline_agreement_map(outlines, grid)
        ),
    }


def seed(answers: int = ANSWERS):
    """A published quiz on a WIDTH × HEIGHT slide (a database row only: no pyramid is read)
    with a point question (the two targets of `synthetic_clicks`) and an outline question,
    and `answers` trainees' submitted attempts answering both with the synthetic data.
    Returns (quiz, point question, outline question)."""
    from django.utils import timezone
    from shapely.geometry import mapping

    from courses.models import (
        Answer,
        Attempt,
        Case,
        CaseSlide,
        Course,
        Module,
        Question,
        QuizQuestion,
        ReferenceAnswer,
    )
    from courses.models import Quiz as QuizModel
    from portal.models import Role, User
    from slides.models import Slide

    now = timezone.now()
    stamp = time.monotonic_ns()
    slide = Slide.objects.create(
        title="bench answer maps", status=Slide.Status.READY, width=WIDTH, height=HEIGHT,
        mpp_x=MPP, mpp_y=MPP,
    )  # fmt: skip
    course = Course.objects.create(title="bench answer maps", status="published")
    case = Case.objects.create(module=Module.objects.create(course=course, title="M"), title="C")
    case_slide = CaseSlide.objects.create(case=case, slide=slide, stain="H&E")
    quiz = QuizModel.objects.create(course=course, title="bench", published=True)
    clicks, targets = synthetic_clicks(answers)
    outlines = synthetic_outlines(answers)
    point = Question.objects.create(course=course, type="point", prompt="p", case_slide=case_slide)
    outline = Question.objects.create(
        course=course, type="outline", prompt="o", case_slide=case_slide
    )
    ReferenceAnswer.objects.create(
        question=point,
        geometry={"type": "GeometryCollection", "geometries": [mapping(t) for t in targets]},
        tolerance=10,
    )
    ReferenceAnswer.objects.create(
        question=outline, geometry=mapping(shapely.Point(40_000, 40_000).buffer(3_500))
    )
    for position, question in enumerate((point, outline)):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    trainees = User.objects.bulk_create(
        User(username=f"bench-maps-{stamp}-{n}", role=Role.TRAINEE) for n in range(answers)
    )
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz, trainee=trainee, state=Attempt.State.SUBMITTED, started_at=now,
            submitted_at=now, question_order=[point.id, outline.id], candidate_number=10_000 + n,
        )
        for n, trainee in enumerate(trainees)
    )  # fmt: skip
    rows = []
    for attempt, (x, y), drawn in zip(attempts, clicks.tolist(), outlines, strict=True):
        rows.append(Answer(attempt=attempt, question=point, payload={"points": [[x, y]]}))
        rows.append(Answer(attempt=attempt, question=outline, payload={"geometry": mapping(drawn)}))
    Answer.objects.bulk_create(rows, batch_size=500)
    return quiz, point, outline


def measure_service(quiz, point, outline) -> dict[str, float]:
    """Milliseconds (median of `RUNS`) of `heatmaps.answer_map` cold and warm."""
    from django.core.cache import cache

    from courses.assessment import heatmaps

    results = {}
    for label, question in (("point question", point), ("outline question", outline)):
        question = heatmaps.get_mapped_question(quiz, question.uuid)
        data = heatmaps.answer_map(quiz, question)
        if data["answers"] != ANSWERS:
            raise RuntimeError(f"the {label}'s map read {data['answers']} answers")

        def cold(question=question):
            cache.delete(heatmaps.cache_key(quiz, question))
            return heatmaps.answer_map(quiz, question)

        results[f"service, {label}: answer_map, cold (DB read + compute + cache set)"] = median_ms(
            cold
        )
        results[f"service, {label}: answer_map, cached"] = median_ms(
            lambda question=question: heatmaps.answer_map(quiz, question)
        )
    return results


def measure(answers: int = ANSWERS) -> dict[str, float]:
    """The pure timings and the service's, on data seeded and then rolled back."""
    from django.db import transaction

    results = measure_pure()
    with transaction.atomic():
        results.update(measure_service(*seed(answers)))
        transaction.set_rollback(True)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.answer_maps")
    parser.add_argument(
        "--service",
        action="store_true",
        help="also time courses.assessment.heatmaps on the database of DATABASE_URL "
        "(migrated; everything written is rolled back)",
    )
    args = parser.parse_args(argv)
    if args.service:
        import django

        django.setup()
        results = measure()
    else:
        results = measure_pure()
    for name, ms in results.items():
        print(f"{ms:9.1f} ms  {name} ({ANSWERS} answers, median of {RUNS})")


if __name__ == "__main__":
    main()
