"""Building one point question's answer maps from 1,000 answers: density map plus clusters.

Pure CPU, in-process: `courses.assessment.answer_maps` on synthetic clicks over a 100,000 ×
80,000 px slide at 0.25 µm/px. Most clicks land in the two targets, two groups of wrong clicks
and scattered noise lie outside. Also times the outline agreement map from 1,000 outlines.
Run with `python -m bench.answer_maps`; prints the median of several runs in ms.
"""

from __future__ import annotations

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


def main() -> None:
    clicks, targets = synthetic_clicks()
    outlines = synthetic_outlines()
    grid = make_grid((0, 0, WIDTH, HEIGHT))
    points_ms = median_ms(lambda: point_maps(clicks, targets))
    outlines_ms = median_ms(lambda: outline_agreement_map(outlines, grid))
    runs = f"median of {RUNS}"
    print(f"answer maps, {ANSWERS} answers: density map + clusters {points_ms:.1f} ms ({runs})")
    print(f"answer maps, {ANSWERS} outlines: agreement map {outlines_ms:.1f} ms ({runs})")


if __name__ == "__main__":
    main()
