"""How well two markers agree when both marked the same answers.

Pure computation: no Django, no database. Every function takes the two markers' marks as two
sequences of equal length, in the same order (element i of both is the same answer), in points
of the question (0 … its max points). A figure that cannot be computed is None, and the result
carries a `reason`: one sentence for the educator saying why.

Which figure to read depends on the kind of mark (`mark_scale` decides):
- *banded* marks take a few values (0, ½, 1 of the points): weighted Cohen's κ, which counts
  a disagreement of one band as a partial disagreement;
- *continuous* marks (any number of points): the intraclass correlation (ICC).
The mean absolute difference and Bland–Altman's bias and limits of agreement are read on both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Weights = Literal["unweighted", "linear", "quadratic"]
FEWER_THAN_TWO = "Fewer than two answers were marked by both markers."
LIMITS_Z = 1.96  # the 97.5th percentile of the normal distribution: 95% of differences inside
MAX_BANDS = 5  # more distinct marks than this and κ's bands grow too thin to mean anything


@dataclass(frozen=True)
class MarkScale:
    """Whether a question's marks are `banded` (κ applies) or `continuous` (ICC applies).

    `bands` are the distinct marks seen, ascending (all of them, even when continuous).
    """

    kind: Literal["banded", "continuous"]
    bands: tuple[float, ...]


@dataclass(frozen=True)
class Kappa:
    """Cohen's κ, weighted: 1 − Σ w·observed / Σ w·expected.

    `observed` and `expected` are the proportions of answers in each cell (i, j) of the k×k
    table of marker one's band i against marker two's band j; expected = row share × column
    share (chance agreement from each marker's own spread of marks). The disagreement weight
    w(i, j) of bands i and j (their ranks in `categories`, 0 … k−1) is
      unweighted 0 on the diagonal, 1 elsewhere;
      linear     |i − j| / (k − 1);
      quadratic  (i − j)² / (k − 1)².
    κ = 1: perfect agreement; 0: no better than chance; below 0: worse than chance.
    `observed_agreement` is the share of answers given exactly the same band.
    """

    value: float | None
    weights: Weights
    pairs: int
    categories: tuple[float, ...]
    observed_agreement: float | None
    reason: str = ""


@dataclass(frozen=True)
class Icc:
    """Intraclass correlation from the two-way ANOVA of n answers × k markers.

    With MSR the mean square between answers (rows), MSC between markers (columns) and MSE
    the residual mean square:
      absolute agreement ICC(2,1) = (MSR − MSE) / (MSR + (k−1)·MSE + k·(MSC − MSE)/n)
      consistency        ICC(3,1) = (MSR − MSE) / (MSR + (k−1)·MSE)
    (Shrout & Fleiss 1979; McGraw & Wong 1996 call them ICC(A,1) and ICC(C,1).)

    `absolute_agreement` is the main figure. The two markers' marks are combined into the
    trainee's final mark, so a marker who is systematically harsher changes results and who
    passes; absolute agreement counts that offset against agreement, consistency ignores it.
    Strictly, two fixed markers who each mark every answer is Shrout & Fleiss' case 3 (mixed
    model), but McGraw & Wong show the absolute-agreement coefficient for that model has the
    same formula as ICC(2,1), so the figure is right whichever model one prefers.
    Either can be negative when answers differ less than the markers' noise.
    """

    absolute_agreement: float | None
    consistency: float | None
    pairs: int
    reason: str = ""


@dataclass(frozen=True)
class BlandAltman:
    """Bland–Altman: bias = mean of d = first − second; limits = bias ± 1.96 · SD(d).

    SD is the sample standard deviation (n − 1). About 95% of differences between the two
    markers are expected inside the limits. A positive bias: marker one marks higher.
    `means` and `differences` are the points of the Bland–Altman plot, one per answer.
    """

    bias: float | None
    lower_limit: float | None
    upper_limit: float | None
    sd: float | None
    means: tuple[float, ...]
    differences: tuple[float, ...]
    reason: str = ""


@dataclass(frozen=True)
class Agreement:
    """Every figure for one question and one pair of markers.

    `mean_absolute_difference` = mean |first − second| in points, None with no pairs.
    κ is computed only for banded marks; for continuous marks its value is None with a reason.
    """

    pairs: int
    scale: MarkScale
    linear_kappa: Kappa
    quadratic_kappa: Kappa
    icc: Icc
    mean_absolute_difference: float | None
    bland_altman: BlandAltman


def _pairs(first: Sequence[float], second: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(first, dtype=float).reshape(-1)
    b = np.asarray(second, dtype=float).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"Both markers must mark the same answers: {a.size} marks vs {b.size}.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("Every mark must be a finite number.")
    return a, b


def mark_scale(
    first: Sequence[float], second: Sequence[float] = (), *, max_bands: int = MAX_BANDS
) -> MarkScale:
    """Banded when both markers together used at most `max_bands` distinct marks.

    Marks that differ by less than 1e-9 count as one (floating-point noise from fractions).
    With very few answers every question looks banded; a caller who knows the question's
    marking steps should pass them to `weighted_kappa` as `categories` instead.
    """
    marks = np.concatenate([np.asarray(first, dtype=float), np.asarray(second, dtype=float)])
    bands = tuple(float(value) for value in np.unique(np.round(marks, 9)))
    return MarkScale("banded" if len(bands) <= max_bands else "continuous", bands)


def _disagreement_weights(k: int, weights: Weights) -> np.ndarray:
    ranks = np.arange(k, dtype=float)
    gap = np.abs(ranks[:, None] - ranks[None, :])
    if weights == "unweighted":
        return (gap > 0).astype(float)
    scaled = gap / (k - 1) if k > 1 else gap
    if weights == "linear":
        return scaled
    if weights == "quadratic":
        return scaled**2
    raise ValueError(f"Unknown weights {weights!r}: use unweighted, linear or quadratic.")


def weighted_kappa(
    first: Sequence[float],
    second: Sequence[float],
    *,
    weights: Weights = "linear",
    categories: Sequence[float] | None = None,
) -> Kappa:
    """Cohen's κ between two markers' banded marks (see `Kappa` for the formula).

    `categories` are the possible marks in order (e.g. 0, 0.5, 1); by default the distinct
    marks either marker gave. A mark outside `categories` raises ValueError.

    Degenerate inputs, decided here: fewer than two pairs gives None. When both markers gave
    every answer one and the same mark, chance agreement is already perfect and κ = 0/0 is
    undefined: None, with `observed_agreement` 1.0 and a reason saying so — rather than 1.0,
    which would claim the markers discriminate alike when nothing was discriminated.
    """
    a, b = _pairs(first, second)
    bands = tuple(sorted(set(np.round(np.concatenate([a, b]), 9).tolist())))
    cats = tuple(float(c) for c in categories) if categories is not None else bands
    if len(set(cats)) != len(cats) or list(cats) != sorted(cats):
        raise ValueError("Categories must be distinct and in ascending order.")
    if a.size < 2:
        return Kappa(None, weights, int(a.size), cats, None, FEWER_THAN_TWO)
    index = {round(c, 9): i for i, c in enumerate(cats)}
    try:
        rows = [index[round(float(x), 9)] for x in a]
        cols = [index[round(float(x), 9)] for x in b]
    except KeyError as missing:
        raise ValueError(f"Mark {missing.args[0]} is not one of the categories {cats}.") from None
    k = len(cats)
    observed = np.zeros((k, k))
    np.add.at(observed, (rows, cols), 1.0)
    observed /= a.size
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    w = _disagreement_weights(k, weights)
    exact = float(np.trace(observed))
    chance_disagreement = float((w * expected).sum())
    if chance_disagreement <= 1e-12:
        reason = "Both markers gave every answer the same mark, so κ is undefined (0/0)."
        return Kappa(None, weights, int(a.size), cats, exact, reason)
    value = 1.0 - float((w * observed).sum()) / chance_disagreement
    return Kappa(value, weights, int(a.size), cats, exact)


def intraclass_correlation(first: Sequence[float], second: Sequence[float]) -> Icc:
    """ICC(2,1) absolute agreement and ICC(3,1) consistency (see `Icc` for the formulas).

    None when fewer than two answers, or when a coefficient's denominator is 0 (every mark the
    same: no variation to apportion). Each coefficient is checked on its own: when every
    answer got the same pair of marks but the markers differ, consistency is undefined while
    absolute agreement is 0.
    """
    a, b = _pairs(first, second)
    n, k = int(a.size), 2
    if n < 2:
        return Icc(None, None, n, FEWER_THAN_TWO)
    table = np.column_stack([a, b])
    grand = table.mean()
    ss_rows = k * float(((table.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((table.mean(axis=0) - grand) ** 2).sum())
    ss_error = float(((table - grand) ** 2).sum()) - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = max(ss_error, 0.0) / ((n - 1) * (k - 1))  # clamp rounding below 0
    consistency_den = msr + (k - 1) * mse
    absolute_den = consistency_den + k * (msc - mse) / n
    consistency = (msr - mse) / consistency_den if consistency_den > 1e-12 else None
    absolute = (msr - mse) / absolute_den if absolute_den > 1e-12 else None
    reasons = []
    if absolute is None:
        reasons.append("Absolute agreement is undefined: the marks do not vary (0/0).")
    if consistency is None:
        reasons.append("Consistency is undefined: the answers' marks do not vary (0/0).")
    reason = " ".join(reasons)
    return Icc(absolute, consistency, n, reason)


def bland_altman(first: Sequence[float], second: Sequence[float]) -> BlandAltman:
    """Bias and 95% limits of agreement of first − second (see `BlandAltman`)."""
    a, b = _pairs(first, second)
    differences = a - b
    means = (a + b) / 2
    points = (tuple(means.tolist()), tuple(differences.tolist()))
    if a.size < 2:
        return BlandAltman(None, None, None, None, *points, reason=FEWER_THAN_TWO)
    bias = float(differences.mean())
    sd = float(differences.std(ddof=1))
    spread = LIMITS_Z * sd
    return BlandAltman(bias, bias - spread, bias + spread, sd, *points)


def mean_absolute_difference(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Mean |first − second| in points; None when there are no pairs."""
    a, b = _pairs(first, second)
    if a.size == 0:
        return None
    return math.fsum(np.abs(a - b).tolist()) / a.size


def agreement(
    first: Sequence[float],
    second: Sequence[float],
    *,
    categories: Sequence[float] | None = None,
    max_bands: int = MAX_BANDS,
) -> Agreement:
    """Every agreement figure for one question and one pair of markers.

    With `categories` (the question's possible marks) the marks are banded by definition and
    κ uses them; otherwise `mark_scale` decides from the marks themselves.
    """
    a, b = _pairs(first, second)
    scale = mark_scale(a, b, max_bands=max_bands)
    if categories is not None:
        scale = MarkScale("banded", tuple(float(c) for c in categories))
    kappas = []
    for weights in ("linear", "quadratic"):
        if scale.kind == "banded":
            kappas.append(weighted_kappa(a, b, weights=weights, categories=categories))
        else:
            reason = f"The marks take more than {max_bands} values; read the ICC instead."
            kappas.append(Kappa(None, weights, int(a.size), (), None, reason))
    return Agreement(
        pairs=int(a.size),
        scale=scale,
        linear_kappa=kappas[0],
        quadratic_kappa=kappas[1],
        icc=intraclass_correlation(a, b),
        mean_absolute_difference=mean_absolute_difference(a, b),
        bland_altman=bland_altman(a, b),
    )
