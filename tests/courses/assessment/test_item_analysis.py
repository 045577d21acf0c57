"""Item analysis: facility, 27% discrimination, corrected point-biserial, α, KR-20, options."""

from __future__ import annotations

import numpy as np
import pytest

from courses.assessment.item_analysis import (
    analyse_items,
    cronbach_alpha,
    extreme_groups,
    option_frequencies,
    total_quartiles,
)

# Six candidates, three right/wrong questions worth 1 point each:
#
#        Q1 Q2 Q3 | total
#   c1    1  1  1 |  3
#   c2    1  1  0 |  2
#   c3    1  0  1 |  2
#   c4    1  0  0 |  1
#   c5    0  1  0 |  1
#   c6    0  0  0 |  0
#
# Groups: g = ⌊.27·6 + ½⌋ = 2. The 2nd highest total is 2, and c2 and c3 tie there, so the upper
# group is c1, c2, c3; the 2nd lowest total is 1, so the lower group is c4, c5, c6.
BINARY = [[1, 1, 1], [1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_facility_is_the_mean_share_of_the_marks():
    # Q1 4/6, Q2 3/6, Q3 2/6
    items = analyse_items(BINARY, [1, 1, 1]).items
    assert [item.facility for item in items] == pytest.approx([4 / 6, 3 / 6, 2 / 6])


def test_discrimination_matches_the_hand_computation_with_ties_at_the_boundary():
    # Q1: upper 3/3, lower 1/3 → 2/3;  Q2: upper 2/3, lower 1/3 → 1/3;  Q3: 2/3 − 0/3 → 2/3
    result = analyse_items(BINARY, [1, 1, 1])
    assert (result.upper_group, result.lower_group) == (3, 3)
    assert [item.discrimination for item in result.items] == pytest.approx([2 / 3, 1 / 3, 2 / 3])


def test_corrected_point_biserial_matches_the_hand_computation():
    # Q1 against the rest (total − Q1): x = 1 1 1 1 0 0 (mean 2/3), rest = 2 1 1 0 1 0 (mean 5/6)
    # Σ dx·dy = ⅓·(7/6 + 1/6 + 1/6 − 5/6) + (−⅔)·(1/6 − 5/6) = 2/9 + 4/9 = 2/3
    # Σ dx² = 4·(1/9) + 2·(4/9) = 4/3;  Σ dy² = (49 + 1 + 1 + 25 + 1 + 25)/36 = 17/6
    # r = (2/3) / √(4/3 · 17/6) = 2/√34 = .34300
    # Q2 against the rest: x = 1 1 0 0 1 0, rest = 2 1 2 1 0 0: Σ dx·dy = 0, so r = 0
    items = analyse_items(BINARY, [1, 1, 1]).items
    assert items[0].point_biserial == pytest.approx(2 / np.sqrt(34))
    assert items[1].point_biserial == pytest.approx(0.0, abs=1e-12)


def test_point_biserial_equals_pearson_r_with_the_rest_of_the_quiz():
    rng = np.random.default_rng(5)
    maxima = np.array([1, 2, 4, 1, 3])
    scores = np.floor(rng.uniform(0, 1, size=(40, 5)) * (maxima + 1))
    result = analyse_items(scores.tolist(), maxima.tolist())
    for i, item in enumerate(result.items):
        rest = scores.sum(axis=1) - scores[:, i]
        assert item.point_biserial == pytest.approx(np.corrcoef(scores[:, i], rest)[0, 1])


def test_alpha_and_kr20_match_the_hand_computation_on_right_wrong_items():
    # item variances p·q: 2/9, 1/4, 2/9, sum 25/36
    # totals 3 2 2 1 1 0: mean 1.5, squared deviations 2.25 .25 .25 .25 .25 2.25 → var 5.5/6 = 11/12
    # α = KR-20 = 3/2 · (1 − (25/36)/(11/12)) = 3/2 · 8/33 = 4/11
    result = analyse_items(BINARY, [1, 1, 1])
    assert result.alpha.value == pytest.approx(4 / 11)
    assert result.kr20.value == pytest.approx(4 / 11)


def test_alpha_matches_the_hand_computation_on_partial_marks_and_kr20_stands_aside():
    #        Q1 Q2 | total   (each out of 2)
    #   c1    2  2 |  4
    #   c2    1  2 |  3
    #   c3    1  0 |  1
    #   c4    0  0 |  0
    # var Q1 = (1 + 0 + 0 + 1)/4 = .5; var Q2 = (1 + 1 + 1 + 1)/4 = 1
    # totals mean 2: var = (4 + 1 + 1 + 4)/4 = 2.5; α = 2/1 · (1 − 1.5/2.5) = .8
    result = analyse_items([[2, 2], [1, 2], [1, 0], [0, 0]], [2, 2])
    assert result.alpha.value == pytest.approx(0.8)
    assert result.kr20.value is None and "right or wrong" in result.kr20.reason


def test_kr20_equals_alpha_on_random_right_wrong_data_whatever_the_points():
    rng = np.random.default_rng(8)
    right = rng.uniform(size=(50, 8)) < rng.uniform(0.2, 0.9, size=8)
    maxima = np.array([1, 2, 1, 3, 1, 1, 2, 5], dtype=float)
    result = analyse_items((right * maxima).tolist(), maxima.tolist())
    # KR-20 counts every item as one point, so it equals α on the 0/1 matrix
    assert result.kr20.value == pytest.approx(cronbach_alpha(right.astype(float)).value)
    assert result.alpha.value != pytest.approx(result.kr20.value)


def test_reliability_is_undefined_without_spread_or_with_one_item():
    assert analyse_items([[1, 1], [1, 1]], [1, 1]).alpha.value is None
    single = analyse_items([[1], [0]], [1])
    assert single.alpha.value is None and "two questions" in single.alpha.reason


def test_the_figures_do_not_depend_on_the_order_of_the_rows():
    rng = np.random.default_rng(2)
    scores = rng.integers(0, 3, size=(23, 4)).astype(float)
    one = analyse_items(scores.tolist(), [2, 2, 2, 2])
    other = analyse_items(scores[rng.permutation(23)].tolist(), [2, 2, 2, 2])
    assert (one.upper_group, one.lower_group) == (other.upper_group, other.lower_group)
    assert one.alpha.value == pytest.approx(other.alpha.value)
    for mine, theirs in zip(one.items, other.items, strict=True):
        assert mine.facility == pytest.approx(theirs.facility)
        assert mine.discrimination == pytest.approx(theirs.discrimination)
        assert mine.point_biserial == pytest.approx(theirs.point_biserial)


def test_groups_that_would_overlap_leave_discrimination_undefined():
    # everyone has total 1: the top and bottom 27% are the same candidates
    result = analyse_items([[1, 0], [0, 1], [1, 0], [0, 1]], [1, 1])
    assert all(item.discrimination is None for item in result.items)
    assert "upper and lower group" in result.items[0].notes[0]
    assert extreme_groups([1, 1, 1, 1]) is None


def test_nominal_group_size_rounds_twenty_seven_percent():
    # n = 10: g = ⌊2.7 + .5⌋ = 3 → the three highest and three lowest distinct totals
    upper, lower = extreme_groups(list(range(10)))
    assert np.flatnonzero(upper).tolist() == [7, 8, 9]
    assert np.flatnonzero(lower).tolist() == [0, 1, 2]


def test_item_total_correlation_is_undefined_when_the_item_does_not_vary():
    result = analyse_items([[1, 1, 0], [1, 0, 0], [1, 1, 1]], [1, 1, 1])
    assert result.items[0].point_biserial is None
    assert result.items[0].notes


def test_dubious_items_are_flagged_with_reasons():
    # Q1: everyone right (too easy); Q2: right only for the weakest three (negative
    # discrimination); Q3: one in ten right (too hard); Q4 to Q6 separate strong from weak.
    #        Q1 Q2 Q3 Q4 Q5 Q6 | total
    scores = [
        [1, 0, 1, 1, 1, 1],  # 5
        [1, 0, 0, 1, 1, 1],  # 4
        [1, 0, 0, 1, 1, 1],  # 4
        [1, 0, 0, 1, 1, 0],  # 3
        [1, 0, 0, 1, 0, 1],  # 3
        [1, 0, 0, 1, 1, 0],  # 3
        [1, 0, 0, 1, 0, 1],  # 3
        [1, 1, 0, 0, 0, 0],  # 2
        [1, 1, 0, 0, 0, 0],  # 2
        [1, 1, 0, 0, 0, 0],  # 2
    ]
    # g = ⌊2.7 + .5⌋ = 3: upper group the totals 5, 4, 4; lower group the three 2s
    # Q2: facility .3, discrimination 0/3 − 3/3 = −1
    items = analyse_items(scores, [1] * 6).items
    codes = [{flag.code for flag in item.flags} for item in items]
    assert codes == [{"too_easy"}, {"negative_discrimination"}, {"too_hard"}, set(), set(), set()]
    assert "100.0%" in items[0].flags[0].reason
    assert "weakest" in items[1].flags[0].reason
    assert items[1].discrimination == pytest.approx(-1.0)


def test_it_refuses_scores_out_of_range_or_a_ragged_matrix():
    with pytest.raises(ValueError, match="between 0"):
        analyse_items([[1.5, 0]], [1, 1])
    with pytest.raises(ValueError, match="one score"):
        analyse_items([[1, 0], [1]], [1, 1])
    with pytest.raises(ValueError, match="positive"):
        analyse_items([[0, 0]], [1, 0])


def test_an_empty_cohort_has_no_figures():
    result = analyse_items([], [1, 2])
    assert result.candidates == 0
    assert result.items[0].facility is None and result.alpha.value is None


def test_quartiles_put_tied_totals_together():
    # totals 0 1 1 3 5 5 5 8: average ranks 0, 1.5, 1.5, 3, 5, 5, 5, 7
    # quartile ⌊4·(r + ½)/8⌋: 0, 1, 1, 1, 2, 2, 2, 3
    quartile = total_quartiles([5, 0, 1, 5, 8, 1, 3, 5])
    assert quartile.tolist() == [2, 0, 1, 2, 3, 1, 1, 2]
    assert total_quartiles(range(8)).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_option_frequencies_by_quartile():
    # totals 0 1 2 3 4 5 6 7 → two candidates per quartile
    choices = [{"a"}, {"a"}, {"a"}, {"b"}, {"b", "c"}, {"b"}, set(), {"b"}]
    result = option_frequencies(choices, ["a", "b", "c", "d"], range(8))
    assert result.quartile_sizes == (2, 2, 2, 2)
    rows = {row.key: row for row in result.options}
    assert rows["a"].by_quartile == (2, 1, 0, 0) and rows["a"].chosen == 3
    assert rows["b"].by_quartile == (0, 1, 2, 1)
    assert rows["b"].share_by_quartile == (0.0, 0.5, 1.0, 0.5)
    assert rows["d"].chosen == 0
    assert [row.key for row in result.options] == ["a", "b", "c", "d"]


def test_option_frequencies_refuse_an_unknown_option():
    with pytest.raises(ValueError, match="not among"):
        option_frequencies([{"z"}], ["a", "b"], [1])
