"""Answer maps on the slide: density of clicks, outline agreement, misconception clusters."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from bench.answer_maps import MPP, synthetic_clicks
from courses.assessment.answer_maps import (
    Grid,
    density_map,
    make_grid,
    misconception_clusters,
    outline_agreement_map,
)


def lattice(
    x0: float, y0: float, columns: int, rows: int, step: float
) -> list[tuple[float, float]]:
    return [(x0 + c * step, y0 + r * step) for r in range(rows) for c in range(columns)]


def test_the_grid_has_square_cells_and_at_most_max_cells_on_the_long_side():
    assert make_grid((0, 0, 1000, 500), max_cells=100) == Grid(0, 0, 10, 100, 50)
    tall = make_grid((100, 200, 400, 1200))
    # long side 1000 px / 256 cells = 3.90625 px; short side ⌈300 / 3.90625⌉ = ⌈76.8⌉ = 77
    assert (tall.cell_size, tall.rows, tall.columns) == (3.90625, 256, 77)
    assert tall.bounds[:2] == (100, 200) and tall.bounds[3] == pytest.approx(1200)
    with pytest.raises(ValueError, match="positive width"):
        make_grid((0, 0, 0, 100))


def test_unsmoothed_density_counts_clicks_per_cell():
    grid = make_grid((0, 0, 100, 50), max_cells=10)  # 10 px cells, 10 × 5
    clicks = [(5, 5), (9.9, 0), (15, 45), (99, 49), (100, 10), (-1, 10)]
    result = density_map(clicks, grid, bandwidth_um=0, mpp_x=0.5, mpp_y=0.5)
    assert result.values.shape == (5, 10)
    assert result.values[0, 0] == 2 and result.values[4, 1] == 1 and result.values[4, 9] == 1
    assert result.values.sum() == 4
    assert (result.clicks, result.outside) == (4, 2)
    assert result.peak == 2


def test_smoothing_spreads_each_click_by_the_bandwidth_in_micrometres_per_axis():
    # 10 px cells; bandwidth 10 µm is 20 px = 2 cells across (0.5 µm/px) and
    # 10 px = 1 cell down (1 µm/px): the spread's variance is σ² in cells, 4 across and 1 down.
    grid = make_grid((0, 0, 1000, 500), max_cells=100)
    result = density_map([(505, 255)], grid, bandwidth_um=10, mpp_x=0.5, mpp_y=1.0)
    values = result.values
    assert values.sum() == pytest.approx(1.0, abs=1e-6)
    assert np.unravel_index(values.argmax(), values.shape) == (25, 50)
    rows, columns = np.indices(values.shape)
    assert (values * (columns - 50) ** 2).sum() == pytest.approx(4.0, rel=0.02)
    assert (values * (rows - 25) ** 2).sum() == pytest.approx(1.0, rel=0.02)
    assert not values.flags.writeable


def test_the_density_peaks_where_the_cohort_clicked_most():
    grid = make_grid((0, 0, 10_000, 10_000), max_cells=100)  # 100 px cells
    clicks = lattice(2_000, 7_000, 6, 6, 10) + lattice(8_000, 1_000, 3, 3, 10)
    result = density_map(clicks, grid, bandwidth_um=50, mpp_x=0.5, mpp_y=0.5)
    row, column = np.unravel_index(result.values.argmax(), result.values.shape)
    assert (row, column) == (70, 20)
    assert result.as_dict()["grid"] == grid.as_dict()
    assert len(result.as_dict()["values"]) == 100


def test_density_needs_a_known_pixel_size():
    grid = make_grid((0, 0, 100, 100))
    with pytest.raises(ValueError, match="pixel size"):
        density_map([(1, 1)], grid, bandwidth_um=5, mpp_x=None, mpp_y=0.5)


def test_agreement_is_the_share_of_outlines_covering_each_cell_centre():
    grid = make_grid((0, 0, 100, 100), max_cells=10)  # centres at 5, 15, …, 95
    outlines = [box(0, 0, 50, 50), box(30, 30, 100, 100), shapely.Polygon()]
    result = outline_agreement_map(outlines, grid)
    assert result.outlines == 3
    assert result.values[0, 0] == pytest.approx(1 / 3)  # centre (5, 5): the first only
    assert result.values[3, 4] == pytest.approx(2 / 3)  # centre (45, 35): both
    assert result.values[9, 9] == pytest.approx(1 / 3)  # centre (95, 95): the second only
    assert result.values[0, 9] == 0  # centre (95, 5): neither
    # a centre on the outline's edge counts as covered
    assert outline_agreement_map([box(0, 0, 45, 45)], grid).values[4, 4] == 1


def test_agreement_matches_testing_every_centre_against_every_outline():
    rng = np.random.default_rng(4)
    grid = make_grid((0, 0, 2_000, 1_500), max_cells=64)
    outlines = [
        shapely.Point(x, y).buffer(r)
        for x, y, r in rng.uniform((0, 0, 50), (2_000, 1_500, 600), (40, 3))
    ]
    xs, ys = grid.centres()
    gx, gy = np.meshgrid(xs, ys)
    expected = np.mean([shapely.intersects_xy(o, gx, gy) for o in outlines], axis=0)
    assert outline_agreement_map(outlines, grid).values == pytest.approx(expected)


# Misconceptions at 0.5 µm/px, eps 40 µm (80 px), clusters of at least 5 clicks:
#   150 clicks inside the two targets: a crowd of 100 in the circle, 49 scattered in the
#   square, one on the square's edge — never clusters, since they are right;
#   group A: 8 × 8 = 64 clicks 20 px apart at (30 000, 20 000) — a cluster of 64;
#   group B: 5 × 5 = 25 clicks 20 px apart at (5 000, 25 000) — a cluster of 25;
#   group C: 2 × 2 = 4 clicks 20 px apart — too few for a cluster;
#   noise: 5 × 4 = 20 clicks 2 000 px (1 000 µm) apart — each alone.
CIRCLE = shapely.Point(10_000, 10_000).buffer(1_000)
SQUARE = box(20_000, 5_000, 22_000, 6_000)
GROUP_A = lattice(30_000, 20_000, 8, 8, 20)
GROUP_B = lattice(5_000, 25_000, 5, 5, 20)
GROUP_C = lattice(15_000, 35_000, 2, 2, 20)
NOISE = lattice(40_000, 30_000, 5, 4, 2_000)


def constructed_clicks() -> list[tuple[float, float]]:
    rng = np.random.default_rng(1)
    in_circle = lattice(9_900, 9_900, 10, 10, 20)  # a crowd of right clicks
    in_square = [tuple(p) for p in rng.uniform((20_000, 5_000), (22_000, 6_000), (49, 2))]
    on_edge = [(22_000, 5_500)]
    clicks = in_circle + GROUP_B + in_square + NOISE + GROUP_A + on_edge + GROUP_C
    return [tuple(map(float, c)) for c in clicks]


def test_two_groups_of_wrong_clicks_are_found_with_their_sizes():
    clicks = constructed_clicks()
    result = misconception_clusters(
        clicks, [CIRCLE, SQUARE], eps_um=40, min_size=5, mpp_x=0.5, mpp_y=0.5
    )
    assert [cluster.size for cluster in result.clusters] == [64, 25]
    first, second = result.clusters
    assert first.centre == pytest.approx((30_070, 20_070))
    assert first.bounds == (30_000, 20_000, 30_140, 20_140)
    assert second.centre == pytest.approx((5_040, 25_040))
    assert [clicks[i] for i in second.members] == [tuple(map(float, p)) for p in GROUP_B]
    assert (result.clicks, result.outside, result.unclustered) == (263, 113, 24)


def test_without_targets_the_crowd_of_right_clicks_would_be_a_cluster_too():
    result = misconception_clusters(
        constructed_clicks(), [], eps_um=40, min_size=5, mpp_x=0.5, mpp_y=0.5
    )
    assert result.outside == 263
    assert [cluster.size for cluster in result.clusters] == [100, 64, 25]


def test_a_click_near_a_core_click_joins_its_cluster_as_a_border_click():
    # eps 10 µm at 1 µm/px, at least 3: the middle click has 3 within eps (itself included),
    # the two ends only 2 — they are border clicks, in the cluster all the same
    result = misconception_clusters(
        [(0, 0), (10, 0), (20, 0), (500, 0)], [], eps_um=10, min_size=3, mpp_x=1, mpp_y=1
    )
    assert [cluster.members for cluster in result.clusters] == [(0, 1, 2)]
    assert result.unclustered == 1


def test_eps_is_measured_in_micrometres_on_each_axis():
    # 30 px apart is 30 µm across (1 µm/px) but 60 µm down (2 µm/px); eps 40 µm
    across = [(x, 0) for x in range(0, 300, 30)]
    down = [(10_000, y) for y in range(0, 300, 30)]
    result = misconception_clusters(across + down, [], eps_um=40, min_size=3, mpp_x=1, mpp_y=2)
    assert [cluster.members for cluster in result.clusters] == [tuple(range(10))]


def test_clusters_of_equal_size_come_in_a_stable_order():
    clicks = lattice(900, 100, 3, 3, 5) + lattice(100, 100, 3, 3, 5)
    result = misconception_clusters(clicks, [], eps_um=10, min_size=3, mpp_x=1, mpp_y=1)
    assert [cluster.centre for cluster in result.clusters] == [(105, 105), (905, 105)]


def test_no_clicks_give_no_clusters():
    result = misconception_clusters([], [CIRCLE], eps_um=40, min_size=5, mpp_x=0.5, mpp_y=0.5)
    assert result.clusters == () and result.clicks == 0


def test_the_benchmark_s_thousand_answers_give_its_two_clusters():
    """The data `bench.answer_maps` times (how long it takes belongs to the benchmark)."""
    clicks, targets = synthetic_clicks()
    assert len(clicks) == 1_000
    grid = make_grid((0, 0, 100_000, 80_000))
    density = density_map(clicks, grid, bandwidth_um=200, mpp_x=MPP, mpp_y=MPP)
    result = misconception_clusters(clicks, targets, eps_um=100, min_size=10, mpp_x=MPP, mpp_y=MPP)
    assert [cluster.size for cluster in result.clusters] == [200, 100]
    assert density.clicks == 1_000
