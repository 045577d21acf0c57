"""Item analysis after an exam: which questions worked, and how reliable the whole quiz was.

Pure computation: no Django, no database. The input is a matrix of scores, one row per
candidate's submitted attempt and one column per question, each score in points between 0 and
that question's max points (an unanswered question scores 0: the caller fills it in). A figure
that cannot be computed is None, and the item's `notes` say why, in sentences for the educator.

Ties, decided here so that the figures never depend on the order of the rows:
- the upper and lower 27% groups take every candidate tied with the one at the boundary (so a
  group can be larger than 27%); when the ties reach across the middle and the two groups
  would share candidates, discrimination is None;
- quartiles of the total give tied candidates their average rank, so ties share a quartile.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

GROUP_SHARE = 0.27  # Kelley's 27%: the groups most different while still large enough
TOO_HARD = 0.2
TOO_EASY = 0.95
SLACK = 1e-9


@dataclass(frozen=True)
class ItemFlag:
    """Why a question looks dubious. `code` is stable, for code; `reason` is for people."""

    code: str  # "negative_discrimination", "too_hard" or "too_easy"
    reason: str


@dataclass(frozen=True)
class ItemStatistics:
    """One question's figures.

    facility = mean score / max points: the share of the marks the cohort earned (0 … 1).
    discrimination = facility in the upper group − facility in the lower group (−1 … 1),
        groups by total score (see the module docstring for ties).
    point_biserial = the corrected item–total correlation: Pearson's r between the item's
        score and the total of the OTHER items (leaving the item out of the total keeps it from
        correlating with itself). For a right/wrong item this is the point-biserial r.
    """

    index: int
    max_points: float
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    flags: tuple[ItemFlag, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Reliability:
    """A reliability coefficient for the whole quiz (None with a `reason` when undefined)."""

    value: float | None
    reason: str = ""


@dataclass(frozen=True)
class ItemAnalysis:
    """The quiz's item analysis.

    alpha: Cronbach's α = k/(k−1) · (1 − Σ var(item) / var(total)), k items.
    kr20: KR-20 = k/(k−1) · (1 − Σ p·q / var(number right)), p the share who got an item right
        and q = 1 − p; only when every score is 0 or the item's max points. It counts each item
        as one, whatever its points, and equals α computed on 0/1 scores. Variances here are
        population variances (÷ n); α is the same with n − 1 since only a ratio enters.
    upper_group / lower_group: how many candidates the 27% groups hold, ties included.
    """

    candidates: int
    items: tuple[ItemStatistics, ...]
    alpha: Reliability
    kr20: Reliability
    upper_group: int
    lower_group: int


@dataclass(frozen=True)
class OptionRow:
    """How often one option was chosen: overall and in each quartile of the total (Q1 lowest)."""

    key: str
    chosen: int
    by_quartile: tuple[int, int, int, int]
    share_by_quartile: tuple[float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class OptionFrequencies:
    """Option counts for one choice question; `quartile_sizes` are the candidates per quartile."""

    quartile_sizes: tuple[int, int, int, int]
    options: tuple[OptionRow, ...]


def _score_matrix(scores: Sequence[Sequence[float]], max_points: Sequence[float]):
    maxima = np.asarray(max_points, dtype=float).reshape(-1)
    ragged = f"Every row must hold one score for each of the {maxima.size} items."
    try:
        table = np.asarray(scores, dtype=float)
    except ValueError:
        raise ValueError(ragged) from None
    if table.shape == (0,):
        table = table.reshape(0, maxima.size)
    if table.ndim != 2 or table.shape[1] != maxima.size:
        raise ValueError(ragged)
    if not (np.isfinite(maxima).all() and (maxima > 0).all()):
        raise ValueError("Every item's max points must be a positive number.")
    if not np.isfinite(table).all():
        raise ValueError("Every score must be a finite number.")
    if ((table < -SLACK) | (table > maxima * (1 + SLACK) + SLACK)).any():
        raise ValueError("Every score must lie between 0 and its item's max points.")
    return table, maxima


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r; None when either has (almost) no variance, where r is 0/0."""
    if x.size < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    scale = max(float(np.abs(x).max()), float(np.abs(y).max()), 1.0)
    if sxx <= (SLACK * scale) ** 2 or syy <= (SLACK * scale) ** 2:
        return None
    return float(np.clip((dx @ dy) / np.sqrt(sxx * syy), -1.0, 1.0))


