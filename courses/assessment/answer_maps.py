"""Where a cohort's answers fell on a slide: density, outline agreement, misconception clusters.

Pure computation: no Django, no database. Coordinates are level-0 pixels of the slide (x right,
y down), as in `slides.geometry`; distances given in micrometres are converted with the slide's
pixel size `mpp_x`, `mpp_y` (µm per pixel, which may differ between the axes).

The maps are laid on a `Grid` of square cells (in level-0 px) over a bounding box, at most
`max_cells` on the long side, so a viewer can overlay a map as an image: cell (row r, column c)
covers x in [origin_x + c·cell_size, origin_x + (c+1)·cell_size), y likewise with r.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.ndimage import gaussian_filter
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

MAX_CELLS = 256
TRUNCATE = 4.0  # the smoothing kernel reaches 4 bandwidths, where it has fallen below 0.03%

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Grid:
    """Square cells of `cell_size` level-0 px from (`origin_x`, `origin_y`), `rows`×`columns`."""

    origin_x: float
    origin_y: float
    cell_size: float
    columns: int
    rows: int

    @property
    def bounds(self) -> Bounds:
        """(min x, min y, max x, max y) of the whole grid in level-0 px."""
        return (
            self.origin_x,
            self.origin_y,
            self.origin_x + self.columns * self.cell_size,
            self.origin_y + self.rows * self.cell_size,
        )

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The x of each column's centre and the y of each row's centre, level-0 px."""
        xs = self.origin_x + (np.arange(self.columns) + 0.5) * self.cell_size
        ys = self.origin_y + (np.arange(self.rows) + 0.5) * self.cell_size
        return xs, ys

    def as_dict(self) -> dict[str, float | int]:
        return {
            "origin_x": self.origin_x,
            "origin_y": self.origin_y,
            "cell_size": self.cell_size,
            "columns": self.columns,
            "rows": self.rows,
        }


@dataclass(frozen=True, eq=False)
class DensityMap:
    """Smoothed click counts per cell: `values[row, column]`, read-only, shape (rows, columns).

    Each click adds 1 to its cell; the counts are then convolved with a Gaussian of standard
    deviation `bandwidth_um` (per axis in px: bandwidth / mpp, then in cells: ÷ cell_size), so a
    value is "clicks per cell, smoothed". The sum stays the number of clicks except for what
    the kernel spreads past the grid's edge. `peak` is the largest value, for scaling colours.
    `clicks` were inside the grid; `outside` fell outside it and are left out.
    """

    grid: Grid
    values: np.ndarray
    peak: float
    clicks: int
    outside: int
    bandwidth_um: float

    def as_dict(self, decimals: int = 4) -> dict[str, object]:
        """JSON-ready: the grid, the peak and the values as rows of rounded floats."""
        return {
            "grid": self.grid.as_dict(),
            "peak": self.peak,
            "clicks": self.clicks,
            "outside": self.outside,
            "values": np.round(self.values, decimals).tolist(),
        }


@dataclass(frozen=True, eq=False)
class AgreementMap:
    """The share of outlines covering each cell's centre: `values[row, column]` in 0 … 1.

    A centre on an outline's boundary counts as covered. `outlines` is the denominator: every
    outline passed, empty ones included (they cover nothing).
    """

    grid: Grid
    values: np.ndarray
    outlines: int

    def as_dict(self, decimals: int = 4) -> dict[str, object]:
        return {
            "grid": self.grid.as_dict(),
            "outlines": self.outlines,
            "values": np.round(self.values, decimals).tolist(),
        }


@dataclass(frozen=True)
class Cluster:
    """A group of wrong clicks: `size` clicks, `centre` their mean, `bounds` their extent (px).

    `members` are the clicks' indices in the sequence of points passed in, ascending.
    """

    size: int
    centre: tuple[float, float]
    bounds: Bounds
    members: tuple[int, ...]


@dataclass(frozen=True)
class Misconceptions:
    """Clusters of clicks outside every target, largest first.

    `clicks` were passed in, `outside` of them lay outside every target, `unclustered` of
    those belong to no cluster (scattered noise).
    """

    clusters: tuple[Cluster, ...]
    clicks: int
    outside: int
    unclustered: int


