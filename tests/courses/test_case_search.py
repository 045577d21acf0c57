"""Searching cases by their text, for the educators of their course only, and the search page
that shows slides and cases together (courses/search.py, courses/views/search.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from courses import services
from courses.search import cases_for


@pytest.fixture
def more_cases(course):
    module = course.modules.get()
    for title, history in [
        ("Sessile serrated lesion", "Screening colonoscopy in a 60-year-old man."),
        ("Breast lump", "A 50-year-old woman found a lump."),
    ]:
        case = services.add_case(module=module, title=title)
        services.update_case(case=case, title=title, clinical_history=history, diagnosis="",
                             discussion="", reveal_allowed=True)  # fmt: skip
    return course


def titles(cases) -> list[str]:
    return [case.title for case in cases]


def test_cases_are_found_by_history_and_diagnosis(educator, more_cases):
    assert titles(cases_for(educator, "rectal bleeding")) == ["Case 1"]
    assert titles(cases_for(educator, "adenocarcinoma")) == ["Case 1"]
    assert titles(cases_for(educator, "screening colonoscopy")) == ["Sessile serrated lesion"]
    assert cases_for(educator, "   ") == []


def test_typos_in_a_cases_text_are_forgiven(educator, more_cases):
    if connection.vendor == "postgresql":
        assert titles(cases_for(educator, "breast lumps")) == ["Breast lump"]  # stemmed
    assert titles(cases_for(educator, "serated lesion")) == ["Sessile serrated lesion"]


def test_nobody_but_the_courses_educators_searches_its_cases(
    trainee, other_educator, examiner, more_cases
):
    # A trainee searching diagnoses would learn which case shows what.
    for person in (trainee, other_educator, examiner):
        assert cases_for(person, "adenocarcinoma") == []


def test_the_search_page_shows_slides_and_cases_in_bounded_queries(
    client, educator, trainee, more_cases, django_assert_max_num_queries
):
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        response = client.get("/search/", {"q": "adenocarcinoma"})
    body = response.content.decode()
    assert response.status_code == 200 and "Case 1" in body and "Breast lump" not in body
    assert "No slide matches" in body
    assert client.get("/search/", {"q": "x" * 201}).status_code == 200  # the form says why
    client.force_login(trainee)
    assert client.get("/search/", {"q": "adenocarcinoma"}).status_code == 404