def extreme_groups(totals: Sequence[float]) -> tuple[np.ndarray, np.ndarray] | None:
    """Masks of the upper and lower 27% by total, ties at each boundary included.

    The nominal size is g = ⌊0.27·n + ½⌋, at least 1. The upper group is everyone whose total
    is at least the g-th highest, the lower group everyone at most the g-th lowest. None when
    n < 2 or the groups would overlap (ties straddling the middle).
    """
    values = np.asarray(totals, dtype=float)
    n = values.size
    if n < 2:
        return None
    g = max(1, int(GROUP_SHARE * n + 0.5))
    ordered = np.sort(values)
    upper_cut, lower_cut = ordered[n - g], ordered[g - 1]
    if upper_cut <= lower_cut + SLACK:
        return None
    return values >= upper_cut - SLACK, values <= lower_cut + SLACK


def cronbach_alpha(table: np.ndarray) -> Reliability:
    """Cronbach's α of a candidates × items score matrix (formula in `ItemAnalysis`)."""
    n, k = table.shape
    if k < 2:
        return Reliability(None, "Reliability needs at least two questions.")
    if n < 2:
        return Reliability(None, "Reliability needs at least two candidates.")
    total_variance = float(table.sum(axis=1).var())
    if total_variance <= SLACK:
        return Reliability(None, "Every candidate has the same total, so α is undefined (0/0).")
    item_variance = float(table.var(axis=0).sum())
    return Reliability(k / (k - 1) * (1 - item_variance / total_variance))


def kr20(table: np.ndarray, maxima: np.ndarray) -> Reliability:
    """KR-20 of a matrix of right/wrong scores (formula in `ItemAnalysis`).

    None, with a reason, when some score is neither 0 nor the item's max points.
    """
    right = np.isclose(table, maxima, rtol=SLACK, atol=SLACK)
    wrong = np.isclose(table, 0.0, atol=SLACK)
    if not (right | wrong).all():
        return Reliability(None, "Not every question is marked right or wrong; read α instead.")
    n, k = table.shape
    if k < 2 or n < 2:
        return cronbach_alpha(right.astype(float))
    p = right.mean(axis=0)
    number_right = right.sum(axis=1).astype(float)
    variance = float(number_right.var())
    if variance <= SLACK:
        return Reliability(None, "Every candidate got the same number right: KR-20 is 0/0.")
    return Reliability(k / (k - 1) * (1 - float((p * (1 - p)).sum()) / variance))


def _flags(facility: float | None, discrimination: float | None) -> tuple[ItemFlag, ...]:
    flags = []
    if discrimination is not None and discrimination < 0:
        flags.append(
            ItemFlag(
                "negative_discrimination",
                f"The weakest candidates did better on it than the strongest "
                f"(discrimination {discrimination:.2f}): check the key and the wording.",
            )
        )
    if facility is not None and facility < TOO_HARD:
        flags.append(
            ItemFlag(
                "too_hard",
                f"Candidates earned {facility:.1%} of its marks (below {TOO_HARD:.0%}): "
                "too hard, or the key is wrong.",
            )
        )
    if facility is not None and facility > TOO_EASY:
        flags.append(
            ItemFlag(
                "too_easy",
                f"Candidates earned {facility:.1%} of its marks (above {TOO_EASY:.0%}): "
                "it tells candidates apart hardly at all.",
            )
        )
    return tuple(flags)


