"""Every CSV download neutralises text a spreadsheet would run as a formula (OWASP CSV injection):
trainee names in the results CSV, prompts in the item analysis CSV, and the helper both use."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from courses.assessment.csv_export import csv_download, neutralise
from portal.models import User


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example","x")', "@SUM(1)", "+1+1", "-1+cmd|' /C calc'!A0",
     "\t=1+1", "\r=1+1"],
)  # fmt: skip
def test_it_quotes_text_that_could_start_a_formula(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-0.5000", "-3", "-1e-05", "Colon", "a=b", 4, -2.5, None, ""])
def test_it_leaves_numbers_and_plain_text_alone(cell):
    assert neutralise(cell) == cell


def test_the_download_is_an_attachment_with_every_cell_neutralised():
    response = csv_download("x.csv", [["=1+1", 3, "-0.25"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert _rows(response) == [["'=1+1", "3", "-0.25"]]


def test_trainee_names_that_look_like_formulas_are_neutralised_in_the_results_csv(
    client, educator, item_quiz
):
    quiz, _ = item_quiz
    User.objects.filter(username="cand1").update(first_name='=HYPERLINK("http://evil.example")')
    User.objects.filter(username="cand2").update(first_name="@SUM(1)")
    client.force_login(educator)
    rows = _rows(client.get(reverse("courses:results-csv", args=[quiz.uuid])))
    names = {row[0] for row in rows[1:-1]}
    assert {'\'=HYPERLINK("http://evil.example")', "'@SUM(1)"} <= names
    assert not any(name.startswith(("=", "@", "+", "-")) for name in names)


def test_prompts_that_look_like_formulas_are_neutralised_in_the_item_analysis_csv(
    client, educator, item_quiz
):
    quiz, questions = item_quiz
    questions[0].prompt = "-2+3+cmd|' /C calc'!A0"
    questions[0].save(update_fields=["prompt"])
    client.force_login(educator)
    rows = _rows(client.get(reverse("courses:item-analysis-csv", args=[quiz.uuid])))
    assert rows[1][2] == "'-2+3+cmd|' /C calc'!A0"
    assert rows[3][5] == "-0.5000"  # a negative figure stays a number
