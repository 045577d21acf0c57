"""Library search: ranked full text, typo-tolerant trigram matching, facets with counts, and
the portable fallback for the embedded SQLite default (slides/search.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from slides import search, services
from slides.models import Slide

pytestmark = pytest.mark.django_db

CORPUS = [
    # title, organ, stain, tags
    ("Breast core biopsy", "Breast", "H&E", ["ductal carcinoma"]),
    ("Breast excision, ER", "Breast", "ER", ["carcinoma", "receptors"]),
    ("Colon polyp", "Colon", "H&E", ["adenoma"]),
    ("Lymph node with metastatic carcinoma", "Lymph node", "H&E", ["carcinoma", "metastasis"]),
    ("Skin punch", "Skin", "PAS", ["fungal"]),
]


@pytest.fixture
def corpus():
    slides = {}
    for title, organ, stain, tags in CORPUS:
        slide = Slide.objects.create(title=title, organ=organ, stain=stain, status="ready")
        services.update_slide_details(slide=slide, title=title, organ=organ, stain=stain,
                                      tags=tags)  # fmt: skip
        slides[title] = slide
    return slides


def titles(queryset) -> list[str]:
    return [slide.title for slide in queryset]


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("full-text and trigram search run on PostgreSQL (make test sets it)")


def test_breast_h_and_e_finds_the_breast_h_and_e_slide(corpus):
    needs_postgres()
    assert titles(search.search(Slide.objects.all(), "Breast H&E")) == ["Breast core biopsy"]
    assert titles(search.search(Slide.objects.all(), "breast h&e")) == ["Breast core biopsy"]


def test_a_typo_still_finds_its_slides(corpus):
    needs_postgres()
    assert set(titles(search.search(Slide.objects.all(), "brest"))) == {
        "Breast core biopsy", "Breast excision, ER"}  # fmt: skip
    assert titles(search.search(Slide.objects.all(), "fungl")) == ["Skin punch"]
    assert titles(search.search(Slide.objects.all(), "metastatc carcinma")) == [
        "Lymph node with metastatic carcinoma"]  # fmt: skip
    assert titles(search.search(Slide.objects.all(), "xylophone")) == []


def test_ranking_puts_the_closest_match_first(corpus):
    needs_postgres()
    found = titles(search.search(Slide.objects.all(), "metastatic carcinoma"))
    assert found[0] == "Lymph node with metastatic carcinoma"
    # Plurals and stems match: "biopsies" finds "biopsy".
    assert titles(search.search(Slide.objects.all(), "biopsies")) == ["Breast core biopsy"]


def test_tags_organ_and_stain_are_searched_and_kept_current(corpus):
    needs_postgres()
    assert titles(search.search(Slide.objects.all(), "adenoma")) == ["Colon polyp"]
    polyp = corpus["Colon polyp"]
    services.update_slide_details(slide=polyp, title="Colon polyp", organ="Colon", stain="H&E",
                                  tags=["serrated"])  # fmt: skip
    assert titles(search.search(Slide.objects.all(), "adenoma")) == []
    assert titles(search.search(Slide.objects.all(), "serrated")) == ["Colon polyp"]


def test_typos_are_corrected_against_the_words_slides_contain():
    from slides.typos import corrected

    known = frozenset({"breast", "carcinoma", "adenoma", "serrated", "lesion"})
    assert corrected("brest h&e", known) == "breast h&e"
    assert corrected("carcinma serated", known) == "carcinoma serrated"
    # Short words and words sharing only an ending are left as typed.
    assert corrected("ki67 ER", known) == "ki67 ER"
    assert corrected("melanoma", frozenset({"carcinoma"})) == "melanoma"


def test_the_portable_fallback_needs_every_word_and_puts_titles_first(corpus):
    found = titles(search._portable_search(Slide.objects.all(), "carcinoma breast"))
    assert set(found) == {"Breast core biopsy", "Breast excision, ER"}
    found = titles(search._portable_search(Slide.objects.all(), "carcinoma"))
    assert found[0] == "Lymph node with metastatic carcinoma"  # the only title with it
    assert len(found) == 3


def test_on_sqlite_typos_are_corrected_too(corpus, monkeypatch):
    monkeypatch.setattr(search, "uses_postgres", lambda: False)
    assert titles(search.search(Slide.objects.all(), "fungl skin")) == ["Skin punch"]


def test_facets_count_what_was_found(corpus):
    found = search._portable_search(Slide.objects.all(), "carcinoma")
    facets = search.facets(found)
    assert facets["organ"] == [("Breast", "Breast", 2), ("Lymph node", "Lymph node", 1)]
    assert ("carcinoma", "carcinoma", 2) in facets["tag"]
    assert facets["status"] == [("ready", "Ready", 3)]


def test_the_library_page_searches_with_facets_in_bounded_queries(
    client, educator, corpus, django_assert_max_num_queries
):
    needs_postgres()
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        response = client.get("/slides/", {"q": "brest h&e"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Breast core biopsy" in body and "Colon polyp" not in body
    assert 'class="facets"' in body and "?q=brest+h%26e&amp;organ=Breast" in body


def test_the_api_uses_the_same_search(client, educator, corpus):
    needs_postgres()
    client.force_login(educator)
    body = client.get("/api/slides/", {"q": "breast h&e"}).json()
    assert [row["title"] for row in body["results"]] == ["Breast core biopsy"]
    assert client.get("/api/slides/", {"q": "x" * 201}).status_code == 400


def test_bulk_tagging_and_descriptions_are_searched(corpus):
    from slides import curation

    skin = Slide.objects.filter(title="Skin punch")
    curation.tag_slides(slides=skin, tag_name="teaching set", add=True)
    assert titles(search._portable_search(Slide.objects.all(), "teaching set")) == ["Skin punch"]
    polyp = corpus["Colon polyp"]
    services.update_slide_details(
        slide=polyp, title=polyp.title, organ="Colon", stain="H&E", tags=["adenoma"],
        description="Tubulovillous, low grade",
    )  # fmt: skip
    assert titles(search._portable_search(Slide.objects.all(), "tubulovillous")) == ["Colon polyp"]