def analyse_items(scores: Sequence[Sequence[float]], max_points: Sequence[float]) -> ItemAnalysis:
    """Facility, discrimination, corrected point-biserial and flags per item; α and KR-20.

    `scores[c][i]` is candidate c's score on item i, in points; `max_points[i]` is item i's.
    ValueError when the matrix is ragged, a score is out of range or a max is not positive.
    """
    table, maxima = _score_matrix(scores, max_points)
    n, k = table.shape
    totals = table.sum(axis=1)
    groups = extreme_groups(totals)
    items = []
    for i in range(k):
        column = table[:, i]
        notes = []
        facility = float(column.mean() / maxima[i]) if n else None
        if facility is None:
            notes.append("Nobody submitted an attempt.")
        discrimination = None
        if groups is None:
            notes.append("Discrimination needs totals that separate an upper and lower group.")
        else:
            upper, lower = groups
            discrimination = float((column[upper].mean() - column[lower].mean()) / maxima[i])
        rest = totals - column
        point_biserial = pearson(column, rest) if k > 1 else None
        if point_biserial is None:
            notes.append(
                "The item–total correlation is undefined: the item's scores or the other "
                "items' totals do not vary, or there are too few candidates or items."
            )
        items.append(
            ItemStatistics(
                index=i,
                max_points=float(maxima[i]),
                facility=facility,
                discrimination=discrimination,
                point_biserial=point_biserial,
                flags=_flags(facility, discrimination),
                notes=tuple(notes),
            )
        )
    return ItemAnalysis(
        candidates=n,
        items=tuple(items),
        alpha=cronbach_alpha(table),
        kr20=kr20(table, maxima),
        upper_group=int(groups[0].sum()) if groups else 0,
        lower_group=int(groups[1].sum()) if groups else 0,
    )


def total_quartiles(totals: Sequence[float]) -> np.ndarray:
    """Each candidate's quartile of the total, 0 (lowest) … 3 (highest).

    A candidate with average rank r (0-based; tied candidates share the mean of their ranks)
    among n falls in quartile ⌊4·(r + ½) / n⌋: the quartile holding the middle of their place
    in the ranking. Without ties the quartiles differ in size by at most one.
    """
    values = np.asarray(totals, dtype=float)
    if values.size == 0:
        return np.zeros(0, dtype=int)
    ranks = rankdata(values, method="average") - 1
    return np.minimum(np.floor(4 * (ranks + 0.5) / values.size).astype(int), 3)


def option_frequencies(
    choices: Sequence[AbstractSet[str]], options: Sequence[str], totals: Sequence[float]
) -> OptionFrequencies:
    """How often each option of a choice question was chosen, by quartile of the total.

    `choices[c]` is the set of option keys candidate c chose (empty when unanswered),
    `totals[c]` their total score on the quiz, `options` the question's keys in display order.
    `share_by_quartile` is the share of that quartile's candidates who chose the option (None
    for an empty quartile). A key that is not one of `options` raises ValueError.
    """
    if len(choices) != len(totals):
        raise ValueError(f"{len(choices)} sets of choices but {len(totals)} totals.")
    keys = tuple(options)
    unknown = set().union(*choices) - set(keys) if choices else set()
    if unknown:
        raise ValueError(f"Options {sorted(unknown)} are not among {list(keys)}.")
    quartile = total_quartiles(totals)
    sizes = np.bincount(quartile, minlength=4)
    rows = []
    for key in keys:
        chose = np.array([key in chosen for chosen in choices], dtype=bool)
        counts = np.bincount(quartile[chose], minlength=4)
        shares = tuple(float(c / s) if s else None for c, s in zip(counts, sizes, strict=True))
        rows.append(OptionRow(key, int(chose.sum()), tuple(int(c) for c in counts), shares))
    return OptionFrequencies(tuple(int(s) for s in sizes), tuple(rows))
