"""The item report reads the marks that count into the matrix `analyse_items` takes."""

from __future__ import annotations

import pytest

from courses.assessment import authoring, marking
from courses.assessment.item_analysis import analyse_items
from courses.assessment.item_report import item_report
from courses.models import Answer

from .conftest import HAND_MATRIX, MAX_POINTS

pytestmark = pytest.mark.django_db


def test_the_matrix_is_each_candidates_best_fully_marked_attempt(item_quiz):
    quiz, _ = item_quiz
    report = item_report(quiz)
    # cand7 awaits the examiner and cand8 has not submitted; cand1's worse attempt is ignored.
    assert report.labels == ("cand1", "cand2", "cand3", "cand4", "cand5", "cand6")
    assert report.matrix == HAND_MATRIX
    assert (report.awaiting_candidates, report.awaiting_answers) == (1, 1)


def test_its_figures_are_those_of_analyse_items_on_the_hand_matrix(item_quiz):
    quiz, _ = item_quiz
    report = item_report(quiz)
    expected = analyse_items(HAND_MATRIX, MAX_POINTS)
    assert report.analysis == expected
    assert [item.stats for item in report.items] == list(expected.items)
    q3 = report.items[2]
    # By hand: two of six got it right; upper group cand1, cand2 (4 each) both wrong, lower group
    # cand4, cand6 (1 each) one right: 0 − 0.5.
    assert q3.stats.facility == pytest.approx(2 / 6)
    assert q3.stats.discrimination == pytest.approx(-0.5)
    assert [flag.code for flag in q3.flags] == ["negative_discrimination"]
    assert [item.flags for item in report.items if item.number != 3] == [(), (), ()]
    assert report.analysis.kr20.value is None  # Q2 and Q4 have part marks


def test_options_are_counted_by_quartile_of_the_total(item_quiz):
    quiz, _ = item_quiz
    report = item_report(quiz)
    # Totals 4, 4, 2.5, 1, 1.5, 1: Q1 (lowest) cand4, cand6; Q2 cand5; Q3 cand3; Q4 cand1, cand2.
    assert report.quartile_sizes == (2, 1, 1, 2)
    single = report.items[0]
    assert [(o.key, o.is_correct, o.chosen, o.by_quartile) for o in single.options] == [
        ("a", True, 3, (0, 0, 1, 2)),
        ("b", False, 2, (2, 0, 0, 0)),
        ("c", False, 1, (0, 1, 0, 0)),
    ]
    assert single.options[0].share_by_quartile == (0.0, 0.0, 1.0, 1.0)
    multiple = report.items[1]
    assert [(o.key, o.by_quartile) for o in multiple.options] == [
        ("a", (2, 0, 1, 2)),
        ("b", (0, 0, 0, 2)),
        ("c", (1, 0, 0, 0)),
    ]
    assert report.items[2].options == () and report.items[3].options == ()


def test_a_candidate_counts_once_marked(item_quiz, examiner):
    quiz, questions = item_quiz
    answer = Answer.objects.get(attempt__trainee__username="cand7", question=questions[3])
    marking.examiner_mark(answer=answer, marker=examiner, score=1)
    report = item_report(quiz)
    assert report.labels[-1] == "cand7"
    assert report.matrix[-1] == (1, 2, 1, 1)
    assert report.awaiting_candidates == 0


def test_a_question_not_every_candidate_was_given_is_left_out(item_quiz):
    quiz, _ = item_quiz
    authoring.add_question(quiz=quiz, type="numeric", prompt="Added late", reference={"value": 1})
    report = item_report(quiz)
    assert report.matrix == HAND_MATRIX
    late = report.items[4]
    assert late.stats is None and "0 of the 6 candidates" in late.left_out


def test_a_quiz_without_submissions_gives_empty_figures(item_quiz):
    quiz, _ = item_quiz
    empty = authoring.duplicate_quiz(quiz=quiz)
    report = item_report(empty)
    assert report.candidates == 0 and not report.enough_candidates
    assert [item.stats.facility for item in report.items] == [None] * 4
    assert report.analysis.alpha.value is None


def test_it_reads_in_a_fixed_number_of_queries(item_quiz, django_assert_max_num_queries):
    quiz, _ = item_quiz
    with django_assert_max_num_queries(10):
        report = item_report(quiz)
    assert report.candidates == 6
