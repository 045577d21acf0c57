from __future__ import annotations

from pathlib import Path

import pytest

from courses.curriculum_csv import CurriculumCsvError, parse_curriculum_csv

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures/curriculum/example-histopathology.csv"


def test_it_reads_rows_in_order_with_their_parents():
    rows = parse_curriculum_csv(b"code,parent_code,title\nA,,Top\nA.1,A,Child\n")
    assert [(r.line, r.code, r.parent_code, r.title) for r in rows] == [
        (2, "A", "", "Top"),
        (3, "A.1", "A", "Child"),
    ]


def test_the_shipped_example_is_valid_and_about_twenty_outcomes():
    rows = parse_curriculum_csv(EXAMPLE.read_bytes())
    assert 18 <= len(rows) <= 30


def test_it_reports_every_problem_with_its_line_number():
    data = "code,parent_code,title\nA,,Top\nA,,Again\nB,Z,Orphan\nC,,\n"
    with pytest.raises(CurriculumCsvError) as error:
        parse_curriculum_csv(data)
    assert error.value.problems == [
        "Line 3: the code 'A' appears twice.",
        "Line 4: the parent 'Z' is not on an earlier line.",
        "Line 5: the title is empty.",
    ]


def test_a_parent_must_come_before_its_child():
    with pytest.raises(CurriculumCsvError, match="Line 2: the parent 'B'"):
        parse_curriculum_csv("code,parent_code,title\nA,B,Child\nB,,Parent\n")


def test_it_refuses_a_file_without_the_columns():
    with pytest.raises(CurriculumCsvError, match="Line 1: missing column"):
        parse_curriculum_csv("code,title\nA,Top\n")


def test_it_refuses_an_empty_file_and_non_utf8():
    with pytest.raises(CurriculumCsvError, match="no outcomes"):
        parse_curriculum_csv("code,parent_code,title\n")
    with pytest.raises(CurriculumCsvError, match="UTF-8"):
        parse_curriculum_csv(b"code,parent_code,title\n\xff,,x\n")
