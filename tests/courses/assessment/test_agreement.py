"""Agreement between two markers: weighted κ, ICC, mean absolute difference, Bland–Altman."""

from __future__ import annotations

import numpy as np
import pytest

from courses.assessment.agreement import (
    agreement,
    bland_altman,
    intraclass_correlation,
    mark_scale,
    mean_absolute_difference,
    weighted_kappa,
)

# Ten answers marked 0, ½ or 1 by two markers. The table of marker one (rows) against marker
# two (columns), bands in the order 0, ½, 1:
#
#            0   ½   1   | row share
#       0  [ 2,  1,  0 ] | .3
#       ½  [ 1,  2,  1 ] | .4
#       1  [ 0,  1,  2 ] | .3
#   column   .3  .4  .3
TABLE = [[2, 1, 0], [1, 2, 1], [0, 1, 2]]
BANDS = (0.0, 0.5, 1.0)


def pairs_from_table(table: list[list[int]], bands: tuple[float, ...]):
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [bands[i]] * count
            second += [bands[j]] * count
    return first, second


FIRST, SECOND = pairs_from_table(TABLE, BANDS)


def test_unweighted_kappa_matches_the_hand_computation():
    # observed agreement po = (2 + 2 + 2) / 10 = .6
    # chance agreement pe = .3·.3 + .4·.4 + .3·.3 = .34
    # κ = (po − pe) / (1 − pe) = .26 / .66 = 13/33
    kappa = weighted_kappa(FIRST, SECOND, weights="unweighted")
    assert kappa.value == pytest.approx(13 / 33)
    assert kappa.observed_agreement == pytest.approx(0.6)
    assert kappa.pairs == 10 and kappa.categories == BANDS


def test_linear_kappa_matches_the_hand_computation():
    # weights |i − j| / 2: one band apart .5, two bands apart 1
    # observed disagreement = (1 + 1 + 1 + 1)·.5 / 10 + 0·1 = .2
    # expected disagreement = 4 cells one apart · (.3·.4)·.5 + 2 cells two apart · (.3·.3)·1
    #                       = .24 + .18 = .42
    # κ = 1 − .2 / .42 = 11/21
    assert weighted_kappa(FIRST, SECOND, weights="linear").value == pytest.approx(11 / 21)


def test_quadratic_kappa_matches_the_hand_computation():
    # weights (i − j)² / 4: one band apart .25, two bands apart 1
    # observed = 4·.25 / 10 = .1; expected = 4·(.12)·.25 + 2·(.09)·1 = .12 + .18 = .30
    # κ = 1 − .1 / .3 = 2/3
    assert weighted_kappa(FIRST, SECOND, weights="quadratic").value == pytest.approx(2 / 3)


def test_quadratic_kappa_equals_the_fleiss_cohen_moment_formula_on_band_ranks():
    # Independent check (Fleiss & Cohen 1973): with bands scored by rank, quadratic κ equals
    # 2·cov / (var₁ + var₂ + (mean₁ − mean₂)²), population moments. Uneven marginals here.
    rng = np.random.default_rng(3)
    first = rng.integers(0, 4, size=60)
    second = np.clip(first + rng.integers(-1, 3, size=60), 0, 3)
    x, y = first.astype(float), second.astype(float)
    cov = ((x - x.mean()) * (y - y.mean())).mean()
    expected = 2 * cov / (x.var() + y.var() + (x.mean() - y.mean()) ** 2)
    kappa = weighted_kappa(
        first / 3, second / 3, weights="quadratic", categories=(0, 1 / 3, 2 / 3, 1)
    )
    assert kappa.value == pytest.approx(expected)


def test_every_weighting_gives_the_plain_kappa_on_a_two_by_two_table():
    # right/wrong marks: both right 20, one only 5, two only 10, both wrong 15 (n = 50)
    # po = 35/50 = .7; marker one right .5, marker two right .6
    # pe = .5·.6 + .5·.4 = .5; κ = (.7 − .5) / (1 − .5) = .4
    first, second = pairs_from_table([[15, 10], [5, 20]], (0.0, 1.0))
    for weights in ("unweighted", "linear", "quadratic"):
        assert weighted_kappa(first, second, weights=weights).value == pytest.approx(0.4)


def test_kappa_does_not_depend_on_which_marker_is_first():
    first, second = pairs_from_table([[3, 2, 0], [0, 4, 3], [1, 0, 5]], BANDS)
    for weights in ("unweighted", "linear", "quadratic"):
        one = weighted_kappa(first, second, weights=weights).value
        other = weighted_kappa(second, first, weights=weights).value
        assert one == pytest.approx(other)


def test_perfect_agreement_is_one_and_opposite_marks_are_below_zero():
    assert weighted_kappa(FIRST, FIRST).value == pytest.approx(1.0)
    assert weighted_kappa([0, 1, 0, 1], [1, 0, 1, 0]).value == pytest.approx(-1.0)


def test_kappa_is_undefined_when_every_mark_is_the_same():
    kappa = weighted_kappa([1, 1, 1], [1, 1, 1], categories=BANDS)
    assert kappa.value is None
    assert kappa.observed_agreement == 1.0
    assert "undefined" in kappa.reason


def test_kappa_needs_two_pairs():
    kappa = weighted_kappa([1], [1])
    assert kappa.value is None and "Fewer than two" in kappa.reason


def test_kappa_refuses_a_mark_outside_the_categories():
    with pytest.raises(ValueError, match="not one of the categories"):
        weighted_kappa([0, 0.5, 0.7], [0, 0.5, 1], categories=BANDS)