def _points(points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    xy = np.asarray(points, dtype=float)
    if xy.size == 0:
        return np.zeros((0, 2))
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError("Points must be pairs (x, y) of level-0 pixel coordinates.")
    if not np.isfinite(xy).all():
        raise ValueError("Every coordinate must be a finite number.")
    return xy


def _pixel_size(mpp_x: float | None, mpp_y: float | None) -> np.ndarray:
    mpp = np.array([np.nan if m is None else m for m in (mpp_x, mpp_y)], dtype=float)
    if not (np.isfinite(mpp).all() and (mpp > 0).all()):
        raise ValueError("The slide's pixel size (µm per pixel) must be known and positive.")
    return mpp


def make_grid(bounds: Bounds, *, max_cells: int = MAX_CELLS) -> Grid:
    """The grid over `bounds` = (min x, min y, max x, max y) with `max_cells` on the long side.

    For the whole slide pass (0, 0, width, height). The cells are square, so the short side
    has fewer cells and the grid may reach up to one cell past `bounds` on that side.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    width, height = maxx - minx, maxy - miny
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ValueError(f"A grid needs bounds with positive width and height, not {bounds}.")
    if max_cells < 1:
        raise ValueError("A grid needs at least one cell.")
    cell = max(width, height) / max_cells
    columns = max(1, min(max_cells, math.ceil(width / cell - 1e-9)))
    rows = max(1, min(max_cells, math.ceil(height / cell - 1e-9)))
    return Grid(minx, miny, cell, columns, rows)


def density_map(
    points: Sequence[Sequence[float]] | np.ndarray,
    grid: Grid,
    *,
    bandwidth_um: float,
    mpp_x: float,
    mpp_y: float,
) -> DensityMap:
    """The cohort's clicks counted per cell of `grid` and smoothed (see `DensityMap`).

    `points` are every click of every answer to the question, level-0 px. `bandwidth_um` ≥ 0
    is the Gaussian's standard deviation in µm; 0 leaves the counts unsmoothed.
    """
    xy = _points(points)
    mpp = _pixel_size(mpp_x, mpp_y)
    if not (math.isfinite(bandwidth_um) and bandwidth_um >= 0):
        raise ValueError("The bandwidth must be a number of micrometres ≥ 0.")
    column = np.floor((xy[:, 0] - grid.origin_x) / grid.cell_size).astype(np.int64)
    row = np.floor((xy[:, 1] - grid.origin_y) / grid.cell_size).astype(np.int64)
    inside = (column >= 0) & (column < grid.columns) & (row >= 0) & (row < grid.rows)
    flat = row[inside] * grid.columns + column[inside]
    counts = np.bincount(flat, minlength=grid.rows * grid.columns).astype(float)
    counts = counts.reshape(grid.rows, grid.columns)
    sigma_x, sigma_y = bandwidth_um / mpp / grid.cell_size  # cells, per axis
    if bandwidth_um > 0:
        counts = gaussian_filter(
            counts, sigma=(sigma_y, sigma_x), mode="constant", truncate=TRUNCATE
        )
    counts.setflags(write=False)
    return DensityMap(
        grid=grid,
        values=counts,
        peak=float(counts.max(initial=0.0)),
        clicks=int(inside.sum()),
        outside=int((~inside).sum()),
        bandwidth_um=float(bandwidth_um),
    )


def outline_agreement_map(outlines: Sequence[shapely.Geometry], grid: Grid) -> AgreementMap:
    """For each cell, the share of `outlines` (one per trainee) covering its centre.

    Each outline is tested only against the cell centres inside its bounding box, with
    shapely's vectorised `intersects_xy`. The outlines are prepared in place
    (`shapely.prepare`), which speeds later tests on them and changes nothing else.
    """
    xs, ys = grid.centres()
    covered = np.zeros((grid.rows, grid.columns), dtype=np.int32)
    for outline in outlines:
        if outline is None or outline.is_empty:
            continue
        minx, miny, maxx, maxy = outline.bounds
        # the columns and rows whose centres lie within the outline's bounding box
        c0, c1 = np.searchsorted(xs, minx, side="left"), np.searchsorted(xs, maxx, side="right")
        r0, r1 = np.searchsorted(ys, miny, side="left"), np.searchsorted(ys, maxy, side="right")
        if c0 >= c1 or r0 >= r1:
            continue
        shapely.prepare(outline)
        gx, gy = np.meshgrid(xs[c0:c1], ys[r0:r1])
        covered[r0:r1, c0:c1] += shapely.intersects_xy(outline, gx, gy)
    share = covered / len(outlines) if len(outlines) else covered.astype(float)
    share.setflags(write=False)
    return AgreementMap(grid=grid, values=share, outlines=len(outlines))


def _density_clusters(xy_um: np.ndarray, eps_um: float, min_size: int) -> np.ndarray:
    """DBSCAN labels (−1: noise) for points in µm.

    A point is *core* when at least `min_size` points (itself included) lie within `eps_um`;
    core points within `eps_um` of each other share a cluster; a non-core point within
    `eps_um` of a core point joins the cluster of its nearest core point (ties: the lowest
    index), so the result does not depend on the order of processing.
    """
    n = len(xy_um)
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels
    pairs = cKDTree(xy_um).query_pairs(eps_um, output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    degree = 1 + np.bincount(first, minlength=n) + np.bincount(second, minlength=n)
    core = degree >= min_size
    linked = core[first] & core[second]
    graph = coo_matrix((np.ones(int(linked.sum())), (first[linked], second[linked])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    labels[core] = component[core]
    mixed = core[first] ^ core[second]
    core_end = np.where(core[first[mixed]], first[mixed], second[mixed])
    border_end = np.where(core[first[mixed]], second[mixed], first[mixed])
    distance = np.hypot(*(xy_um[core_end] - xy_um[border_end]).T)
    order = np.lexsort((core_end, distance, border_end))
    _, nearest = np.unique(border_end[order], return_index=True)
    chosen = order[nearest]
    labels[border_end[chosen]] = labels[core_end[chosen]]
    return labels


def misconception_clusters(
    points: Sequence[Sequence[float]] | np.ndarray,
    targets: Sequence[shapely.Geometry],
    *,
    eps_um: float,
    min_size: int,
    mpp_x: float,
    mpp_y: float,
) -> Misconceptions:
    """Groups of clicks that lie outside every target, by a density rule (DBSCAN).

    A click on a target's boundary counts as inside it. Among the clicks outside, clusters are
    found as in `_density_clusters` with distances in µm; a cluster with fewer than `min_size`
    clicks (possible when its border clicks are nearer another cluster) is dropped as noise.
    Clusters come largest first; equal sizes by centre (x, then y), so the order is stable.
    """
    xy = _points(points)
    mpp = _pixel_size(mpp_x, mpp_y)
    if not (math.isfinite(eps_um) and eps_um > 0):
        raise ValueError("eps must be a positive number of micrometres.")
    if min_size < 1:
        raise ValueError("A cluster needs at least one click.")
    target = shapely.union_all([t for t in targets if t is not None])
    outside = np.ones(len(xy), dtype=bool)
    if not target.is_empty and len(xy):
        shapely.prepare(target)
        outside = ~shapely.intersects_xy(target, xy[:, 0], xy[:, 1])
    index = np.flatnonzero(outside)
    labels = _density_clusters(xy[index] * mpp, float(eps_um), int(min_size))
    clusters = []
    for label in np.unique(labels[labels >= 0]):
        members = index[labels == label]
        if members.size < min_size:
            continue
        group = xy[members]
        low, high = group.min(axis=0), group.max(axis=0)
        centre = group.mean(axis=0)
        clusters.append(
            Cluster(
                size=int(members.size),
                centre=(float(centre[0]), float(centre[1])),
                bounds=(float(low[0]), float(low[1]), float(high[0]), float(high[1])),
                members=tuple(int(m) for m in members),
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.centre))
    clustered = sum(c.size for c in clusters)
    return Misconceptions(
        clusters=tuple(clusters),
        clicks=len(xy),
        outside=int(index.size),
        unclustered=int(index.size) - clustered,
    )
