"""The item analysis page, its CSV and its API: figures, flags, options, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.assessment import services
from courses.assessment.item_analysis import analyse_items

from .conftest import HAND_MATRIX, MAX_POINTS

pytestmark = pytest.mark.django_db

EXPECTED = analyse_items(HAND_MATRIX, MAX_POINTS)


def _page(client, user, quiz):
    client.force_login(user)
    return client.get(reverse("courses:item-analysis", args=[quiz.uuid]))


def test_the_page_shows_the_figures_of_the_hand_matrix(client, educator, item_quiz):
    quiz, _ = item_quiz
    html = _page(client, educator, quiz).content.decode()
    for item in EXPECTED.items:
        row = html.split(f'data-item-row="{item.index + 1}"')[1].split("</tr>")[0]
        assert f"data-facility>{item.facility:.2f}<" in row
        assert f"data-discrimination>{item.discrimination:.2f}<" in row
        assert f"data-point-biserial>{item.point_biserial:.2f}<" in row
    assert f"data-alpha>{EXPECTED.alpha.value:.2f}<" in html
    assert "Not every question is marked right or wrong" in html  # KR-20's reason
    assert "6 candidates" in html


def test_a_flagged_question_shows_why_and_a_link_to_edit_it(client, educator, item_quiz):
    quiz, questions = item_quiz
    html = _page(client, educator, quiz).content.decode()
    q3 = html.split('data-item-row="3"')[1].split("</tr>")[0]
    assert 'data-flag="negative_discrimination"' in q3
    assert "The weakest candidates did better on it than the strongest" in q3
    edit = reverse("courses:question-edit", args=[questions[2].uuid]) + f"?quiz={quiz.uuid}"
    assert edit in q3
    assert "data-flag" not in html.split('data-item-row="1"')[1].split("</tr>")[0]
    assert "data-flagged-count>1 question flagged" in html


def test_the_page_counts_options_by_quartile_and_marks_the_correct_one(client, educator, item_quiz):
    quiz, _ = item_quiz
    html = _page(client, educator, quiz).content.decode()
    table = html.split('data-item-detail="1"')[1].split("</table>")[0]
    assert "<caption>How often each option of Q1 was chosen" in table
    headers = [
        cell.split(" <")[0]
        for cell in table.split('<th scope="col" class="results-table__num">')[2:]
    ]
    assert headers == ["Bottom quartile", "2nd quartile", "3rd quartile", "Top quartile"]
    correct = table.split('data-option="a"')[1].split("</tr>")[0]
    assert "data-correct" in correct and "correct option" in correct
    cells = [cell.split("</td>")[0] for cell in correct.split('data-quartile="')[1:]]
    assert [cell.split(">")[1].split(" ")[0] for cell in cells] == ["0", "0", "1", "2"]
    assert "data-correct" not in table.split('data-option="b"')[1].split("</tr>")[0]


def test_the_page_warns_about_answers_awaiting_an_examiner(client, educator, item_quiz):
    quiz, _ = item_quiz
    html = _page(client, educator, quiz).content.decode()
    assert "1 answer still awaits an examiner." in html
    assert "1 candidate is left out" in html


def test_with_few_candidates_the_page_says_the_figures_need_more(client, educator, item_quiz):
    quiz, _ = item_quiz
    quiz.attempts.filter(trainee__username__in=["cand3", "cand4", "cand5", "cand6"]).delete()
    html = _page(client, educator, quiz).content.decode()
    assert "data-few-candidates" in html and "With 2 candidates" in html
    assert "data-alpha" in html  # what can be computed is still shown


def test_without_submissions_the_page_has_an_empty_state(client, educator, item_quiz):
    quiz, _ = item_quiz
    quiz.attempts.all().delete()
    html = _page(client, educator, quiz).content.decode()
    assert "data-item-empty" in html and "No figures yet" in html
    assert "data-flag=" not in html


def test_an_examiner_reads_it_without_edit_links(client, examiner, item_quiz):
    quiz, _ = item_quiz
    response = _page(client, examiner, quiz)
    assert response.status_code == 200
    assert "data-flag=" in response.content.decode()
    assert "/edit/" not in response.content.decode().split("<main")[-1]


@pytest.mark.parametrize("persona", ["trainee", "other_educator", "other_trainee"])
def test_everyone_else_gets_404_even_after_release(client, request, persona, item_quiz):
    quiz, _ = item_quiz
    services.release_marks(quiz=quiz, now=timezone.now())
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("courses:item-analysis", args=[quiz.uuid]),
        reverse("courses:item-analysis-csv", args=[quiz.uuid]),
        reverse("api-item-analysis", args=[quiz.uuid]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_csv_has_a_row_per_question(client, educator, item_quiz):
    quiz, _ = item_quiz
    client.force_login(educator)
    response = client.get(reverse("courses:item-analysis-csv", args=[quiz.uuid]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == ["question", "type", "prompt", "points", "facility",
                           "discrimination", "point_biserial"]  # fmt: skip
    assert rows[3][0] == "Q3" and rows[3][5] == "-0.5000"
    assert rows[3][7] == "negative_discrimination"
    assert float(rows[1][4]) == pytest.approx(EXPECTED.items[0].facility, abs=1e-4)


def test_the_api_gives_the_same_figures(client, examiner, item_quiz):
    quiz, questions = item_quiz
    client.force_login(examiner)
    body = client.get(reverse("api-item-analysis", args=[quiz.uuid])).json()
    assert body["candidates"] == 6 and body["awaiting_answers"] == 1
    assert body["enough_candidates"] is True
    assert body["alpha"]["value"] == pytest.approx(EXPECTED.alpha.value)
    assert body["kr20"]["value"] is None and body["kr20"]["reason"]
    assert body["quartile_sizes"] == [2, 1, 1, 2]
    for item, expected in zip(body["items"], EXPECTED.items, strict=True):
        assert item["facility"] == pytest.approx(expected.facility)
        assert item["discrimination"] == pytest.approx(expected.discrimination)
        assert item["point_biserial"] == pytest.approx(expected.point_biserial)
    third = body["items"][2]
    assert third["question"] == str(questions[2].uuid)
    assert [flag["code"] for flag in third["flags"]] == ["negative_discrimination"]
    assert [(o["key"], o["is_correct"], o["by_quartile"]) for o in body["items"][0]["options"]] == [
        ("a", True, [0, 0, 1, 2]),
        ("b", False, [2, 0, 0, 0]),
        ("c", False, [0, 1, 0, 0]),
    ]


def test_results_and_quiz_edit_pages_link_to_it(client, educator, item_quiz):
    quiz, _ = item_quiz
    client.force_login(educator)
    url = reverse("courses:item-analysis", args=[quiz.uuid])
    for page in ("courses:results", "courses:quiz-edit"):
        assert url in client.get(reverse(page, args=[quiz.uuid])).content.decode(), page