def test_it_refuses_marks_for_different_numbers_of_answers():
    with pytest.raises(ValueError, match="same answers"):
        weighted_kappa([0, 1], [0, 1, 1])


# Five answers marked out of 12 by two markers:
#   marker one  2  4  6  8 10   (mean 6)
#   marker two  3  5  6  9 12   (mean 7)
#   row means 2.5 4.5 6 8.5 11; grand mean 6.5
# SS rows   = 2·(4² + 2² + .5² + 2² + 4.5²) = 2·44.5 = 89      MSR = 89/4 = 22.25
# SS cols   = 5·(.5² + .5²) = 2.5                             MSC = 2.5/1 = 2.5
# SS total  = 41.25 + 51.25 = 92.5
# SS error  = 92.5 − 89 − 2.5 = 1                             MSE = 1/4 = .25
# ICC(3,1)  = (22.25 − .25) / (22.25 + .25) = 22/22.5 = 44/45
# ICC(2,1)  = (22.25 − .25) / (22.25 + .25 + 2·(2.5 − .25)/5) = 22/23.4 = 110/117
ONE = [2, 4, 6, 8, 10]
TWO = [3, 5, 6, 9, 12]


def test_icc_matches_the_hand_computation():
    icc = intraclass_correlation(ONE, TWO)
    assert icc.consistency == pytest.approx(44 / 45)
    assert icc.absolute_agreement == pytest.approx(110 / 117)
    assert icc.pairs == 5 and icc.reason == ""


def test_consistency_icc_equals_twice_the_covariance_over_the_summed_variances():
    # Independent check: for two markers ICC(3,1) = 2·cov / (var₁ + var₂) (sample moments).
    rng = np.random.default_rng(11)
    first = rng.uniform(0, 10, size=40)
    second = first + rng.normal(0.7, 1.0, size=40)
    cov = np.cov(first, second)
    expected = 2 * cov[0, 1] / (cov[0, 0] + cov[1, 1])
    assert intraclass_correlation(first, second).consistency == pytest.approx(expected)


def test_a_harsher_marker_lowers_absolute_agreement_but_not_consistency():
    harsher = [mark - 2 for mark in ONE]
    shifted = intraclass_correlation(ONE, harsher)
    assert shifted.consistency == pytest.approx(1.0)
    assert shifted.absolute_agreement < 0.9


def test_icc_is_undefined_when_nothing_varies():
    icc = intraclass_correlation([3, 3, 3], [3, 3, 3])
    assert icc.absolute_agreement is None and icc.consistency is None
    assert "undefined" in icc.reason


def test_icc_needs_two_pairs():
    icc = intraclass_correlation([3], [4])
    assert icc.absolute_agreement is None and "Fewer than two" in icc.reason


def test_bland_altman_matches_the_hand_computation():
    # d = one − two = −1, −1, 0, −1, −2: bias −1
    # deviations 0, 0, 1, 0, −1: SD = √(2/4) = .70711; limits −1 ± 1.96·.70711 = −1 ± 1.38593
    result = bland_altman(ONE, TWO)
    assert result.bias == pytest.approx(-1.0)
    assert result.sd == pytest.approx(np.sqrt(0.5))
    assert result.lower_limit == pytest.approx(-2.385929, abs=1e-6)
    assert result.upper_limit == pytest.approx(0.385929, abs=1e-6)
    assert result.differences == (-1, -1, 0, -1, -2)
    assert result.means == (2.5, 4.5, 6, 8.5, 11)


def test_bland_altman_needs_two_pairs_but_still_gives_the_plot_points():
    result = bland_altman([2], [3])
    assert result.bias is None and result.lower_limit is None and result.differences == (-1,)


def test_mean_absolute_difference():
    # |d| = 1, 1, 0, 1, 2: mean 1
    assert mean_absolute_difference(ONE, TWO) == pytest.approx(1.0)
    assert mean_absolute_difference([], []) is None


def test_few_distinct_marks_are_banded_and_many_are_continuous():
    assert mark_scale([0, 0.5, 1, 1], [0.5, 0.5, 0, 1]).kind == "banded"
    scale = mark_scale(ONE, TWO)
    assert scale.kind == "continuous"
    assert scale.bands == (2, 3, 4, 5, 6, 8, 9, 10, 12)
    assert mark_scale([0, 1 / 3 + 1e-12], [1 / 3]).bands == pytest.approx((0, 1 / 3))


def test_agreement_reads_kappa_for_banded_marks():
    result = agreement(FIRST, SECOND)
    assert result.scale.kind == "banded"
    assert result.linear_kappa.value == pytest.approx(11 / 21)
    assert result.quadratic_kappa.value == pytest.approx(2 / 3)
    assert result.icc.absolute_agreement is not None
    assert result.mean_absolute_difference == pytest.approx(0.2)


def test_agreement_leaves_kappa_out_for_continuous_marks():
    result = agreement(ONE, TWO)
    assert result.scale.kind == "continuous"
    assert result.linear_kappa.value is None and "ICC" in result.linear_kappa.reason
    assert result.icc.absolute_agreement == pytest.approx(110 / 117)
    assert result.bland_altman.bias == pytest.approx(-1.0)


def test_agreement_uses_the_question_categories_when_given():
    result = agreement([0, 1, 1, 0.5], [0, 1, 0.5, 0.5], categories=(0, 0.25, 0.5, 0.75, 1))
    assert result.scale.kind == "banded"
    assert result.linear_kappa.categories == (0, 0.25, 0.5, 0.75, 1)
    assert result.linear_kappa.value is not None
